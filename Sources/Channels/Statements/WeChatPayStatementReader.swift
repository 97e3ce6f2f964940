import FileFormats
import PaygateCore

/// WeChat Pay v3's trade bill (`bill_type=ALL`): UTF-8 CSV, gzip when asked with `tar_type=GZIP`
/// (told apart here by the gzip magic bytes). The 27-column header, one row per payment (交易状态
/// SUCCESS) and per refund (REFUND, with its 退款状态), every cell of a row starting with a
/// backtick, then the summary header (总交易单数, 应结订单总金额, 退款总金额, …) and its row.
///
/// Rows are split on ",`" rather than "," so a comma inside 商品名称 cannot shift the cells. A
/// payment's amount is 应结订单金额 (what WeChat Pay settles to us), a refund's 退款金额; fees are
/// 手续费 (negative on refunds, where it is returned). The published `hash_value` is the SHA-1 of
/// the uncompressed file ("原始账单(gzip需要解压缩)的摘要值"), so it is checked after gunzip.
final class WeChatPayStatementReader: StatementReader {
    static let summaryFirstColumn = "总交易单数"
    enum Column {
        static let tradeTime = "交易时间"
        static let transactionId = "微信订单号"
        static let outTradeNo = "商户订单号"
        static let tradeState = "交易状态"
        static let settlementAmount = "应结订单金额"
        static let refundId = "微信退款单号"
        static let outRefundNo = "商户退款单号"
        static let refundAmount = "退款金额"
        static let refundStatus = "退款状态"
        static let fee = "手续费"
        static let required = [
            tradeTime, transactionId, outTradeNo, tradeState, settlementAmount, refundId, outRefundNo, refundAmount, refundStatus, fee,
        ]
    }
    enum Summary {
        static let count = "总交易单数"
        static let settlement = "应结订单总金额"
        static let refunded = "退款总金额"
        static let fees = "手续费总金额"
        static let required = [count, settlement, refunded, fees]
    }

    private let lines: LineReader
    private let columns: StatementColumns
    private(set) var totals = StatementTotals.zero
    private var finished = false
    private let file = "WeChat Pay bill"

    init(path: String, expectedSHA1Hex: String?) throws(ChannelError) {
        let opened = try StatementFile.attempt("WeChat Pay bill") { () throws(FileFormatError) in try ReadOnlyFile(path: path) }
        let magic = try StatementFile.attempt("WeChat Pay bill") { () throws(FileFormatError) in try opened.read(at: 0, count: 2) }
        var source: any ByteSource = FileRangeSource(file: opened)
        if magic == [0x1F, 0x8B] { source = InflatingSource(source, format: .gzip) }
        if let expectedSHA1Hex { source = SHA1CheckingSource(source, expectedHex: expectedSHA1Hex) }
        lines = LineReader(source, lineBytesMax: StatementFile.lineBytesMax)
        var header = try Self.text(lines, file)
        if header?.hasPrefix("\u{FEFF}") == true { header = String(header!.dropFirst()) }  // a BOM, as spreadsheets add
        guard let header else { throw StatementFile.bad("\(file) is empty") }
        columns = try StatementColumns(
            header: header.split(separator: ",", omittingEmptySubsequences: false).map(Self.cell), required: Column.required, file: file)
    }

    func next() throws(ChannelError) -> StatementRecord? {
        guard !finished else { return nil }
        guard let line = try Self.text(lines, file) else {
            throw StatementFile.bad("\(file) ends at line \(lines.lineNumber) before its summary: cut short")
        }
        if line.hasPrefix(Self.summaryFirstColumn) {
            try checkSummary(header: line)
            finished = true
            return nil
        }
        let record = try record(try cells(line))
        totals.add(record)
        return record
    }

    /// A row's cells: it starts with a backtick and its cells are separated by ",`".
    private func cells(_ line: String) throws(ChannelError) -> [String] {
        guard line.hasPrefix("`") else { throw StatementFile.bad("\(file) line \(lines.lineNumber) does not start with a backtick") }
        let cells = line.dropFirst().split(separator: ",`", omittingEmptySubsequences: false).map { CSVLine.trimmed(String($0)) }
        guard cells.count == columns.count else {
            throw StatementFile.bad("\(file) line \(lines.lineNumber) has \(cells.count) cells, the header \(columns.count)")
        }
        return cells
    }

    private func record(_ cells: [String]) throws(ChannelError) -> StatementRecord {
        let place = "\(file) line \(lines.lineNumber)"
        let amount = { (name: String) throws(ChannelError) -> (negative: Bool, magnitude: Money) in
            guard let value = StatementFile.signedYuan(self.columns.cell(cells, name)) else {
                throw StatementFile.bad("\(place): \(name) is not an amount")
            }
            return value
        }
        guard let occurredAt = ChinaTime.parseDateTime(columns.cell(cells, Column.tradeTime)) else {
            throw StatementFile.bad("\(place): \(Column.tradeTime) is not yyyy-MM-dd HH:mm:ss")
        }
        let transactionId = columns.cell(cells, Column.transactionId)
        let outTradeNo = columns.cell(cells, Column.outTradeNo)
        guard !transactionId.isEmpty, !outTradeNo.isEmpty else { throw StatementFile.bad("\(place): an order number is empty") }
        let fee = try amount(Column.fee).magnitude
        switch columns.cell(cells, Column.tradeState) {
        case "SUCCESS":
            return StatementRecord(
                kind: .payment, orderReference: outTradeNo, refundReference: nil, channelTransactionId: transactionId, channelRefundId: nil,
                amount: try amount(Column.settlementAmount).magnitude, fee: fee, status: .succeeded, occurredAt: occurredAt)
        case "REFUND":
            let outRefundNo = columns.cell(cells, Column.outRefundNo)
            guard !outRefundNo.isEmpty else { throw StatementFile.bad("\(place): \(Column.outRefundNo) is empty") }
            return StatementRecord(
                kind: .refund, orderReference: outTradeNo, refundReference: outRefundNo, channelTransactionId: transactionId,
                channelRefundId: columns.cell(cells, Column.refundId), amount: try amount(Column.refundAmount).magnitude, fee: fee,
                status: Self.refundStatus(columns.cell(cells, Column.refundStatus)), occurredAt: occurredAt)
        case let other:
            throw StatementFile.bad("\(place): 交易状态 \(other) is neither SUCCESS nor REFUND")
        }
    }

    /// SUCCESS and PROCESSING as they say; every other state (FAILED, ABNORMAL, CLOSED…) moved no money.
    static func refundStatus(_ text: String) -> StatementRecord.Status {
        switch text {
        case "SUCCESS": .succeeded
        case "PROCESSING": .processing
        default: .failed
        }
    }

    private func checkSummary(header: String) throws(ChannelError) {
        let names = header.split(separator: ",", omittingEmptySubsequences: false).map(Self.cell)
        let summaryColumns = try StatementColumns(header: names, required: Summary.required, file: file + " summary")
        guard let row = try Self.text(lines, file), row.hasPrefix("`") else { throw StatementFile.bad("\(file) has no summary row") }
        let cells = row.split(separator: ",", omittingEmptySubsequences: false).map(Self.cell)
        guard cells.count == names.count else {
            throw StatementFile.bad("\(file) summary row has \(cells.count) cells, its header \(names.count)")
        }
        let signed = { (name: String) -> Int64? in
            StatementFile.signedYuan(summaryColumns.cell(cells, name)).map {
                $0.negative ? -$0.magnitude.minorUnits : $0.magnitude.minorUnits
            }
        }
        let stated = (
            Int(summaryColumns.cell(cells, Summary.count)), signed(Summary.settlement), signed(Summary.refunded), signed(Summary.fees)
        )
        let read = (totals.lines, totals.paid.minorUnits, totals.refunded.minorUnits, totals.fees.minorUnits)
        guard stated.0 == read.0, stated.1 == read.1, stated.2 == read.2, stated.3 == read.3 else {
            throw StatementFile.bad(
                "\(file) summary says \(stated.0.map(String.init) ?? "?") lines, \(stated.1 ?? 0) paid, \(stated.2 ?? 0) refunded, "
                    + "\(stated.3 ?? 0) fees (fen); the rows \(read.0), \(read.1), \(read.2), \(read.3)")
        }
        // Reading to the end lets the digest (and gzip's own CRC) be checked.
        while let extra = try Self.text(lines, file) {
            guard extra.isEmpty else { throw StatementFile.bad("\(file) line \(lines.lineNumber) follows the summary") }
        }
    }

    private static func cell(_ text: Substring) -> String {
        CSVLine.trimmed(String(text.hasPrefix("`") ? text.dropFirst() : text))
    }

    /// The next line as UTF-8 text (WeChat Pay writes UTF-8).
    private static func text(_ lines: LineReader, _ file: String) throws(ChannelError) -> String? {
        let number = lines.lineNumber + 1
        guard let bytes = try StatementFile.attempt("\(file) line \(number)", { () throws(FileFormatError) in try lines.nextLine() }) else {
            return nil
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw StatementFile.bad("\(file) line \(number) is not UTF-8") }
        return text
    }
}
