import PaygateCore

/// The statement knob (`"statement"` in `POST /sandbox/faults`): discrepancies planted in one
/// day's statement of one channel, or a bad file in its place, so reconciliation can be shown to
/// find each one. The other days' statements, and the other channels', are as recorded.
///
/// `{"channel": "wechatpay", "day": "2026-11-27", "discrepancies": [{"kind": "amount", "order": "<out_trade_no>"}],
///   "bad_file": null}`
///
/// Each discrepancy aims at `order` (the merchant's order number) or, when it is null or left
/// out, at the first paid trade (by payment time) of that day:
/// - `missing`: the trade is left out of the file.
/// - `extra`: a trade we never had is added (out_trade_no `SANDBOX-EXTRA-…`, 1.00 yuan, noon).
/// - `amount`: the trade's amount is 0.01 yuan more than was paid.
/// - `fee`: the trade's fee is 0.01 yuan more than the sandbox's 0.6 %.
/// - `refund_status`: WeChat Pay lists a successful refund of that order (or the day's first)
///   with 退款状态 FAILED. Alipay's and UnionPay's files list completed refunds only, so there the
///   discrepancy is a refund the channel failed (the `refund_result` fault) listed as completed.
/// - `next_day`: the trade leaves this day's file and appears in the next day's, at its true
///   time: a payment made just before midnight that the channel dated the next day (the sandbox
///   moves the aimed trade whatever its time, since a test cannot pay at 23:59).
///
/// `bad_file` replaces the day's file with a broken one: `hash_mismatch` (WeChat Pay only: the
/// published SHA-1 is not the file's), `truncated` (the zip, or WeChat Pay's gzip, cut short),
/// `wrong_encoding` (UTF-8 where GBK is due; GBK in WeChat Pay's UTF-8 file), `missing_column`
/// (服务费 / 手续费 dropped; UnionPay's lines cut before field 41) and `summary_mismatch` (the
/// footer or summary counts one line more; not UnionPay, whose file carries no totals).
public struct StatementFaults: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case missing, extra, amount, fee
        case nextDay = "next_day"
        case refundStatus = "refund_status"
    }

    public enum BadFile: String, Sendable, CaseIterable {
        case truncated
        case hashMismatch = "hash_mismatch"
        case wrongEncoding = "wrong_encoding"
        case missingColumn = "missing_column"
        case summaryMismatch = "summary_mismatch"
    }

    public struct Discrepancy: Sendable, Equatable {
        public var kind: Kind
        /// Nil: the day's first paid trade (or, for `refund_status`, the day's first refund).
        public var order: String?
    }

    public static let discrepancyCountMax = 16

    public var channel: Channel
    /// `yyyy-MM-dd`, a China calendar day.
    public var day: String
    public var discrepancies: [Discrepancy] = []
    public var badFile: BadFile?

    static func parse(_ members: [(key: String, value: JSONValue)]) throws(SandboxFaults.ParseError) -> StatementFaults {
        var channel: Channel?
        var day: String?
        var discrepancies: [Discrepancy] = []
        var badFile: BadFile?
        for (key, value) in members {
            switch (key, value) {
            case ("channel", .string(let name)): channel = Channel(rawValue: name)
            case ("day", .string(let text)) where ChannelTime.parseDateTime(text + " 00:00:00") != nil && text.utf8.count == 10: day = text
            case ("bad_file", .null): badFile = nil
            case ("bad_file", .string(let name)):
                guard let parsed = BadFile(rawValue: name) else { throw .badMember("statement") }
                badFile = parsed
            case ("discrepancies", .array(let items)) where items.count <= discrepancyCountMax:
                discrepancies = try items.map { item throws(SandboxFaults.ParseError) in try discrepancy(item) }
            default: throw .badMember("statement")
            }
        }
        guard let channel, let day else { throw .badMember("statement") }
        // What a channel's format cannot show is refused rather than silently ignored.
        if badFile == .hashMismatch && channel != .wechatpay || badFile == .summaryMismatch && channel == .unionpay {
            throw .badMember("statement")
        }
        return StatementFaults(channel: channel, day: day, discrepancies: discrepancies, badFile: badFile)
    }

    private static func discrepancy(_ item: JSONValue) throws(SandboxFaults.ParseError) -> Discrepancy {
        guard case .object(let members) = item else { throw .badMember("statement") }
        var kind: Kind?
        var order: String?
        for (key, value) in members {
            switch (key, value) {
            case ("kind", .string(let name)): kind = Kind(rawValue: name)
            case ("order", .null): order = nil
            case ("order", .string(let number)) where !number.isEmpty && number.utf8.count <= SandboxFaults.orderNumberBytesMax:
                order = number
            default: throw .badMember("statement")
            }
        }
        guard let kind else { throw .badMember("statement") }
        return Discrepancy(kind: kind, order: order)
    }

    func write(_ writer: inout JSONWriter) {
        writer.objectOpen()
        writer.member("channel", channel.rawValue)
        writer.member("day", day)
        writer.key("discrepancies")
        writer.arrayOpen()
        for discrepancy in discrepancies {
            writer.objectOpen()
            writer.member("kind", discrepancy.kind.rawValue)
            writer.member("order", discrepancy.order)
            writer.objectClose()
        }
        writer.arrayClose()
        writer.member("bad_file", badFile?.rawValue)
        writer.objectClose()
    }
}
