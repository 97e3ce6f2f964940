import Jobs
import PaygateCore
import Storage

/// `paygate-admin recon run|report|resolve` (README "Reconciliation"):
///   recon run --channel C --date yyyy-MM-dd [--file PATH]
///                                               reconcile that day now (the worker does it daily)
///                                               against the channel's statement, or the file at
///                                               PATH; prints the run's totals as one JSON object
///   recon report --date D [--channel C] [--all] the runs of the day and their differences
///                                               (every item with --all), as JSON
///   recon resolve ITEM_ID --note TEXT [--actor NAME]   close a difference an admin dealt with
/// Exit 1 when a run fails (its error is on its row and printed), 2 on bad arguments.
@MainActor func reconCommand(_ arguments: [String]) throws {
    var arguments = CommandArguments(arguments)
    let take = { (flag: String) in arguments.take(flag) }
    let channel = take("--channel").map { text -> Channel in
        guard let channel = Channel(rawValue: text) else { fail("unknown channel \(text)", code: 2) }
        return channel
    }
    let day = take("--date").map { text -> StatementDay in
        guard let day = StatementDay(text) else { fail("--date takes yyyy-MM-dd", code: 2) }
        return day
    }
    let note = take("--note")
    let file = take("--file")
    let actor = take("--actor") ?? "admin"
    let all = arguments.has("--all")
    switch arguments.rest {
    case ["run"]:
        guard let channel, let day else { fail("recon run needs --channel and --date", code: 2) }
        let reconciler = try Reconciler(configuration: configuration, log: log)
        do {
            _ = try reconciler.run(channel, day: day, file: file, requestId: "admin-recon")
        } catch {
            fail("reconciliation of \(channel.rawValue) \(day.text) failed: \(error)")
        }
        // The run's row as stored: what the report shows, with how many runs the day has had.
        guard let run = try reconciler.store.runs(day: day, channel: channel).first else { fail("the run's row is missing") }
        print(ReconJSON.run(run))
    case ["report"]:
        guard let day else { fail("recon report needs --date", code: 2) }
        let store = ReconStore(shards: try ShardConnections(configuration: configuration.database.using(.readOnly)))
        let runs = try store.runs(day: day, channel: channel)
        let items = try store.items(day: day, channel: channel, all: all, limit: ReconJSON.reportItemsMax)
        print(ReconJSON.report(day: day, runs: runs, items: items))
    case let words where words.count == 2 && words[0] == "resolve":
        guard let id = ReconItemId(words[1]) else { fail("no such reconciliation item: \(words[1])", code: 2) }
        guard let note, !note.isEmpty, note.count <= 512 else { fail("recon resolve needs --note (1-512 characters)", code: 2) }
        let store = ReconStore(shards: try ShardConnections(configuration: configuration.database))
        guard let item = try store.resolve(id, note: note, actor: actor, now: .now()) else {
            fail("no such reconciliation item: \(id.text)")
        }
        guard item.state == .resolved else { fail("\(id.text) is \(item.reconClass.rawValue): nothing to resolve") }
        print(ReconJSON.item(item))
    default:
        fail(
            "usage: paygate-admin recon run --channel C --date D | recon report --date D [--channel C] [--all] | recon resolve ITEM_ID --note TEXT",
            code: 2)
    }
}

/// What the recon commands print.
enum ReconJSON {
    /// Items one report prints at most (a day with more differences than this needs SQL).
    static let reportItemsMax = 10_000

    static func run(_ run: ReconRunSummary) -> String {
        var writer = JSONWriter()
        write(run, &writer)
        return writer.string
    }

    static func report(day: StatementDay, runs: [ReconRunSummary], items: [ReconItem]) -> String {
        var writer = JSONWriter()
        writer.objectOpen()
        writer.member("date", day.text)
        writer.key("runs")
        writer.arrayOpen()
        for run in runs { write(run, &writer) }
        writer.arrayClose()
        writer.key("items")
        writer.arrayOpen()
        for item in items { write(item, &writer) }
        writer.arrayClose()
        writer.objectClose()
        return writer.string
    }

    static func item(_ item: ReconItem) -> String {
        var writer = JSONWriter()
        write(item, &writer)
        return writer.string
    }

    private static func write(_ run: ReconRunSummary, _ writer: inout JSONWriter) {
        writer.objectOpen()
        writer.member("channel", run.channel.rawValue)
        writer.member("date", run.day.text)
        writer.member("status", run.status.rawValue)
        writer.member("runs", run.runs)
        if let error = run.error { writer.member("error", error) }
        if let path = run.filePath { writer.member("file", path) }
        if let digest = run.fileSHA256 { writer.member("file_sha256", digest) }
        tally("statement", payments: run.statementPayments, refunds: run.statementRefunds, fees: run.statementFees, &writer)
        tally("local", payments: run.localPayments, refunds: run.localRefunds, fees: run.localFees, &writer)
        writer.member("matched", run.matched)
        writer.member("differences", run.differences)
        writer.member("awaiting_next_day", run.awaiting)
        writer.objectClose()
    }

    private static func tally(
        _ name: String, payments: ReconRunSummary.Tally, refunds: ReconRunSummary.Tally, fees: Money, _ writer: inout JSONWriter
    ) {
        writer.key(name)
        writer.objectOpen()
        writer.member("payments", payments.count)
        writer.member("paid", payments.amount.text)
        writer.member("refunds", refunds.count)
        writer.member("refunded", refunds.amount.text)
        writer.member("fees", fees.text)
        writer.objectClose()
    }

    private static func write(_ item: ReconItem, _ writer: inout JSONWriter) {
        writer.objectOpen()
        writer.member("item_id", item.id.text)
        writer.member("channel", item.channel.rawValue)
        writer.member("date", item.day.text)
        writer.member("kind", item.kind.rawValue)
        writer.member("class", item.reconClass.rawValue)
        writer.member("state", item.state.rawValue)
        writer.member("reference", item.reference)
        if let id = item.paymentId { writer.member("payment_id", id.text) }
        if let id = item.refundId { writer.member("refund_id", id.text) }
        for (key, value) in [
            ("statement_amount", item.statementAmount), ("statement_fee", item.statementFee), ("local_amount", item.localAmount),
            ("local_fee", item.localFee),
        ] {
            if let value { writer.member(key, value.text) }
        }
        if let status = item.statementStatus { writer.member("statement_status", status) }
        if let status = item.localStatus { writer.member("local_status", status) }
        if let note = item.note { writer.member("note", note) }
        if let by = item.resolvedBy { writer.member("resolved_by", by) }
        writer.objectClose()
    }
}
