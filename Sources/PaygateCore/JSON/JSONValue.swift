/// A parsed JSON document. Numbers keep their source text: nothing here ever becomes a Double,
/// and a number where the API wants a string is told apart from the string.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in source order; duplicate keys are refused by the parser.
    case object([(key: String, value: JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    public func write(into writer: inout JSONWriter) {
        switch self {
        case .null: writer.null()
        case .bool(let flag): writer.value(flag)
        case .number(let text): writer.raw(Array(text.utf8))
        case .string(let text): writer.value(text)
        case .array(let items):
            writer.arrayOpen()
            for item in items { item.write(into: &writer) }
            writer.arrayClose()
        case .object(let members):
            writer.objectOpen()
            for member in members { writer.key(member.key); member.value.write(into: &writer) }
            writer.objectClose()
        }
    }

    public var serialized: String {
        var writer = JSONWriter(reservingCapacity: 64)
        write(into: &writer)
        return writer.string
    }
}
