/// An amount of money: an integer count of minor units (fen, cents, yen) with its currency.
/// No binary floating point anywhere: text is parsed digit by digit and printed the same way.
public struct Money: Sendable, Hashable, Comparable {
    /// docs/API.md section 4: at most 100 000 000 major units.
    public static let majorUnitsMax: Int64 = 100_000_000
    /// The database columns are DECIMAL(20,2): two fraction digits for every currency.
    public static let databaseScale = 2

    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func < (a: Money, b: Money) -> Bool {
        precondition(a.currency == b.currency, "comparing money in different currencies")
        return a.minorUnits < b.minorUnits
    }

    public enum ParseError: Error, Sendable, Equatable {
        case malformed, tooManyDigits, notPositive, tooLarge
    }

    /// Parses a request amount: `digits[.digits]`, no sign, no exponent, no spaces, no leading
    /// zeros ("0.50" is fine, "00.50" and "01" are not), at most the currency's minor digits,
    /// greater than zero and at most `majorUnitsMax`.
    public static func parse(_ text: String, currency: Currency) throws(ParseError) -> Money {
        let bytes = Array(text.utf8)
        guard
            let minor = parseDigits(bytes, fractionDigitsMax: currency.minorDigits, scaleTo: currency.minorDigits, allowLeadingZeros: false)
        else {
            throw .malformed
        }
        guard minor.value >= 0 else { throw minor.value == -1 ? .tooManyDigits : .malformed }
        guard minor.value > 0 else { throw .notPositive }
        guard minor.value <= majorUnitsMax * currency.minorPerMajor else { throw .tooLarge }
        return Money(minorUnits: minor.value, currency: currency)
    }

    /// Reads a DECIMAL(20,2) column value. Fraction digits beyond the currency's must be zero
    /// (a JPY amount is stored as "1500.00").
    public init?(databaseText text: String, currency: Currency) {
        guard
            let parsed = Money.parseDigits(
                Array(text.utf8), fractionDigitsMax: Money.databaseScale, scaleTo: Money.databaseScale, allowLeadingZeros: true),
            parsed.value >= 0
        else { return nil }
        let divisor: Int64 = currency.minorDigits == 2 ? 1 : 100
        guard parsed.value % divisor == 0 else { return nil }
        self.init(minorUnits: parsed.value / divisor, currency: currency)
    }

    /// "12.30", "1500": the full minor digits of the currency, as every response prints them.
    public var text: String {
        let digits = currency.minorDigits
        if digits == 0 { return String(minorUnits) }
        let sign = minorUnits < 0 ? "-" : ""
        let magnitude = minorUnits.magnitude
        let major = magnitude / UInt64(currency.minorPerMajor)
        let minor = magnitude % UInt64(currency.minorPerMajor)
        return sign + String(major) + "." + (minor < 10 ? "0" : "") + String(minor)
    }

    /// The value bound to a DECIMAL(20,2) parameter: always two fraction digits.
    public var databaseText: String {
        if currency.minorDigits == 2 { return text }
        return String(minorUnits) + ".00"
    }

    public static func + (a: Money, b: Money) -> Money {
        precondition(a.currency == b.currency, "adding money in different currencies")
        return Money(minorUnits: a.minorUnits + b.minorUnits, currency: a.currency)
    }

    public static func - (a: Money, b: Money) -> Money {
        precondition(a.currency == b.currency, "subtracting money in different currencies")
        return Money(minorUnits: a.minorUnits - b.minorUnits, currency: a.currency)
    }

    /// value -1 means "more fraction digits than allowed"; nil means malformed.
    private static func parseDigits(
        _ bytes: [UInt8], fractionDigitsMax: Int, scaleTo scale: Int, allowLeadingZeros: Bool
    ) -> (value: Int64, Void)? {
        guard !bytes.isEmpty else { return nil }
        var integer: Int64 = 0
        var integerDigits = 0
        var index = 0
        while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
            // 15 integer digits is far beyond the maximum and cannot overflow Int64 after scaling.
            guard integerDigits < 15 else { return nil }
            integer = integer * 10 + Int64(bytes[index] - 48)
            integerDigits += 1
            index += 1
        }
        guard integerDigits > 0 else { return nil }
        if !allowLeadingZeros, integerDigits > 1, bytes[0] == UInt8(ascii: "0") { return nil }
        var fraction: Int64 = 0
        var fractionDigits = 0
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: ".") else { return nil }
            index += 1
            guard index < bytes.count else { return nil }
            while index < bytes.count {
                guard bytes[index] >= 48, bytes[index] <= 57 else { return nil }
                // Count before multiplying: the 19th digit would overflow Int64.
                fractionDigits += 1
                guard fractionDigits <= 18 else { return nil }
                fraction = fraction * 10 + Int64(bytes[index] - 48)
                index += 1
            }
        }
        if fractionDigits > fractionDigitsMax {
            return (-1, ())
        }
        var value = integer
        for _ in 0..<scale { value *= 10 }
        var scaledFraction = fraction
        for _ in fractionDigits..<scale { scaledFraction *= 10 }
        return (value + scaledFraction, ())
    }
}
