import PaygateCore

/// UnionPay's front-end consume (gateway payment, txnType 01 / txnSubType 01): a form the payer's
/// browser posts to `frontTransReq.do`, signed with our certificate like every request. It names
/// the same transaction as the QR code apply (orderId plus txnTime, amount, payTimeout, backUrl),
/// so whichever the payer uses there is one order to pay and one callback. There is no frontUrl:
/// paygate knows no return page of the merchant's, and UnionPay then shows its own result page.
extension UnionPayConnector {
    static let frontTransactionPath = "/frontTransReq.do"

    func frontForm(_ order: PrepayOrder) throws(ChannelError) -> PayerForm {
        let fields = try signedFields(UnionPayTransformers.frontConsumeFields(order))
        return PayerForm(
            action: account.baseURL + Self.frontTransactionPath,
            fields: fields.pairs.map { PayerForm.Field(name: $0.name, value: $0.value) })
    }
}

extension UnionPayTransformers {
    /// bizType 000201 (B2C gateway payment), channelType 07 (internet browser).
    static func frontConsumeFields(_ order: PrepayOrder) throws(ChannelError) -> [(name: String, value: String)] {
        [
            ("txnType", consumeType), ("txnSubType", "01"), ("bizType", "000201"), ("channelType", "07"),
            ("orderId", reference.payment(order.paymentId)), ("txnTime", txnTime(order.paymentId)),
            ("txnAmt", String(try ChannelAmount.fen(order.amount))), ("currencyCode", currencyCode), ("backUrl", order.callbackURL),
            ("payTimeout", ChinaTime.compact(order.expiresAt)),
        ]
    }
}
