import PaygateCore

/// Ordered `name=value` parameters, as Alipay and UnionPay send them, and the sorted
/// `k=v&k=v` text both channels sign.
struct FormFields: Sendable, Equatable {
    /// A callback or answer with more fields than this is not one a channel sends.
    static let fieldCountMax = 128

    private(set) var pairs: [(name: String, value: String)]

    init(_ pairs: [(name: String, value: String)] = []) {
        self.pairs = pairs
    }

    static func == (left: FormFields, right: FormFields) -> Bool {
        left.pairs.count == right.pairs.count && zip(left.pairs, right.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    subscript(name: String) -> String? {
        pairs.first(where: { $0.name == name })?.value
    }

    mutating func append(_ name: String, _ value: String) {
        pairs.append((name, value))
    }

    /// The text both channels sign: non-empty fields except `excluded`, sorted by name
    /// byte-wise, joined as `k=v&k=v` with raw (not URL-encoded) values.
    func signingText(excluding excluded: Set<String>) -> String {
        pairs.filter { !$0.value.isEmpty && !excluded.contains($0.name) }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            .map { $0.name + "=" + $0.value }
            .joined(separator: "&")
    }

    /// application/x-www-form-urlencoded in field order; a space is `%20`, which every form
    /// decoder reads, so no value depends on the `+` convention.
    var urlEncoded: String {
        pairs.map { Self.percentEncoded($0.name) + "=" + Self.percentEncoded($0.value) }.joined(separator: "&")
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

    /// A form-encoded body (a callback). Nil for a repeated name or too many fields: a signed
    /// message with two values for one name cannot be read one way only.
    static func decoding(urlEncoded body: [UInt8]) -> FormFields? {
        unique(QueryString.pairs(Substring(decoding: body, as: UTF8.self)))
    }

    /// `k=v&k=v` with raw values, as UnionPay's gateway answers: split at `&` and each field's
    /// first `=`, nothing decoded (base64 signatures keep their `+`).
    static func decoding(raw body: [UInt8]) -> FormFields? {
        let text = String(decoding: body, as: UTF8.self)
        let pairs = text.split(separator: "&", omittingEmptySubsequences: true).map { part -> (String, String) in
            guard let equals = part.firstIndex(of: "=") else { return (String(part), "") }
            return (String(part[..<equals]), String(part[part.index(after: equals)...]))
        }
        return unique(pairs)
    }

    private static func unique(_ pairs: [(String, String)]) -> FormFields? {
        guard pairs.count <= fieldCountMax else { return nil }
        var seen = Set<String>()
        for (name, _) in pairs where !seen.insert(name).inserted { return nil }
        return FormFields(pairs.map { (name: $0.0, value: $0.1) })
    }
}
