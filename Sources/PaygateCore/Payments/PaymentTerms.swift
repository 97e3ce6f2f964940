/// What makes two creates the same order (docs/API.md section 5): the same merchant_order_no
/// with the same amount, currency and channel is a repeat, answered with the stored payment;
/// with any of them different it is a conflict (409 `order_conflict`). The other fields (subject,
/// notify_url, metadata) of a repeat are not compared: the first create's stand.
///
/// Both stores decide with it: MariaDB's `create_payment` procedure answers the existing row and
/// keeps nothing, and `PaymentStore.create` compares; the in-memory twin compares the same way.
public struct PaymentTerms: Equatable, Sendable {
    public var amount: Money
    public var channel: Channel

    public init(_ payment: Payment) {
        amount = payment.amount
        channel = payment.channel
    }
}
