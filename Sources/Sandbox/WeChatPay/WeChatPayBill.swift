import FileFormats
import PaygateCore
import PaygateCrypto

/// WeChat Pay v3's trade bill (`bill_type=ALL`) as its download URL serves it: UTF-8 CSV (gzip
/// with `tar_type=GZIP`), the 27-column header, one row per payment (交易状态 SUCCESS) and refund
/// (REFUND), every row cell starting with a backtick, then the summary header and its row. The
/// published `hash_value` is the SHA-1 of the uncompressed file, as WeChat Pay documents it.
/// Written independently of the connector's reader (WeChatPayStatementReader).
enum WeChatPayBill {
    static let header = [
        "交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识", "交易类型", "交易状态", "付款银行", "货币种类",
        "应结订单金额", "代金券金额", "微信退款单号", "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包",
        "手续费", "费率", "订单金额", "申请退款金额", "费率备注",
    ]
    static let summaryHeader = ["总交易单数", "应结订单总金额", "退款总金额", "充值券退款总金额", "手续费总金额", "订单总金额", "申请退款总金额"]
    static let feeColumn = "手续费"
    static let feeRate = "0.60%"

    /// The uncompressed file, broken as `badFile` says (`truncated` and `hash_mismatch` are the
    /// download's business: see `served`).
    static func file(_ lines: [BillLine], merchantId: String, badFile: StatementFaults.BadFile?) -> [UInt8] {
        let dropped = badFile == .missingColumn ? header.firstIndex(of: feeColumn) : nil
        let cut = { (cells: [String]) in dropped.map { index in cells.enumerated().filter { $0.offset != index }.map(\.element) } ?? cells }
        var rows = [cut(header).joined(separator: ",")]
        var paid: Int64 = 0
        var refunded: Int64 = 0
        var fees: Int64 = 0
        for line in lines {
            let fee = line.kind == .payment ? line.fee.minorUnits : -line.fee.minorUnits
            fees += fee
            let money = { (fen: Int64) in Money(minorUnits: fen, currency: .cny).text }
            let subject = String(line.subject.map { $0 == "`" ? "'" : $0 })
            var cells = [
                ChannelTime.dateTime(line.time), line.appId, merchantId, "0", "", line.transactionId, line.outTradeNo, "o-sandbox-payer",
                "NATIVE",
            ]
            if line.kind == .payment {
                paid += line.amount.minorUnits
                cells += ["SUCCESS", "OTHERS", "CNY", line.amount.text, "0.00", "0", "0", "0.00", "0.00", "", "", subject, "", money(fee)]
                cells += [feeRate, line.amount.text, "0.00", ""]
            } else {
                refunded += line.amount.minorUnits
                let status = line.refundStatus == .succeeded ? "SUCCESS" : "FAILED"
                cells += [
                    "REFUND", "OTHERS", "CNY", "0.00", "0.00", line.channelRefundId ?? "", line.refundId ?? "", line.amount.text, "0.00",
                ]
                cells += ["ORIGINAL", status, subject, "", money(fee), feeRate, "0.00", line.amount.text, ""]
            }
            rows.append(cut(cells).map { "`" + $0 }.joined(separator: ","))
        }
        let yuan = { (fen: Int64) in Money(minorUnits: fen, currency: .cny).text }
        rows.append(summaryHeader.joined(separator: ","))
        let count = lines.count + (badFile == .summaryMismatch ? 1 : 0)
        rows.append(
            [String(count), yuan(paid), yuan(refunded), "0.00", yuan(fees), yuan(paid), yuan(refunded)].map { "`" + $0 }.joined(
                separator: ","))
        let text = rows.joined(separator: "\r\n") + "\r\n"
        guard badFile == .wrongEncoding else { return Array(text.utf8) }
        return (try? GBKCodec.encode(text, replacingWith: UInt8(ascii: "?"))) ?? Array(text.utf8)
    }

    /// The bytes served and the digest published for `file`.
    static func served(_ file: [UInt8], gzip: Bool, badFile: StatementFaults.BadFile?) -> (content: [UInt8], sha1Hex: String) {
        let digest = SHA1Hasher.hexHash(badFile == .hashMismatch ? file + [0x0A] : file)
        var content = gzip ? Zlib.compress(file, format: .gzip) : file
        if badFile == .truncated { content = Array(content.dropLast(gzip ? 8 : content.count / 3)) }
        return (content, digest)
    }
}
