import Channels
import Foundation
import HTTPClient
import PaygateCore
import Services

/// `paygate-admin recon fetch --channel C --date yyyy-MM-dd --out FILE|--file FILE [--records]`:
/// downloads one day's statement the way reconciliation does (the connector's signed request, its
/// answer, the file written to FILE as it arrives, mode 0600), or takes the file at hand
/// (`--file`: what `make bench` (h) times reading alone), and reads it with the connector's reader,
/// printing one JSON object: how many payments and refunds, their totals (yuan) and, with
/// `--records`, every record. Nothing is stored. Exit 1 when the channel or the file fails
/// (`bad_statement` names what was wrong), 2 on bad arguments. For people and the e2e tests.
enum ReconFetch {
    struct Result {
        var file: String?
        var payments = 0
        var refunds = 0
        var totals = StatementTotals.zero
        var records: [StatementRecord] = []
    }

    /// Fetches (to `out`) or takes (`existing`) the statement and reads it; `keepRecords` keeps
    /// every record for printing.
    static func run(
        _ statements: LiveStatements, channel: Channel, day: StatementDay, out: String?, existing: String?, keepRecords: Bool
    ) throws(ReconError) -> Result {
        let file: StatementFile
        if let existing {
            file = try statements.adopt(channel, day: day, path: existing)
        } else if let out {
            file = try statements.download(channel, day: day, to: out, requestId: "admin-recon-fetch")
        } else {
            throw ReconError(.notConfigured, "recon fetch needs --out FILE or --file FILE")
        }
        guard let path = file.path else { return Result() }
        let reader = try statements.reader(file)
        var result = Result(file: path)
        while true {
            let record: StatementRecord?
            do { record = try reader.next() } catch { throw ReconError(.badStatement, error.message) }
            guard let record else { break }
            if record.kind == .payment { result.payments += 1 } else { result.refunds += 1 }
            if keepRecords { result.records.append(record) }
        }
        result.totals = reader.totals
        return result
    }

    static func json(_ result: Result, channel: Channel, day: String) -> String {
        var writer = JSONWriter(reservingCapacity: 256 + 256 * result.records.count)
        writer.objectOpen()
        writer.member("channel", channel.rawValue)
        writer.member("date", day)
        writer.member("file", result.file)
        writer.member("payments", result.payments)
        writer.member("refunds", result.refunds)
        writer.member("lines", result.totals.lines)
        writer.member("paid", result.totals.paid.text)
        writer.member("refunded", result.totals.refunded.text)
        writer.member("fees", result.totals.fees.text)
        writer.key("records")
        writer.arrayOpen()
        for record in result.records {
            writer.objectOpen()
            writer.member("kind", record.kind.rawValue)
            writer.member("order_reference", record.orderReference)
            writer.member("refund_reference", record.refundReference)
            writer.member("channel_transaction_id", record.channelTransactionId)
            writer.member("channel_refund_id", record.channelRefundId)
            writer.member("amount", record.amount.text)
            writer.member("fee", record.fee.text)
            writer.member("status", record.status.rawValue)
            writer.member("occurred_at", record.occurredAt.rfc3339)
            writer.objectClose()
        }
        writer.arrayClose()
        writer.objectClose()
        return writer.string
    }
}

@MainActor func reconFetchCommand(_ arguments: [String]) throws {
    var arguments = CommandArguments(arguments)
    let take = { (flag: String) in arguments.take(flag) }
    let channelName = take("--channel")
    let day = take("--date")
    let out = take("--out")
    let existing = take("--file")
    let keepRecords = arguments.has("--records")
    guard arguments.rest.isEmpty, let channelName, let channel = Channel(rawValue: channelName), let day, StatementDay(day) != nil,
        (out == nil) != (existing == nil)
    else {
        fail(
            "usage: paygate-admin recon fetch --channel alipay|wechatpay|unionpay --date yyyy-MM-dd --out FILE|--file FILE [--records]",
            code: 2)
    }
    guard let statementDay = StatementDay(day), let runtime = try ChannelRuntime.load(configuration, log: log),
        runtime.connectors[channel] != nil
    else { fail("\(channel.rawValue) is not configured") }
    HTTPClient.initializeOnce()
    do {
        let result = try ReconFetch.run(
            LiveStatements(runtime: runtime, log: log), channel: channel, day: statementDay, out: out, existing: existing,
            keepRecords: keepRecords)
        print(ReconFetch.json(result, channel: channel, day: day))
    } catch {
        fail("\(channel.rawValue) \(day): \(error)")
    }
}
