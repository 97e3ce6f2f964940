/// What makes two creates the same order (docs/API.md section 5): the same merchant_order_no
/// with the same amount, currency and channel is a repeat, answered with the stored payment;
/// with any of them different it is a conflict (409 `order_conflict`). The other fields (subject,
/// notify_url, metadata) of a repeat are not compared: the first create's stand.
///
/// MariaDB's `create_payment` procedure executes this comparison inside the insert's
/// transaction (one round trip); the in-memory twin calls it; the shared store tests hold both
/// to it.
public struct PaymentTerms: Equatable, Sendable {
    public var amount: Money
    public var channel: Channel

    public init(_ payment: Payment) {
        amount = payment.amount
        channel = payment.channel
    }
}
