/// Lower-case hexadecimal: the one encoder of the project (ids, digests, webhook signatures,
/// sealed values in the database, JSON escapes).
public enum Hex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `value` in lower-case hex, left-padded with zeros to `digits` (the parts of an id).
    public static func encode(_ value: UInt64, digits count: Int) -> String {
        var out = [UInt8](repeating: UInt8(ascii: "0"), count: count)
        var rest = value
        var index = count - 1
        while index >= 0 {
            out[index] = digits[Int(rest & 0xF)]
            rest >>= 4
            index -= 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of `count` lower-case hex digits; the caller has checked they are digits.
    public static func value<Digits: Collection<UInt8>>(ofLowercase digits: Digits) -> UInt64 {
        digits.reduce(0) { $0 << 4 | UInt64(value(of: $1) ?? 0) }
    }

    /// Whether every byte is a lower-case hex digit (the only form ids take).
    public static func isLowercase<Digits: Collection<UInt8>>(_ digits: Digits) -> Bool {
        digits.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty {
            return ""
        }
        return digits.withUnsafeBufferPointer { table in
            String(unsafeUninitializedCapacity: bytes.count * 2) { output in
                for (index, byte) in bytes.enumerated() {
                    output[index * 2] = table[Int(byte >> 4)]
                    output[index * 2 + 1] = table[Int(byte & 0x0F)]
                }
                return bytes.count * 2
            }
        }
    }

    /// The bytes, or nil for an odd length or a character outside `0-9a-fA-F`.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else {
            return nil
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(of: utf8[index]), let low = value(of: utf8[index + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func value(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
