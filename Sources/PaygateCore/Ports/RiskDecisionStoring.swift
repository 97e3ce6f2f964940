/// Where the flows keep what risk decided beyond the payment row's own columns (written with
/// the insert): a blocked create's record, and an admin's decision on a review. MariaDB's
/// `PaymentStore` (the payment's shard) and the in-memory twin keep this promise.
public protocol RiskDecisionStoring {
    /// Appends the record of a create answered 402 `risk_declined` (nothing else is written).
    func recordRiskBlock(_ block: RiskBlock) throws
    /// Compare-and-set of a stored payment's risk decision, while the payment is still `created`
    /// (held): true when it was `expected` and is now `decision`; false when the payment is
    /// missing, has moved on (closed at its expiry meanwhile), or its decision was something else.
    func changeRiskDecision(of id: PaymentId, from expected: RiskDecision, to decision: RiskDecision) throws -> Bool
}

/// A create risk blocked: what was asked, by whom, and why.
public struct RiskBlock: Sendable, Equatable {
    public var id: RiskBlockId
    public var merchantId: String
    public var merchantOrderNo: String
    public var amount: Money
    public var channel: Channel
    public var assessment: RiskAssessment
    public var requestId: String
    public var at: Timestamp

    public init(
        id: RiskBlockId, merchantId: String, merchantOrderNo: String, amount: Money, channel: Channel, assessment: RiskAssessment,
        requestId: String, at: Timestamp
    ) {
        self.id = id
        self.merchantId = merchantId
        self.merchantOrderNo = merchantOrderNo
        self.amount = amount
        self.channel = channel
        self.assessment = assessment
        self.requestId = requestId
        self.at = at
    }
}
