/// A validated `POST /v1/refunds` body (docs/API.md section 6). The amount's digits depend on the
/// payment's currency, which only its shard knows: the text is checked for shape here and parsed
/// exactly by `amount(in:)` once the payment is loaded (still before anything is written).
public struct CreateRefundRequest: Sendable, Equatable {
    public static let reasonLengthMax = 256
    /// Longer than any amount the rules allow ("100000000.00"), so a huge string is refused early.
    static let amountTextLengthMax = 24
    /// Every member the body may carry (docs/API.md section 6); any other is refused by name.
    public static let fieldNames: Set<String> = ["payment_id", "merchant_refund_no", "amount", "reason"]

    public var paymentId: PaymentId
    public var merchantRefundNo: String
    public var amountText: String
    public var reason: String?

    public init(body: [UInt8]) throws(APIError) {
        let document: JSONValue
        do { document = try JSONParser.parse(body) } catch { throw APIError(.invalidJSON, "The body is not valid JSON: \(error.reason).") }
        guard case .object = document else { throw APIError(.invalidJSON, "The body must be a JSON object.") }
        let fields = FieldReader(document)
        try fields.refuseUnknownMembers(CreateRefundRequest.fieldNames)

        let paymentText = try fields.requiredString("payment_id")
        // A well-formed id that is not ours (or another merchant's) is 404 later; a malformed one
        // cannot name any payment and is the caller's mistake.
        guard let paymentId = PaymentId(paymentText) else {
            throw APIError(.invalidField, "payment_id is not a payment id.", field: "payment_id")
        }
        self.paymentId = paymentId

        merchantRefundNo = try fields.requiredString("merchant_refund_no")
        try Validate.businessNumber(merchantRefundNo, field: "merchant_refund_no")

        amountText = try fields.requiredString("amount")
        // Shape with the widest currency rule; `amount(in:)` applies the payment's own.
        guard amountText.utf8.count <= CreateRefundRequest.amountTextLengthMax else {
            throw APIError(.invalidField, "amount must be a decimal string greater than 0 and at most 100000000.", field: "amount")
        }
        _ = try Validate.amount(amountText, currency: .cny, field: "amount")

        reason = try fields.optionalString("reason")
        if let reason {
            // Code points, like every length in docs/API.md (CreatePaymentRequest.subjectLengthMax).
            guard reason.unicodeScalars.count <= CreateRefundRequest.reasonLengthMax else {
                throw APIError(.invalidField, "reason must be at most 256 characters.", field: "reason")
            }
        }
    }

    /// The amount in the payment's currency (JPY refunds take no decimals, for instance).
    public func amount(in currency: Currency) throws(APIError) -> Money {
        try Validate.amount(amountText, currency: currency, field: "amount")
    }
}
