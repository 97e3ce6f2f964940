import PaygateCore

/// The channels' local time in China (UTC+8, no daylight saving), written without the host's TZ:
/// Alipay `yyyy-MM-dd HH:mm:ss`, UnionPay `yyyyMMddHHmmss`, WeChat Pay RFC 3339 with `+08:00`.
enum ChannelTime {
    static let offsetSeconds: Int64 = 8 * 3600

    /// `2026-11-27 23:14:47`.
    static func dateTime(_ time: Timestamp) -> String {
        let text = time.adding(seconds: offsetSeconds).rfc3339  // "2026-11-27T23:14:47Z"
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(8))
    }

    /// `2026-11-27`: the China calendar day statements are cut by.
    static func day(_ time: Timestamp) -> String {
        String(dateTime(time).prefix(10))
    }

    /// `20261127231447`.
    static func compact(_ time: Timestamp) -> String {
        String(dateTime(time).filter(\.isNumber))
    }

    /// `2026-11-27T23:14:47+08:00`.
    static func rfc3339(_ time: Timestamp) -> String {
        String(time.adding(seconds: offsetSeconds).rfc3339.prefix(19)) + "+08:00"
    }

    /// Reads `yyyy-MM-dd HH:mm:ss` (a space, not a `T`) as China time.
    static func parseDateTime(_ text: String) -> Timestamp? {
        let bytes = Array(text.utf8)
        guard bytes.count == 19, bytes[10] == UInt8(ascii: " "), let local = Timestamp(parsing: text) else { return nil }
        return local.adding(seconds: -offsetSeconds)
    }

    /// Reads `yyyyMMddHHmmss` as China time.
    static func parseCompact(_ text: String) -> Timestamp? {
        let digits = Array(text)
        guard digits.count == 14, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        let part = { (range: Range<Int>) in String(digits[range]) }
        return parseDateTime(
            part(0..<4) + "-" + part(4..<6) + "-" + part(6..<8) + " " + part(8..<10) + ":" + part(10..<12) + ":" + part(12..<14))
    }

    /// Reads the times WeChat Pay's API rules list (time_expire): `2026-11-27T23:14:47+08:00` or
    /// `2026-11-27T23:14:47Z`, each with or without milliseconds (`.SSS`); no other zone.
    static func parseRFC3339(_ text: String) -> Timestamp? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T") else { return nil }
        if text.hasSuffix("+08:00") {
            let local = String(text.dropLast(6))
            guard !local.hasSuffix("Z") else { return nil }
            return Timestamp(parsing: local)?.adding(seconds: -offsetSeconds)
        }
        return text.hasSuffix("Z") ? Timestamp(parsing: text) : nil
    }
}
