/// Payment ids: `pay_` + 12 hex digits of milliseconds + 4 hex digits of slot + 16 hex digits of
/// randomness (32 hex in all). Unique across processes and hosts without a central counter:
/// the random part comes from the system's CSPRNG (64 bits per millisecond per slot), and the
/// primary key catches the astronomically rare collision, which the caller retries.
/// Time first means ids sort by creation time, so listing pages by id.
public struct PaymentId: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let prefix = "pay_"
    public static let length = 36

    public let text: String

    public init(millisecondsSinceEpoch: Int64, slot: Int, random: UInt64) {
        precondition(slot >= 0 && slot < SlotRouter.slotCountMax)
        text = PaymentId.prefix + hex(UInt64(millisecondsSinceEpoch), digits: 12) + hex(UInt64(slot), digits: 4) + hex(random, digits: 16)
    }

    /// Accepts only the exact shape; anything else is not one of ours (a lookup answers 404).
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == PaymentId.length, text.hasPrefix(PaymentId.prefix) else { return nil }
        for byte in bytes.dropFirst(4) {
            guard (48...57).contains(byte) || (97...102).contains(byte) else { return nil }
        }
        self.text = text
    }

    public var slot: Int {
        let bytes = Array(text.utf8)[16..<20]
        return bytes.reduce(0) { $0 * 16 + hexValue($1) }
    }

    public var millisecondsSinceEpoch: Int64 {
        Int64(Array(text.utf8)[4..<16].reduce(0) { $0 * 16 + hexValue($1) })
    }

    public var description: String { text }
    public static func < (a: PaymentId, b: PaymentId) -> Bool { a.text < b.text }
}

/// Lower-case hex of `value`, left-padded with zeros to `digits`.
public func hex(_ value: UInt64, digits: Int) -> String {
    let table = Array("0123456789abcdef".utf8)
    var out = [UInt8](repeating: 48, count: digits)
    var rest = value
    var index = digits - 1
    while index >= 0 {
        out[index] = table[Int(rest & 0xF)]
        rest >>= 4
        index -= 1
    }
    return String(decoding: out, as: UTF8.self)
}

private func hexValue(_ byte: UInt8) -> Int {
    byte <= 57 ? Int(byte) - 48 : Int(byte) - 87
}
