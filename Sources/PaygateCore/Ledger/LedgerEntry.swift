/// The double-entry journal. Every money movement is one entry whose lines sum
/// to zero: debits positive, credits negative, all in one currency. `LedgerEntry.init` refuses
/// anything else, so an unbalanced entry cannot reach the database; `paygate-admin check`
/// verifies the same rule in SQL over what is stored.
///
/// A payment that succeeds:                      A refund that succeeds (the reversal):
///     Dr channel_clearing:<channel>  amount - fee     Dr merchant_payable              refund
///     Dr channel_fees:<channel>      fee              Cr channel_clearing:<channel>    refund
///     Cr merchant_payable            amount
///
/// Money a channel took for an order already closed or failed (a late payment) is never the
/// merchant's: it is owed back to the payer until its refund succeeds.
///
/// A late payment, when it is reported:          Its refund, when it succeeds:
///     Dr channel_clearing:<channel>  amount         Dr late_payments_due             amount
///     Cr late_payments_due           amount         Cr channel_clearing:<channel>    amount
///
/// The channel holds the payer's money minus its fee (clearing), the fee is its charge, and we owe
/// the merchant the whole amount. A refund gives the refund back out of clearing and reduces what
/// we owe the merchant; channel fees are not returned on refunds (the fee line stays), which is the
/// conservative reading of the channels' terms and keeps each refund a two-line entry.
public enum LedgerAccount: Sendable, Hashable, CustomStringConvertible {
    case channelClearing(Channel)
    case channelFees(Channel)
    case merchantPayable
    /// Late payments not yet given back to their payers (per merchant, like `merchant_payable`).
    case latePaymentsDue

    /// The `journal_lines.account` text; the merchant is its own column.
    public var name: String {
        switch self {
        case .channelClearing(let channel): "channel_clearing:" + channel.rawValue
        case .channelFees(let channel): "channel_fees:" + channel.rawValue
        case .merchantPayable: "merchant_payable"
        case .latePaymentsDue: "late_payments_due"
        }
    }

    public var description: String { name }
}

public enum LedgerEntryKind: String, Sendable, CaseIterable {
    case paymentSucceeded = "payment_succeeded"
    case refundSucceeded = "refund_succeeded"
    case latePaymentReceived = "late_payment_received"
    case latePaymentReturned = "late_payment_returned"
    /// The channel's statement charged another fee than the one posted at success.
    case feeAdjusted = "fee_adjusted"
}

public struct LedgerLine: Sendable, Equatable {
    public var account: LedgerAccount
    /// Debit > 0, credit < 0, never zero.
    public var amount: Money
    public init(_ account: LedgerAccount, _ amount: Money) { self.account = account; self.amount = amount }
}

public enum LedgerError: Error, Sendable, Equatable {
    case tooFewLines
    case zeroLine(String)
    case mixedCurrencies
    case unbalanced(sumMinorUnits: Int64)
    case feeOutOfRange
}

public struct LedgerEntry: Sendable, Equatable {
    public let kind: LedgerEntryKind
    public let merchantId: String
    public let paymentId: PaymentId
    public let refundId: RefundId?
    public let currency: Currency
    public let lines: [LedgerLine]

    public init(
        kind: LedgerEntryKind, merchantId: String, paymentId: PaymentId, refundId: RefundId?, lines: [LedgerLine]
    ) throws(LedgerError) {
        guard lines.count >= 2, let currency = lines.first?.amount.currency else { throw .tooFewLines }
        var sum: Int64 = 0
        for line in lines {
            guard line.amount.currency == currency else { throw .mixedCurrencies }
            guard line.amount.minorUnits != 0 else { throw .zeroLine(line.account.name) }
            sum += line.amount.minorUnits
        }
        guard sum == 0 else { throw .unbalanced(sumMinorUnits: sum) }
        self.kind = kind; self.merchantId = merchantId; self.paymentId = paymentId; self.refundId = refundId
        self.currency = currency; self.lines = lines
    }

    /// The posting of a payment that succeeded. A zero fee leaves its line out (lines are never zero).
    public static func paymentSucceeded(
        merchantId: String, paymentId: PaymentId, channel: Channel, amount: Money, fee: ChannelFee
    ) throws(LedgerError) -> LedgerEntry {
        let charged = try fee.fee(for: amount)
        var lines = [LedgerLine(.channelClearing(channel), amount - charged)]
        if charged.minorUnits > 0 { lines.append(LedgerLine(.channelFees(channel), charged)) }
        lines.append(LedgerLine(.merchantPayable, Money(minorUnits: -amount.minorUnits, currency: amount.currency)))
        return try LedgerEntry(kind: .paymentSucceeded, merchantId: merchantId, paymentId: paymentId, refundId: nil, lines: lines)
    }

    /// The reversal posted when a refund succeeds.
    public static func refundSucceeded(
        merchantId: String, paymentId: PaymentId, refundId: RefundId, channel: Channel, amount: Money
    ) throws(LedgerError) -> LedgerEntry {
        try LedgerEntry(
            kind: .refundSucceeded, merchantId: merchantId, paymentId: paymentId, refundId: refundId,
            lines: [
                LedgerLine(.merchantPayable, amount),
                LedgerLine(.channelClearing(channel), Money(minorUnits: -amount.minorUnits, currency: amount.currency)),
            ])
    }

    /// Money taken for an order already final: the channel holds it, the payer is owed it. The
    /// entry names the refund that will give it back.
    public static func latePaymentReceived(
        merchantId: String, paymentId: PaymentId, refundId: RefundId, channel: Channel, amount: Money
    ) throws(LedgerError) -> LedgerEntry {
        try LedgerEntry(
            kind: .latePaymentReceived, merchantId: merchantId, paymentId: paymentId, refundId: refundId,
            lines: [
                LedgerLine(.channelClearing(channel), amount),
                LedgerLine(.latePaymentsDue, Money(minorUnits: -amount.minorUnits, currency: amount.currency)),
            ])
    }

    /// A late payment given back: what was owed to the payer leaves the channel's clearing.
    public static func latePaymentReturned(
        merchantId: String, paymentId: PaymentId, refundId: RefundId, channel: Channel, amount: Money
    ) throws(LedgerError) -> LedgerEntry {
        try LedgerEntry(
            kind: .latePaymentReturned, merchantId: merchantId, paymentId: paymentId, refundId: refundId,
            lines: [
                LedgerLine(.latePaymentsDue, amount),
                LedgerLine(.channelClearing(channel), Money(minorUnits: -amount.minorUnits, currency: amount.currency)),
            ])
    }

    /// The fee the channel's statement shows differs from what we posted: a payment's fee other
    /// than the one posted when it succeeded, or the fee the channel gave back on a refund (then
    /// the entry names the refund). The difference (statement minus ours) moves between what the
    /// channel owes us and its fees, so the fee account ends at what the channel really kept.
    public static func feeAdjusted(
        merchantId: String, paymentId: PaymentId, refundId: RefundId?, channel: Channel, difference: Money
    ) throws(LedgerError) -> LedgerEntry {
        try LedgerEntry(
            kind: .feeAdjusted, merchantId: merchantId, paymentId: paymentId, refundId: refundId,
            lines: [
                LedgerLine(.channelFees(channel), difference),
                LedgerLine(.channelClearing(channel), Money(minorUnits: -difference.minorUnits, currency: difference.currency)),
            ])
    }
}

/// A channel's fee as a rate in basis points (hundredths of a percent), from configuration.
/// Computed in integers: fee = amount × bp / 10000, rounded half up to the minor unit.
public struct ChannelFee: Sendable, Equatable {
    /// 10% is far above any real channel's rate; more is a configuration mistake.
    public static let basisPointsMax = 1_000
    public static let zero = ChannelFee(basisPoints: 0)

    public let basisPoints: Int

    public init(basisPoints: Int) { self.basisPoints = basisPoints }

    public func fee(for amount: Money) throws(LedgerError) -> Money {
        guard (0...ChannelFee.basisPointsMax).contains(basisPoints), amount.minorUnits >= 0 else { throw .feeOutOfRange }
        // amount ≤ 10^10 minor units and bp ≤ 10^3: the product stays far inside Int64.
        let scaled = amount.minorUnits * Int64(basisPoints)
        let fee = (scaled + 5_000) / 10_000
        // The fee is strictly below the amount for any bp ≤ 1000 and amount > 0.
        return Money(minorUnits: fee, currency: amount.currency)
    }
}

extension Money {
    /// Reads a signed DECIMAL(20,2) value (journal lines, sums of them).
    public init?(signedDatabaseText text: String, currency: Currency) {
        if text.hasPrefix("-") {
            guard let magnitude = Money(databaseText: String(text.dropFirst()), currency: currency) else { return nil }
            self.init(minorUnits: -magnitude.minorUnits, currency: currency)
        } else {
            self.init(databaseText: text, currency: currency)
        }
    }
}
