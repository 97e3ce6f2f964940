/// One token of a rule line and the 1-based column of its first character.
struct RiskRuleToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// Keywords, attributes, function names and subjects: `allow`, `payer.ip`, `velocity`.
        case word(String)
        case integer(Int64)
        /// `5000.00` is digits 500000 with 2 fraction digits: exact, never floating point.
        case decimal(digits: Int64, fractionDigits: Int)
        /// An integer with a unit glued to it (`10m`); the parser checks the unit.
        case window(Int64, unit: String)
        case text(String)
        /// `@name`, the name checked by `RiskLists.nameIsValid`.
        case list(String)
        case symbol(Symbol)
        case end
    }

    enum Symbol: String, Sendable {
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case open = "("
        case close = ")"
        case comma = ","
    }

    var kind: Kind
    var column: Int

    /// How an error message names the token: `'and'`, `')'`, `end of line`.
    var quoted: String {
        switch kind {
        case .word(let word): "'\(word)'"
        case .integer(let value): "'\(value)'"
        case .decimal(let digits, let fractionDigits): "'\(Self.decimalText(digits, fractionDigits))'"
        case .window(let value, let unit): "'\(value)\(unit)'"
        case .text(let text): RiskTextOperand.quote(text)
        case .list(let name): "'@\(name)'"
        case .symbol(let symbol): "'\(symbol.rawValue)'"
        case .end: "the end of the rule"
        }
    }

    /// digits 1005 with 3 fraction digits → "1.005", as written (leading zeros of the fraction kept).
    private static func decimalText(_ digits: Int64, _ fractionDigits: Int) -> String {
        let divisor = RiskMoney.power(fractionDigits)
        let fraction = String(digits % divisor)
        return "\(digits / divisor)." + String(repeating: "0", count: fractionDigits - fraction.count) + fraction
    }

    func isWord(_ word: String) -> Bool { kind == .word(word) }
    func isSymbol(_ symbol: Symbol) -> Bool { kind == .symbol(symbol) }
}
