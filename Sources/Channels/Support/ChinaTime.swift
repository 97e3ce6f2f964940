import PaygateCore

/// The channels write local time in China (UTC+8, no daylight saving) without a zone marker:
/// Alipay `yyyy-MM-dd HH:mm:ss`, UnionPay `yyyyMMddHHmmss`; WeChat Pay writes RFC 3339 with
/// `+08:00`. Every conversion goes through here so no connector depends on the host's TZ.
enum ChinaTime {
    static let offsetSeconds: Int64 = 8 * 3600

    /// `2026-11-27 23:14:47` (Alipay timestamp, gmt_payment, time_expire).
    static func dateTime(_ time: Timestamp) -> String {
        let utcText = time.adding(seconds: offsetSeconds).rfc3339  // "2026-11-27T23:14:47Z"
        var text = String(utcText.prefix(19))
        text = text.replacingCharacter(at: 10, with: " ")
        return text
    }

    /// `20261127231447` (UnionPay txnTime, payTimeout).
    static func compact(_ time: Timestamp) -> String {
        String(dateTime(time).filter { $0.isNumber })
    }

    /// `2026-11-27T23:14:47+08:00` (WeChat Pay time_expire).
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
        let digits = Array(text.utf8)
        guard digits.count == 14, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let part = { (range: Range<Int>) in String(decoding: digits[range], as: UTF8.self) }
        return parseDateTime(
            part(0..<4) + "-" + part(4..<6) + "-" + part(6..<8) + " " + part(8..<10) + ":" + part(10..<12) + ":" + part(12..<14))
    }

    /// Reads RFC 3339 with a numeric offset (`+08:00`, `-05:30`) or `Z`, whole seconds.
    static func parseRFC3339(_ text: String) -> Timestamp? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        let local = String(decoding: bytes[0..<19], as: UTF8.self)
        guard bytes[10] == UInt8(ascii: "T"), let clock = Timestamp(parsing: local) else { return nil }
        let zone = Array(bytes[19...])
        if zone == [UInt8(ascii: "Z")] { return clock }
        guard zone.count == 6, zone[0] == UInt8(ascii: "+") || zone[0] == UInt8(ascii: "-"), zone[3] == UInt8(ascii: ":"),
            let hours = Int64(String(decoding: zone[1..<3], as: UTF8.self)),
            let minutes = Int64(String(decoding: zone[4..<6], as: UTF8.self)),
            hours < 24, minutes < 60
        else { return nil }
        let offset = (hours * 3600 + minutes * 60) * (zone[0] == UInt8(ascii: "+") ? 1 : -1)
        return clock.adding(seconds: -offset)
    }
}

extension String {
    fileprivate func replacingCharacter(at offset: Int, with replacement: Character) -> String {
        var characters = Array(self)
        characters[offset] = replacement
        return String(characters)
    }
}
