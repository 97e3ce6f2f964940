import FileFormats
import PaygateCore

/// Alipay's trade bill (`bill_type=trade`): a zip of two GBK CSV files, of which the detail file
/// `<pid>_<yyyyMMdd>_业务明细.csv` is read:
///
///     #支付宝业务明细查询
///     #账号：[2088…]
///     #起始日期：[2026年11月27日 00:00:00]   终止日期：[2026年11月28日 00:00:00]
///     #-----------------------------------------业务明细列表----------------------------------------
///     支付宝交易号,商户订单号,业务类型,…(25 columns)
///     <one row per trade (业务类型 交易) and per refund (退款, negative amounts)>
///     #-----------------------------------------业务明细列表结束------------------------------------
///     #交易合计：2笔，商家实收共24.60元，服务费共-0.14元
///     #退款合计：1笔，商家实收共-5.00元，服务费共0.03元
///     #导出时间：[2026年11月28日 09:12:01]
///
/// Published samples differ in the footer's wording after the count (`商家实收共…元，商家优惠共…元`
/// in one, `服务费共…元` in another, `商家实收退款共` on refunds): the count before 笔 and the first
/// amount after 商家实收 are read, which every variant has, and checked against the rows. Alipay
/// lists only completed trades and refunds, so every record is `succeeded`; amounts are 商家实收
/// (what reached the merchant), fees 服务费 (negative on trades, returned as positive on refunds).
final class AlipayStatementReader: StatementReader {
    static let title = "#支付宝业务明细查询"
    static let listMarker = "业务明细列表"
    static let listEndMarker = "业务明细列表结束"
    enum Column {
        static let tradeNo = "支付宝交易号"
        static let outTradeNo = "商户订单号"
        static let bizType = "业务类型"
        static let finishedAt = "完成时间"
        static let received = "商家实收（元）"
        static let requestNo = "退款批次号/请求号"
        static let fee = "服务费（元）"
        static let required = [tradeNo, outTradeNo, bizType, finishedAt, received, requestNo, fee]
    }

    private let lines: GBKLines
    private let columns: StatementColumns
    private(set) var totals = StatementTotals.zero
    /// Signed fen of 商家实收 per kind, and counts, for the footer.
    private var sums: [StatementRecord.Kind: (count: Int, received: Int64)] = [.payment: (0, 0), .refund: (0, 0)]
    private var finished = false

    init(path: String, day: String) throws(ChannelError) {
        let compactDay = day.filter(\.isNumber)
        let archive = try StatementFile.attempt("Alipay statement") { () throws(FileFormatError) in try ZipArchive(path: path) }
        let suffix = "_\(compactDay)_业务明细.csv"
        guard let entry = archive.entries.first(where: { $0.name.hasSuffix(suffix) }) else {
            throw StatementFile.bad("the zip has no <pid>\(suffix), only: \(archive.entries.map(\.name).joined(separator: ", "))")
        }
        lines = GBKLines(
            try StatementFile.attempt(entry.name) { () throws(FileFormatError) in try archive.contents(of: entry) }, file: entry.name)
        guard let first = try lines.next(), first.hasPrefix(Self.title) else {
            throw StatementFile.bad("\(entry.name) does not start with \(Self.title)")
        }
        while true {
            guard let line = try lines.next() else { throw StatementFile.bad("\(entry.name) ends before its \(Self.listMarker) line") }
            guard line.hasPrefix("#") else {
                throw StatementFile.bad("\(entry.name) line \(lines.lineNumber): a row before \(Self.listMarker)")
            }
            if line.contains(Self.listMarker) && !line.contains(Self.listEndMarker) { break }
        }
        guard let header = try lines.next() else { throw StatementFile.bad("\(entry.name) ends before its header") }
        columns = try StatementColumns(header: CSVLine.cells(header), required: Column.required, file: entry.name)
    }

    func next() throws(ChannelError) -> StatementRecord? {
        guard !finished else { return nil }
        guard let line = try lines.next() else {
            throw StatementFile.bad("\(lines.file) ends at line \(lines.lineNumber) before \(Self.listEndMarker): cut short")
        }
        if line.hasPrefix("#") {
            guard line.contains(Self.listEndMarker) else {
                throw StatementFile.bad("\(lines.file) line \(lines.lineNumber): a # line among rows")
            }
            try checkFooter()
            finished = true
            return nil
        }
        let record = try record(CSVLine.cells(line))
        totals.add(record)
        return record
    }

    private func record(_ cells: [String]) throws(ChannelError) -> StatementRecord {
        let place = "\(lines.file) line \(lines.lineNumber)"
        guard cells.count == columns.count else {
            throw StatementFile.bad("\(place) has \(cells.count) cells, the header \(columns.count)")
        }
        let kind: StatementRecord.Kind
        switch columns.cell(cells, Column.bizType) {
        case "交易": kind = .payment
        case "退款": kind = .refund
        case let other: throw StatementFile.bad("\(place): 业务类型 \(other) is neither 交易 nor 退款")
        }
        guard let received = StatementFile.signedYuan(columns.cell(cells, Column.received)) else {
            throw StatementFile.bad("\(place): \(Column.received) is not an amount")
        }
        guard let fee = StatementFile.signedYuan(columns.cell(cells, Column.fee)) else {
            throw StatementFile.bad("\(place): \(Column.fee) is not an amount")
        }
        guard let finishedAt = ChinaTime.parseDateTime(columns.cell(cells, Column.finishedAt)) else {
            throw StatementFile.bad("\(place): \(Column.finishedAt) is not yyyy-MM-dd HH:mm:ss")
        }
        let tradeNo = columns.cell(cells, Column.tradeNo)
        let outTradeNo = columns.cell(cells, Column.outTradeNo)
        let requestNo = columns.cell(cells, Column.requestNo)
        guard !tradeNo.isEmpty, !outTradeNo.isEmpty, kind == .payment || !requestNo.isEmpty else {
            throw StatementFile.bad("\(place): \(Column.tradeNo), \(Column.outTradeNo) or a refund's \(Column.requestNo) is empty")
        }
        let signed = received.negative ? -received.magnitude.minorUnits : received.magnitude.minorUnits
        sums[kind] = (sums[kind]!.count + 1, sums[kind]!.received + signed)
        return StatementRecord(
            kind: kind, orderReference: outTradeNo, refundReference: kind == .refund ? requestNo : nil, channelTransactionId: tradeNo,
            channelRefundId: nil, amount: received.magnitude, fee: fee.magnitude, status: .succeeded, occurredAt: finishedAt)
    }

    /// `#交易合计` and `#退款合计` against the rows; the rest of the footer is not checked.
    private func checkFooter() throws(ChannelError) {
        var seen: Set<String> = []
        while let line = try lines.next() {
            for (prefix, kind) in [("#交易合计", StatementRecord.Kind.payment), ("#退款合计", .refund)] where line.hasPrefix(prefix) {
                guard let (count, received) = Self.footerFigures(line) else {
                    throw StatementFile.bad("\(lines.file) line \(lines.lineNumber): \(prefix) is unreadable")
                }
                guard count == sums[kind]!.count, received == sums[kind]!.received else {
                    throw StatementFile.bad(
                        "\(lines.file): \(prefix) says \(count) lines and \(received) fen, the rows \(sums[kind]!.count) and \(sums[kind]!.received)"
                    )
                }
                seen.insert(prefix)
            }
        }
        guard seen.count == 2 else { throw StatementFile.bad("\(lines.file) lacks its #交易合计 or #退款合计 line: cut short") }
    }

    /// The count before 笔 and the signed fen of the first amount after 商家实收 … 共 … 元.
    static func footerFigures(_ line: String) -> (Int, Int64)? {
        guard let colon = line.firstIndex(of: "："), let strokes = line.firstIndex(of: "笔"), colon < strokes,
            let count = Int(line[line.index(after: colon)..<strokes]),
            let received = line.firstRange(of: "商家实收"), let total = line[received.upperBound...].firstIndex(of: "共"),
            let yuan = line[total...].firstIndex(of: "元"),
            let amount = StatementFile.signedYuan(String(line[line.index(after: total)..<yuan]))
        else { return nil }
        return (count, amount.negative ? -amount.magnitude.minorUnits : amount.magnitude.minorUnits)
    }
}
