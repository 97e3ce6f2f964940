/// A statement parameter. Everything that is not an integer travels as text, including
/// DECIMAL amounts ("12.30") and DATETIME values, so no binary float is ever involved.
public enum DatabaseValue: Sendable, Equatable {
    case null
    case text(String)
    case integer(Int64)

    public init(_ text: String?) { self = text.map(DatabaseValue.text) ?? .null }
    public init(_ number: Int) { self = .integer(Int64(number)) }
}

/// One result row: each column as text (or nil for NULL), in select order.
public struct DatabaseRow: Sendable {
    public let columns: [String?]

    public init(columns: [String?]) { self.columns = columns }

    public subscript(index: Int) -> String? { columns[index] }

    /// A column that the schema declares NOT NULL; a NULL there is a broken invariant.
    public func required(_ index: Int) throws(DatabaseError) -> String {
        guard let value = columns[index] else {
            throw DatabaseError(code: 0, sqlState: "HY000", message: "column \(index) is unexpectedly NULL")
        }
        return value
    }
}
