/// A small streaming JSON writer. Responses are built with it instead of JSONSerialization so the
/// key order is fixed and no value ever passes through a Double.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Per open container: whether the next value needs a leading comma.
    private var needsComma: [Bool] = []

    public init(reservingCapacity capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func objectOpen() { valuePrefix(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    public mutating func objectClose() { needsComma.removeLast(); bytes.append(UInt8(ascii: "}")) }
    public mutating func arrayOpen() { valuePrefix(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    public mutating func arrayClose() { needsComma.removeLast(); bytes.append(UInt8(ascii: "]")) }

    public mutating func key(_ name: String) {
        valuePrefix()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        // The value that follows belongs to this key: it adds no comma of its own.
        pendingKey = true
    }

    public mutating func value(_ text: String) { valuePrefix(); appendQuoted(text) }
    public mutating func value(_ flag: Bool) { valuePrefix(); bytes.append(contentsOf: Array((flag ? "true" : "false").utf8)) }
    public mutating func value(_ number: Int) { valuePrefix(); bytes.append(contentsOf: Array(String(number).utf8)) }
    public mutating func null() { valuePrefix(); bytes.append(contentsOf: Array("null".utf8)) }
    /// Appends already-serialized JSON as one value.
    public mutating func raw(_ json: [UInt8]) { valuePrefix(); bytes.append(contentsOf: json) }

    public mutating func member(_ name: String, _ text: String) { key(name); value(text) }
    public mutating func member(_ name: String, _ text: String?) { key(name); if let text { value(text) } else { null() } }
    public mutating func member(_ name: String, _ flag: Bool) { key(name); value(flag) }
    public mutating func member(_ name: String, _ number: Int) { key(name); value(number) }

    private var pendingKey = false

    private mutating func valuePrefix() {
        if pendingKey { pendingKey = false; return }
        guard !needsComma.isEmpty else { return }
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0x08: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "f"))
            case 0..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(contentsOf: Array(Hex.encode([byte]).utf8))
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
