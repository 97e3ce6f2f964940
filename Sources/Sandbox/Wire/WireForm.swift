import PaygateCore

/// Ordered `name=value` fields as Alipay and UnionPay exchange them, seen from the channel's side.
///
/// The sandbox keeps its own copy of this logic rather than reaching into the connectors: two
/// independent implementations that agree on real round trips catch a wrong signing text that a
/// shared one would hide.
struct WireForm: Sendable {
    /// A request with more fields than this is not one a merchant sends.
    static let fieldCountMax = 128

    private(set) var pairs: [(name: String, value: String)]

    init(_ pairs: [(name: String, value: String)] = []) {
        self.pairs = pairs
    }

    subscript(name: String) -> String? {
        pairs.first(where: { $0.name == name })?.value
    }

    mutating func append(_ name: String, _ value: String) {
        pairs.append((name, value))
    }

    /// The same fields with `name` holding `value` (appended when it is missing).
    func replacing(_ name: String, with value: String) -> WireForm {
        guard pairs.contains(where: { $0.name == name }) else { return WireForm(pairs + [(name, value)]) }
        return WireForm(pairs.map { $0.name == name ? (name, value) : $0 })
    }

    /// The text both channels sign: non-empty fields except `excluded`, sorted by name byte-wise,
    /// joined as `k=v&k=v` with raw values.
    func signingText(excluding excluded: Set<String>) -> String {
        pairs.filter { !$0.value.isEmpty && !excluded.contains($0.name) }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            .map { $0.name + "=" + $0.value }
            .joined(separator: "&")
    }

    /// application/x-www-form-urlencoded, fields in order, empty values left out.
    var urlEncoded: String {
        pairs.filter { !$0.value.isEmpty }.map { Self.percentEncoded($0.name) + "=" + Self.percentEncoded($0.value) }.joined(separator: "&")
    }

    /// `k=v&k=v` with raw values, as UnionPay's gateway answers (values never hold `&`).
    var raw: String {
        pairs.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    /// A form-encoded request body; nil for a repeated name or too many fields, since a signed
    /// message with two values for one name cannot be read one way only.
    static func decoding(urlEncoded body: [UInt8]) -> WireForm? {
        let pairs = QueryString.pairs(Substring(decoding: body, as: UTF8.self))
        guard pairs.count <= fieldCountMax else { return nil }
        var seen = Set<String>()
        for (name, _) in pairs where !seen.insert(name).inserted { return nil }
        return WireForm(pairs.map { (name: $0.0, value: $0.1) })
    }

    static func percentEncoded(_ text: String) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
