/// Why a rules file cannot be used, at the line and column (1-based, counted in characters) of
/// the offending token, so that an admin can fix the file `make reload` refused
/// (docs/risk-rules.md, "Errors").
public struct RiskRuleError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, _ message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// "line 4, column 18: unknown attribute 'amout'"
    public var description: String { "line \(line), column \(column): \(message)" }
}
