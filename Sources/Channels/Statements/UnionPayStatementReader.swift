import FileFormats
import PaygateCore

/// UnionPay ACP's merchant transaction file ("全渠道商户对账文件", file interface spec section 6.1):
/// `INN<yymmdd>88ZM_<merId>` inside the zip the file transfer (txnType 76) answers with. Each
/// line is one transaction in 42 fixed-width GBK fields, one space between fields, no header
/// and no footer (UnionPay publishes no totals in it, so there is no summary to check; the
/// error file `…88ZME_…` lists transactions in dispute and is not read here).
///
/// Fields read (1-based, as the spec numbers them): 1 交易代码 (S22 消费, S30 退货), 5 交易传输时间
/// MMDDhhmmss, 7 交易金额 n12 fen, 10 查询流水号, 12 商户订单号, 16 商户手续费 X+n12 (C/D and fen),
/// 27 原交易查询流水号, 41 原始交易订单号 (a refund's payment). The file lists settled transactions
/// only: every record is `succeeded`.
final class UnionPayStatementReader: StatementReader {
    /// Field widths in bytes, fields 1 to 42 (the spec's table; the last is "保留使用").
    static let widths = [
        3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2, 6, 2, 4, 32, 1, 21, 15, 1, 15, 32, 13, 13, 8, 32, 13, 13,
        12,
        2, 1, 32, 98,
    ]
    static let offsets: [Int] = widths.indices.map { index in widths[..<index].reduce(0, +) + index }
    /// The last field read (41) must be whole; a line may stop before the reserved field's padding.
    static let lineBytesMin = offsets[40] + widths[40]
    enum Field {
        static let code = 0, transmissionTime = 4, amount = 6, queryId = 9, orderId = 11, fee = 15, originalQueryId = 26
        static let originalOrderId = 40
    }
    static let paymentCode = "S22"
    static let refundCode = "S30"

    private let lines: GBKLines
    private let year: Int
    private let dayMonth: String
    private(set) var totals = StatementTotals.zero

    init(path: String, day: String, merchantId: String) throws(ChannelError) {
        let digits = day.filter(\.isNumber)
        guard digits.count == 8, let year = Int(digits.prefix(4)) else { throw StatementFile.bad("statement day \(day) is not yyyy-MM-dd") }
        self.year = year
        dayMonth = String(digits.suffix(4))
        let name = "INN" + digits.dropFirst(2) + "88ZM_" + merchantId
        let archive = try StatementFile.attempt("UnionPay statement") { () throws(FileFormatError) in try ZipArchive(path: path) }
        guard let entry = archive.entries.first(where: { $0.name == name }) else {
            throw StatementFile.bad("the zip has no \(name), only: \(archive.entries.map(\.name).joined(separator: ", "))")
        }
        lines = GBKLines(try StatementFile.attempt(name) { () throws(FileFormatError) in try archive.contents(of: entry) }, file: name)
    }

    func next() throws(ChannelError) -> StatementRecord? {
        var raw: [UInt8] = []
        while raw.isEmpty {
            guard let line = try lines.nextRaw() else { return nil }
            raw = line
        }
        _ = try lines.decode(raw)  // the whole line must be GBK (and not UTF-8) before it is cut by bytes
        let place = "\(lines.file) line \(lines.lineNumber)"
        guard raw.count >= Self.lineBytesMin else {
            throw StatementFile.bad("\(place) is \(raw.count) bytes; a transaction record needs \(Self.lineBytesMin): a field is missing")
        }
        let field = { (index: Int) throws(ChannelError) -> String in
            let start = Self.offsets[index]
            let bytes = Array(raw[start..<min(raw.count, start + Self.widths[index])])
            return CSVLine.trimmed(try self.lines.decode(bytes))
        }
        let record = try record(field, place: place)
        totals.add(record)
        return record
    }

    private func record(_ field: (Int) throws(ChannelError) -> String, place: String) throws(ChannelError) -> StatementRecord {
        let code = try field(Field.code)
        guard code == Self.paymentCode || code == Self.refundCode else {
            throw StatementFile.bad("\(place): 交易代码 \(code) is neither S22 nor S30")
        }
        guard let amount = Self.paddedFen(try field(Field.amount)), amount.minorUnits > 0 else {
            throw StatementFile.bad("\(place): 交易金额 is not a count of fen")
        }
        let feeText = try field(Field.fee)
        guard let sign = feeText.first, sign == "C" || sign == "D", let fee = Self.paddedFen(String(feeText.dropFirst())) else {
            throw StatementFile.bad("\(place): 商户手续费 is not C/D and 12 digits")
        }
        guard let occurredAt = occurredAt(try field(Field.transmissionTime)) else {
            throw StatementFile.bad("\(place): 交易传输时间 is not MMDDhhmmss")
        }
        let queryId = try field(Field.queryId)
        let orderId = try field(Field.orderId)
        guard !queryId.isEmpty, !orderId.isEmpty else { throw StatementFile.bad("\(place): 查询流水号 or 商户订单号 is empty") }
        guard code == Self.refundCode else {
            return StatementRecord(
                kind: .payment, orderReference: orderId, refundReference: nil, channelTransactionId: queryId, channelRefundId: nil,
                amount: amount, fee: fee, status: .succeeded, occurredAt: occurredAt)
        }
        let originalOrderId = try field(Field.originalOrderId)
        let originalQueryId = try field(Field.originalQueryId)
        guard !originalOrderId.isEmpty, !originalQueryId.isEmpty else {
            throw StatementFile.bad("\(place): a 退货 without its original order")
        }
        return StatementRecord(
            kind: .refund, orderReference: originalOrderId, refundReference: orderId, channelTransactionId: originalQueryId,
            channelRefundId: queryId, amount: amount, fee: fee, status: .succeeded, occurredAt: occurredAt)
    }

    /// Fen written zero-padded to 12 digits ("000000001230").
    static func paddedFen(_ text: String) -> Money? {
        guard text.utf8.count == 12 else { return nil }
        let digits = text.drop { $0 == "0" }
        return ChannelAmount.parseFen(digits.isEmpty ? "0" : String(digits))
    }

    /// MMDDhhmmss in China time, in the year that puts it nearest the statement's day (a
    /// December time in a January file is last year's).
    private func occurredAt(_ text: String) -> Timestamp? {
        guard text.utf8.count == 10, let month = Int(text.prefix(2)), let dayMonth = Int(dayMonth.prefix(2)) else { return nil }
        let year = month - dayMonth > 6 ? self.year - 1 : dayMonth - month > 6 ? self.year + 1 : self.year
        return ChinaTime.parseCompact(String(year) + text)
    }
}
