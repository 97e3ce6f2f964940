import PaygateCore

extension JSONValue {
    /// The string member `key`, or nil when missing or not a string.
    func string(_ key: String) -> String? {
        guard case .string(let text)? = self[key] else { return nil }
        return text
    }

    /// The number member `key` as its source text (never a Double), or nil.
    func numberText(_ key: String) -> String? {
        guard case .number(let text)? = self[key] else { return nil }
        return text
    }

    static func parsing(_ bytes: [UInt8]) -> JSONValue? {
        guard let value = try? JSONParser.parse(bytes), case .object = value else { return nil }
        return value
    }
}
