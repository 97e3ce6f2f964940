/// Finds the exact bytes of one top-level member's value in a JSON text.
///
/// Alipay signs the raw text of `<method>_response` as it sent it (spacing, key order, escapes
/// included), so re-serializing a parsed value would not reproduce the signed bytes. The caller
/// has already checked the whole text with `JSONParser`; this scanner only has to find bounds.
enum AlipayResponseText {
    static func rawValue(ofMember name: String, in bytes: [UInt8]) -> ArraySlice<UInt8>? {
        var scanner = Scanner(bytes: bytes)
        scanner.skipWhitespace()
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        let wanted = Array(name.utf8)
        while true {
            scanner.skipWhitespace()
            guard let key = scanner.stringBounds() else { return nil }
            scanner.skipWhitespace()
            guard scanner.take(UInt8(ascii: ":")) else { return nil }
            scanner.skipWhitespace()
            let start = scanner.index
            guard scanner.skipValue() else { return nil }
            // Key bytes are compared as sent: the method names Alipay uses have no escapes.
            if bytes[key].elementsEqual(wanted) { return bytes[start..<scanner.index] }
            scanner.skipWhitespace()
            guard scanner.take(UInt8(ascii: ",")) else { return nil }
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// The range of a string's contents between its quotes; moves past the closing quote.
        mutating func stringBounds() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""): index += 1; return start..<(index - 1)
                default: index += 1
                }
            }
            return nil
        }

        /// Moves past one value: a string, or anything up to the bracket that closes it, or a
        /// scalar up to the next delimiter.
        mutating func skipValue() -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return stringBounds() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: "\""):
                        guard stringBounds() != nil else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { index += 1; return true }
                    default: break
                    }
                    index += 1
                }
                return false
            default:
                while index < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), 0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) {
                    index += 1
                }
                return true
            }
        }
    }
}
