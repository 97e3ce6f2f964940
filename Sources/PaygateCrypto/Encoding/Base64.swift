/// Base64 with the standard alphabet and padding (RFC 4648 section 4), table based.
///
/// Every request's signature passes through here, so both directions work on contiguous
/// UTF-8 in place and write their output once. Decoding is strict: it accepts only the
/// canonical encoding (length a multiple of 4, padding only at the end, unused trailing bits
/// zero, no whitespace), so one byte string has exactly one accepted text.
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let padding = UInt8(ascii: "=")
    /// Marks a byte outside the alphabet; its high bit survives OR-ing six-bit values together.
    static let invalid: UInt8 = 0x80

    /// Six-bit value of each byte, or `invalid`. `=` is invalid here; the last group handles it.
    static let values: [UInt8] = {
        var values = [UInt8](repeating: invalid, count: 256)
        for (index, character) in alphabet.enumerated() {
            values[Int(character)] = UInt8(index)
        }
        return values
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { encode(buffer: $0) }
    }

    static func encode(buffer input: UnsafeBufferPointer<UInt8>) -> String {
        let outputCount = (input.count + 2) / 3 * 4
        if outputCount == 0 {
            return ""
        }
        return alphabet.withUnsafeBufferPointer { table in
            String(unsafeUninitializedCapacity: outputCount) { output in
                var source = 0
                var target = 0
                while source + 3 <= input.count {
                    let group = UInt32(input[source]) << 16 | UInt32(input[source + 1]) << 8 | UInt32(input[source + 2])
                    output[target] = table[Int(group >> 18)]
                    output[target + 1] = table[Int(group >> 12 & 0x3F)]
                    output[target + 2] = table[Int(group >> 6 & 0x3F)]
                    output[target + 3] = table[Int(group & 0x3F)]
                    source += 3
                    target += 4
                }
                let remaining = input.count - source
                if remaining > 0 {
                    let second = remaining == 2 ? UInt32(input[source + 1]) : 0
                    let group = UInt32(input[source]) << 16 | second << 8
                    output[target] = table[Int(group >> 18)]
                    output[target + 1] = table[Int(group >> 12 & 0x3F)]
                    output[target + 2] = remaining == 2 ? table[Int(group >> 6 & 0x3F)] : padding
                    output[target + 3] = padding
                }
                return outputCount
            }
        }
    }

    /// The bytes, or nil when `text` is not canonical standard base64.
    public static func decode(_ text: String) -> [UInt8]? {
        decode(utf8: text.utf8)
    }

    /// Decodes UTF-8 text held in any byte collection (for example a header value's bytes).
    public static func decode<Text: Collection<UInt8>>(utf8 text: Text) -> [UInt8]? {
        if let result = text.withContiguousStorageIfAvailable({ decode(buffer: $0) }) {
            return result
        }
        return Array(text).withUnsafeBufferPointer { decode(buffer: $0) }
    }

    static func decode(buffer input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard input.count % 4 == 0 else {
            return nil
        }
        if input.isEmpty {
            return []
        }
        var paddingCount = 0
        if input[input.count - 1] == padding {
            paddingCount = input[input.count - 2] == padding ? 2 : 1
        }
        let outputCount = input.count / 4 * 3 - paddingCount
        var valid = true
        let output = values.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: outputCount) { output, initializedCount in
                // Collect the high bits of every looked-up value and test once at the end:
                // no branch per byte in the loop over the full groups.
                var invalidBits: UInt8 = 0
                var source = 0
                var target = 0
                let fullGroupsEnd = input.count - 4
                while source < fullGroupsEnd {
                    let a = table[Int(input[source])]
                    let b = table[Int(input[source + 1])]
                    let c = table[Int(input[source + 2])]
                    let d = table[Int(input[source + 3])]
                    invalidBits |= a | b | c | d
                    let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    output[target] = UInt8(truncatingIfNeeded: group >> 16)
                    output[target + 1] = UInt8(truncatingIfNeeded: group >> 8)
                    output[target + 2] = UInt8(truncatingIfNeeded: group)
                    source += 4
                    target += 3
                }
                // The last group: `=` stands for zero bits that must not be needed.
                let a = table[Int(input[source])]
                let b = table[Int(input[source + 1])]
                let c = paddingCount == 2 ? 0 : table[Int(input[source + 2])]
                let d = paddingCount >= 1 ? 0 : table[Int(input[source + 3])]
                invalidBits |= a | b | c | d
                let group = UInt32(a & 0x3F) << 18 | UInt32(b & 0x3F) << 12 | UInt32(c & 0x3F) << 6 | UInt32(d & 0x3F)
                output[target] = UInt8(truncatingIfNeeded: group >> 16)
                if paddingCount < 2 {
                    output[target + 1] = UInt8(truncatingIfNeeded: group >> 8)
                }
                if paddingCount < 1 {
                    output[target + 2] = UInt8(truncatingIfNeeded: group)
                }
                // Bits the padding says are unused must be zero, or the text is not canonical.
                let unusedBits = paddingCount == 2 ? group & 0xFFFF : (paddingCount == 1 ? group & 0xFF : 0)
                valid = invalidBits & invalid == 0 && unusedBits == 0
                initializedCount = outputCount
            }
        }
        return valid ? output : nil
    }
}
