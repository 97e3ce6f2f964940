/// Splits one line of the rules file into tokens. Columns count Unicode scalars from 1, which is
/// what an editor shows for the ASCII the language is written in. A `#` outside a string starts a
/// comment; `codeEnd` is where it began (or the line's end), so the rule's text can be cut there.
struct RiskRuleLexer {
    /// Integer parts longer than this are refused: 15 digits is far beyond any amount or count a
    /// rule needs, and stays clear of Int64 overflow after scaling amounts to minor units.
    static let integerDigitsMax = 15
    /// Fraction digits are read up to here, then refused as `tooManyDecimals` by the parser.
    static let fractionDigitsMax = 15

    private let scalars: [Unicode.Scalar]
    private let line: Int
    private var index = 0
    private(set) var tokens: [RiskRuleToken] = []
    private(set) var codeEnd: Int

    init(_ text: Substring, line: Int) {
        self.scalars = Array(text.unicodeScalars)
        self.line = line
        self.codeEnd = scalars.count
    }

    /// The tokens of `text`, ending with `.end`, and the scalar offset where the comment starts.
    static func tokens(_ text: Substring, line: Int) throws(RiskRuleError) -> (tokens: [RiskRuleToken], codeEnd: Int) {
        var lexer = RiskRuleLexer(text, line: line)
        try lexer.run()
        return (lexer.tokens, lexer.codeEnd)
    }

    private mutating func run() throws(RiskRuleError) {
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == " " || scalar == "\t" {
                index += 1
            } else if scalar == "#" {
                codeEnd = index
                break
            } else {
                tokens.append(try token(startingWith: scalar))
            }
        }
        tokens.append(RiskRuleToken(kind: .end, column: codeEnd + 1))
    }

    private mutating func token(startingWith scalar: Unicode.Scalar) throws(RiskRuleError) -> RiskRuleToken {
        let column = index + 1
        if Self.isWordStart(scalar) { return RiskRuleToken(kind: .word(word()), column: column) }
        if Self.isDigit(scalar) { return RiskRuleToken(kind: try number(), column: column) }
        switch scalar {
        case "'": return RiskRuleToken(kind: .text(try text()), column: column)
        case "@":
            index += 1
            let name = word()
            guard RiskLists.nameIsValid(name) else {
                throw error(column, "a list name is '@' and [a-z][a-z0-9_]{0,62}, such as @blocked_devices")
            }
            return RiskRuleToken(kind: .list(name), column: column)
        default:
            guard let symbol = symbol() else { throw error(column, "unexpected character '\(scalar.escaped(asASCII: true))'") }
            return RiskRuleToken(kind: .symbol(symbol), column: column)
        }
    }

    /// Letters, digits and `_`, with single dots between parts: `payer.device_id`.
    private mutating func word() -> String {
        var result = ""
        while index < scalars.count {
            let scalar = scalars[index]
            if Self.isWordStart(scalar) || Self.isDigit(scalar) {
                result.unicodeScalars.append(scalar)
            } else if scalar == ".", !result.isEmpty, index + 1 < scalars.count, Self.isWordStart(scalars[index + 1]) {
                result.unicodeScalars.append(scalar)
            } else {
                break
            }
            index += 1
        }
        return result
    }

    /// `12`, `5000.00`, or `10m` (a window: the unit is checked by the parser).
    private mutating func number() throws(RiskRuleError) -> RiskRuleToken.Kind {
        let column = index + 1
        let integer = try digits(column: column, max: Self.integerDigitsMax, what: "integer part")
        if index < scalars.count, scalars[index] == "." {
            index += 1
            guard index < scalars.count, Self.isDigit(scalars[index]) else { throw error(column, "a decimal needs digits after '.'") }
            let fractionStart = index
            let fraction = try digits(column: column, max: Self.fractionDigitsMax, what: "fraction")
            let fractionDigits = index - fractionStart
            var scale: Int64 = 1
            for _ in 0..<fractionDigits { scale *= 10 }
            let (scaled, overflow) = integer.multipliedReportingOverflow(by: scale)
            guard !overflow, index >= scalars.count || !Self.isWordStart(scalars[index]) else {
                throw error(column, "malformed number: too many digits, or letters after it")
            }
            return .decimal(digits: scaled + fraction, fractionDigits: fractionDigits)
        }
        if index < scalars.count, Self.isWordStart(scalars[index]) {
            return .window(integer, unit: word())
        }
        return .integer(integer)
    }

    private mutating func digits(column: Int, max: Int, what: String) throws(RiskRuleError) -> Int64 {
        var value: Int64 = 0
        var count = 0
        while index < scalars.count, Self.isDigit(scalars[index]) {
            count += 1
            guard count <= max else { throw error(column, "number too long: at most \(max) digits in the \(what)") }
            value = value * 10 + Int64(scalars[index].value - 48)
            index += 1
        }
        return value
    }

    /// A single-quoted string; `\'` is a quote and `\\` a backslash, no other escapes.
    private mutating func text() throws(RiskRuleError) -> String {
        let column = index + 1
        index += 1
        var result = ""
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "'" {
                index += 1
                return result
            }
            if scalar == "\\" {
                guard index + 1 < scalars.count, scalars[index + 1] == "'" || scalars[index + 1] == "\\" else {
                    throw error(index + 1, "unknown escape: only \\' and \\\\ may follow a backslash")
                }
                index += 1
            }
            result.unicodeScalars.append(scalars[index])
            index += 1
        }
        throw error(column, "unterminated string: no closing quote on this line")
    }

    private mutating func symbol() -> RiskRuleToken.Symbol? {
        let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
        if next == "=", let pair = RiskRuleToken.Symbol(rawValue: String(scalars[index]) + "=") {
            index += 2
            return pair
        }
        guard let single = RiskRuleToken.Symbol(rawValue: String(scalars[index])) else { return nil }
        index += 1
        return single
    }

    private func error(_ column: Int, _ message: String) -> RiskRuleError {
        RiskRuleError(line: line, column: column, message)
    }

    private static func isWordStart(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }
}
