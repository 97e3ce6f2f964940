import FileFormats
import PaygateCore
import PaygateCrypto

/// UnionPay ACP's file transfer answer for fileType 00: `fileContent` is Base64 of the
/// zlib-compressed zip holding the merchant transaction file `INN<yymmdd>88ZM_<merId>` (42
/// fixed-width GBK fields a line, one space between fields: the file interface spec's table,
/// kept here apart from the connector's copy) and the error file `INN<yymmdd>88ZME_<merId>`
/// (empty: the sandbox has no disputed transactions).
///
/// 商户自定义域 (field 35) carries the order's subject cut to 32 bytes, or `reservedNote` for an
/// order without one (UnionPay's QR apply carries no subject), so the file always holds Chinese
/// text and an encoding mistake shows.
enum UnionPayBill {
    static let widths = [
        3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2, 6, 2, 4, 32, 1, 21, 15, 1, 15, 32, 13, 13, 8, 32, 13, 13,
        12,
        2, 1, 32, 98,
    ]
    static let acquirer = "48020000"
    static let maskedCard = "6216********0000"
    static let reservedNote = "银联沙箱"

    /// `(fileName, fileContent)` for `day`, or nil when there is no file (respCode 98).
    static func answer(
        _ lines: [BillLine], merchantId: String, day: String, now: Timestamp, badFile: StatementFaults.BadFile?
    ) -> (
        String, String
    )? {
        guard !lines.isEmpty || badFile != nil else { return nil }
        let shortDay = String(day.filter(\.isNumber).dropFirst(2))
        let gbk = badFile != .wrongEncoding
        var text: [UInt8] = []
        for line in lines {
            var record = self.record(line, merchantId: merchantId, gbk: gbk)
            if badFile == .missingColumn { record = Array(record.prefix(widths[..<40].reduce(39, +))) }
            text += record + [0x0D, 0x0A]
        }
        var writer = ZipWriter(modified: AlipayBill.zipTime(now))
        writer.add(name: Array("INN\(shortDay)88ZM_\(merchantId)".utf8), nameIsUTF8: false, contents: text)
        writer.add(name: Array("INN\(shortDay)88ZME_\(merchantId)".utf8), nameIsUTF8: false, contents: [])
        var zip = writer.finished()
        if badFile == .truncated { zip = Array(zip.dropLast(40)) }
        return ("\(merchantId)_\(day.filter(\.isNumber)).zip", Base64.encode(Zlib.compress(zip, format: .zlib)))
    }

    /// One transaction line: every field left-aligned and space-padded to its width in bytes,
    /// amounts zero-padded, signed amounts as C (credit) or D (debit) and 12 digits.
    static func record(_ line: BillLine, merchantId: String, gbk: Bool) -> [UInt8] {
        let payment = line.kind == .payment
        let fen = { (money: Money) in String(String(repeating: "0", count: 12) + String(money.minorUnits)).suffix(12) }
        let net = Money(minorUnits: line.amount.minorUnits - line.fee.minorUnits, currency: .cny)
        let time = String(ChannelTime.compact(line.time).dropFirst(4))
        let originalTime = ChannelTime.parseCompact(line.orderTime).map { String(ChannelTime.compact($0).dropFirst(4)) } ?? ""
        var fields = [String](repeating: "", count: widths.count)
        fields[0] = payment ? "S22" : "S30"
        fields[1] = acquirer
        fields[2] = acquirer
        fields[3] = String(time.suffix(6))
        fields[4] = time
        fields[5] = maskedCard
        fields[6] = String(fen(line.amount))
        fields[7] = "5811"
        fields[8] = "08"
        fields[9] = payment ? line.transactionId : line.channelRefundId ?? ""
        fields[10] = "00"
        fields[11] = payment ? line.outTradeNo : line.refundId ?? ""
        fields[12] = "01"
        fields[13] = payment ? "" : String(originalTime.suffix(6))
        fields[14] = payment ? "" : originalTime
        fields[15] = (payment ? "D" : "C") + fen(line.fee)
        fields[16] = (payment ? "C" : "D") + fen(net)
        fields[17] = "0001"
        fields[19] = payment ? "01" : "04"
        fields[20] = payment ? "07" : "00"
        fields[21] = "000000"
        fields[22] = "01"
        fields[25] = "1"
        fields[26] = payment ? "" : line.transactionId
        fields[27] = merchantId
        fields[32] = (payment ? "C" : "D") + fen(net)
        fields[34] = line.subject.isEmpty ? reservedNote : line.subject
        fields[40] = payment ? "" : line.outTradeNo
        var bytes: [UInt8] = []
        for (index, width) in widths.enumerated() {
            if index > 0 { bytes.append(0x20) }
            bytes += padded(fields[index], width: width, gbk: gbk)
        }
        return bytes
    }

    /// `text` in GBK (or UTF-8), cut at a character boundary to `width` bytes, padded with spaces.
    static func padded(_ text: String, width: Int, gbk: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        for character in text {
            let encoded = gbk ? AlipayBill.encode(String(character), gbk: true) : Array(String(character).utf8)
            guard bytes.count + encoded.count <= width else { break }
            bytes += encoded
        }
        return bytes + [UInt8](repeating: 0x20, count: width - bytes.count)
    }
}
