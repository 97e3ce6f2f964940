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

    /// Reads `yyyy-MM-dd HH:mm:ss` as China time.
    static func parseDateTime(_ text: String) -> Timestamp? {
        guard text.utf8.count == 19, let local = Timestamp(parsing: text) else { return nil }
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

    /// Reads `2026-11-27T23:14:47+08:00` (WeChat Pay time_expire); only the `+08:00` zone, which
    /// is the one WeChat Pay documents, or `Z`.
    static func parseRFC3339(_ text: String) -> Timestamp? {
        if text.hasSuffix("+08:00"), text.utf8.count == 25 {
            return parseDateTime(String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(8)))
        }
        if text.hasSuffix("Z") { return Timestamp(parsing: text) }
        return nil
    }
}
