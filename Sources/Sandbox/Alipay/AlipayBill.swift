import FileFormats
import PaygateCore

/// Alipay's trade bill as `alipay.data.dataservice.bill.downloadurl.query` hands it out: a zip
/// of two GBK CSV files (GBK names, the UTF-8 flag clear), the detail file
/// `<pid>_<yyyyMMdd>_业务明细.csv` and the summary `<pid>_<yyyyMMdd>_业务明细(汇总).csv`. The
/// layout is the connector's (see AlipayStatementReader), written independently here.
///
/// Cells are written as Alipay writes them: long numbers end with a tab (so spreadsheets keep
/// them as text), refunds carry negative amounts and a positive (returned) 服务费, trades a
/// negative 服务费. The footer names 商家实收 and 服务费 totals (one of the published variants).
enum AlipayBill {
    static let detailHeader = [
        "支付宝交易号", "商户订单号", "业务类型", "商品名称", "创建时间", "完成时间", "门店编号", "门店名称", "操作员", "终端号", "对方账户",
        "订单金额（元）", "商家实收（元）", "支付宝红包（元）", "集分宝（元）", "支付宝优惠（元）", "商家优惠（元）", "券核销金额（元）", "券名称",
        "商家红包消费金额（元）", "卡消费金额（元）", "退款批次号/请求号", "服务费（元）", "分润（元）", "备注",
    ]
    static let feeColumn = "服务费（元）"
    static let dashes = String(repeating: "-", count: 41)

    /// The zip for `day`, broken as `badFile` says.
    static func archive(_ lines: [BillLine], pid: String, day: String, now: Timestamp, badFile: StatementFaults.BadFile?) -> [UInt8] {
        let compactDay = day.filter(\.isNumber)
        let gbk = badFile != .wrongEncoding
        var writer = ZipWriter(modified: zipTime(now))
        writer.add(
            name: encode("\(pid)_\(compactDay)_业务明细.csv", gbk: true), nameIsUTF8: false,
            contents: encode(detail(lines, pid: pid, day: day, now: now, badFile: badFile), gbk: gbk))
        writer.add(
            name: encode("\(pid)_\(compactDay)_业务明细(汇总).csv", gbk: true), nameIsUTF8: false,
            contents: encode(summary(lines, pid: pid, day: day, now: now), gbk: gbk))
        let bytes = writer.finished()
        return badFile == .truncated ? Array(bytes.dropLast(40)) : bytes
    }

    static func detail(_ lines: [BillLine], pid: String, day: String, now: Timestamp, badFile: StatementFaults.BadFile?) -> String {
        let dropped = badFile == .missingColumn ? detailHeader.firstIndex(of: feeColumn) : nil
        let cut = { (cells: [String]) in dropped.map { index in cells.enumerated().filter { $0.offset != index }.map(\.element) } ?? cells }
        var text = preamble("#支付宝业务明细查询", "业务明细列表", pid: pid, day: day)
        text.append(cut(detailHeader).joined(separator: ","))
        var sums: [BillLine.Kind: (count: Int, received: Int64, fee: Int64)] = [.payment: (0, 0, 0), .refund: (0, 0, 0)]
        for line in lines {
            let sign: Int64 = line.kind == .payment ? 1 : -1
            let received = Money(minorUnits: sign * line.amount.minorUnits, currency: .cny)
            let fee = Money(minorUnits: -sign * line.fee.minorUnits, currency: .cny)
            let sum = sums[line.kind]!
            sums[line.kind] = (sum.count + 1, sum.received + received.minorUnits, sum.fee + fee.minorUnits)
            let cells = [
                line.transactionId + "\t", line.outTradeNo + "\t", line.kind == .payment ? "交易" : "退款", quoted(line.subject),
                ChannelTime.dateTime(line.createdAt), ChannelTime.dateTime(line.time), "", "", "", "", "sandbox***@example.com",
                received.text, received.text, "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00",
                line.refundId.map { $0 + "\t" } ?? "", fee.text, "0.00", "",
            ]
            text.append(cut(cells).joined(separator: ","))
        }
        let extraLine = badFile == .summaryMismatch ? 1 : 0
        let yuan = { (fen: Int64) in Money(minorUnits: fen, currency: .cny).text }
        text.append("#" + dashes + "业务明细列表结束" + String(repeating: "-", count: 36))
        let trades = sums[.payment]!
        let refunds = sums[.refund]!
        text.append("#交易合计：\(trades.count + extraLine)笔，商家实收共\(yuan(trades.received))元，服务费共\(yuan(trades.fee))元")
        text.append("#退款合计：\(refunds.count)笔，商家实收共\(yuan(refunds.received))元，服务费共\(yuan(refunds.fee))元")
        text.append("#导出时间：[\(chineseDateTime(now))]")
        return text.joined(separator: "\r\n") + "\r\n"
    }

    static func summary(_ lines: [BillLine], pid: String, day: String, now: Timestamp) -> String {
        var text = preamble("#支付宝业务汇总查询", "业务汇总列表", pid: pid, day: day)
        text.append("门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）")
        let trades = lines.filter { $0.kind == .payment }
        let refunds = lines.filter { $0.kind == .refund }
        let received = trades.reduce(Int64(0)) { $0 + $1.amount.minorUnits } - refunds.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
        let fees = refunds.reduce(Int64(0)) { $0 + $1.fee.minorUnits } - trades.reduce(Int64(0)) { $0 + $1.fee.minorUnits }
        let yuan = { (fen: Int64) in Money(minorUnits: fen, currency: .cny).text }
        text.append(
            [
                "合计", "", String(trades.count), String(refunds.count), yuan(received), yuan(received), "0.00", "0.00", "0.00", yuan(fees),
                "0.00",
                yuan(received + fees),
            ].joined(separator: ","))
        text.append("#" + String(repeating: "-", count: 40) + "业务汇总列表结束" + String(repeating: "-", count: 37))
        text.append("#导出时间：[\(chineseDateTime(now))]")
        return text.joined(separator: "\r\n") + "\r\n"
    }

    private static func preamble(_ title: String, _ list: String, pid: String, day: String) -> [String] {
        let start = ChannelTime.parseDateTime(day + " 00:00:00") ?? .now()
        return [
            title, "#账号：[\(pid)]",
            "#起始日期：[\(chineseDateTime(start))]   终止日期：[\(chineseDateTime(start.adding(seconds: SandboxStatement.secondsPerDay)))]",
            "#" + dashes + list + String(repeating: "-", count: 40),
        ]
    }

    /// `2026年11月27日 00:00:00`, China time.
    static func chineseDateTime(_ time: Timestamp) -> String {
        let text = ChannelTime.dateTime(time)
        let part = { (from: Int, count: Int) in String(text.dropFirst(from).prefix(count)) }
        return part(0, 4) + "年" + part(5, 2) + "月" + part(8, 2) + "日 " + part(11, 8)
    }

    static func zipTime(_ now: Timestamp) -> ZipWriter.Modified {
        let digits = Array(ChannelTime.compact(now)).map { Int(String($0))! }
        let number = { (from: Int, count: Int) in digits[from..<(from + count)].reduce(0) { $0 * 10 + $1 } }
        return ZipWriter.Modified(
            year: number(0, 4), month: number(4, 2), day: number(6, 2), hour: number(8, 2), minute: number(10, 2), second: number(12, 2))
    }

    /// A cell holding a comma or a quote is quoted, CSV style.
    static func quoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        var cell = "\""
        for character in text {
            switch character {
            case "\"": cell += "\"\""
            case "\n", "\r\n", "\r": cell += " "
            default: cell.append(character)
            }
        }
        return cell + "\""
    }

    /// GBK as Alipay writes (a character GBK lacks becomes `?`), or UTF-8 for the `wrong_encoding` knob.
    static func encode(_ text: String, gbk: Bool) -> [UInt8] {
        guard gbk else { return Array(text.utf8) }
        return (try? GBKCodec.encode(text, replacingWith: UInt8(ascii: "?"))) ?? Array(text.utf8)
    }
}
