import PaygateCore

/// Amount conversions for the three channels, all integer arithmetic on minor units.
///
/// All three channels settle in CNY here: a payment in another currency is refused when its
/// request is built (`ChannelError.unsupported`) rather than converted, because a converted
/// amount would need a rate we do not hold and the callback would never match the order.
enum ChannelAmount {
    /// Digits in the largest amount a channel may report: 100 000 000 yuan is 10^10 fen.
    static let fenDigitsMax = 11

    static func requireCNY(_ money: Money) throws(ChannelError) {
        guard money.currency == .cny else {
            throw ChannelError(.unsupported, "this channel settles CNY only, not \(money.currency.rawValue)")
        }
    }

    /// "12.30" (Alipay). Money prints every minor digit from integers, never through Double.
    static func yuanText(_ money: Money) throws(ChannelError) -> String {
        try requireCNY(money)
        return money.text
    }

    /// Reads "12.30", "12.3" or "0.00" (a fee may be zero) as CNY; nil for anything else.
    static func parseYuan(_ text: String) -> Money? {
        guard text.utf8.count <= fenDigitsMax + 1, let money = Money(databaseText: text, currency: .cny) else { return nil }
        return money
    }

    /// 1230 (WeChat Pay `total`, UnionPay `txnAmt`).
    static func fen(_ money: Money) throws(ChannelError) -> Int64 {
        try requireCNY(money)
        return money.minorUnits
    }

    /// Reads a non-negative integer count of fen; nil for signs, spaces, fractions or overflow.
    static func parseFen(_ text: String) -> Money? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count <= fenDigitsMax, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let value = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 48) }
        return Money(minorUnits: value, currency: .cny)
    }
}
