/// A payment order as stored on its shard and shown to its merchant.
public struct Payment: Sendable, Equatable {
    public var id: PaymentId
    public var merchantId: String
    public var merchantOrderNo: String
    public var amount: Money
    public var channel: Channel
    public var status: PaymentStatus
    public var refundedAmount: Money
    public var subject: String
    public var notifyURL: String
    /// Serialized JSON object of string values, exactly as stored.
    public var metadataJSON: String
    /// Serialized JSON object or nil.
    public var payerJSON: String?
    /// Serialized JSON object (carries `pay_url` once a channel is called).
    public var channelPayloadJSON: String
    public var channelTransactionId: String?
    public var failureCode: String?
    public var version: Int
    public var createdAt: Timestamp
    public var paidAt: Timestamp?
    public var expiresAt: Timestamp
    /// The risk decision taken before the channel was asked; nil with risk off (and on payments
    /// made before it).
    public var risk: RiskAssessment?

    public init(
        id: PaymentId, merchantId: String, merchantOrderNo: String, amount: Money, channel: Channel,
        status: PaymentStatus, refundedAmount: Money, subject: String, notifyURL: String,
        metadataJSON: String, payerJSON: String?, channelPayloadJSON: String, channelTransactionId: String?,
        failureCode: String?, version: Int, createdAt: Timestamp, paidAt: Timestamp?, expiresAt: Timestamp,
        risk: RiskAssessment? = nil
    ) {
        self.id = id; self.merchantId = merchantId; self.merchantOrderNo = merchantOrderNo
        self.amount = amount; self.channel = channel; self.status = status; self.refundedAmount = refundedAmount
        self.subject = subject; self.notifyURL = notifyURL; self.metadataJSON = metadataJSON; self.payerJSON = payerJSON
        self.channelPayloadJSON = channelPayloadJSON; self.channelTransactionId = channelTransactionId
        self.failureCode = failureCode; self.version = version; self.createdAt = createdAt; self.paidAt = paidAt
        self.expiresAt = expiresAt
        self.risk = risk
    }

    /// The payment object of docs/API.md section 5.
    public func writeJSON(into writer: inout JSONWriter) {
        writer.objectOpen()
        writer.member("payment_id", id.text)
        writer.member("merchant_id", merchantId)
        writer.member("merchant_order_no", merchantOrderNo)
        writer.member("amount", amount.text)
        writer.member("currency", amount.currency.rawValue)
        writer.member("channel", channel.rawValue)
        writer.member("status", status.rawValue)
        writer.member("refunded_amount", refundedAmount.text)
        writer.member("subject", subject)
        writer.member("notify_url", notifyURL)
        writer.key("metadata"); writer.raw(Array(metadataJSON.utf8))
        writer.key("channel_payload"); writer.raw(Array(channelPayloadJSON.utf8))
        writer.member("channel_txn_id", channelTransactionId)
        writer.member("failure_code", failureCode)
        writer.member("created_at", createdAt.rfc3339)
        writer.member("paid_at", paidAt?.rfc3339)
        writer.member("expires_at", expiresAt.rfc3339)
        writer.key("risk")
        if let risk { risk.writeJSON(into: &writer) } else { writer.null() }
        writer.objectClose()
    }

    public var json: [UInt8] {
        var writer = JSONWriter()
        writeJSON(into: &writer)
        return writer.bytes
    }
}

extension Payment {
    /// The `channel_payload` object of a payment with only a pay URL (docs/API.md section 5).
    public static func channelPayloadJSON(payURL: String) -> String {
        ChannelPayload(payURL: payURL).json
    }
}

extension Payment {
    /// The columns a status write sets (the version is the store's: it moves with the write).
    public mutating func apply(_ write: StatusWrite) {
        status = write.target
        if let transactionId = write.channelTransactionId { channelTransactionId = transactionId }
        if let paidAt = write.paidAt { self.paidAt = paidAt }
        if let failureCode = write.failureCode { self.failureCode = failureCode }
        if let payload = write.channelPayload { channelPayloadJSON = payload.json }
    }
}
