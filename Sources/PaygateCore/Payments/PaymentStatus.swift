/// A payment's status (docs/API.md section 5). The raw value is the wire and database text.
public enum PaymentStatus: String, Sendable, CaseIterable {
    case created, processing, succeeded, failed, closed
    case partiallyRefunded = "partially_refunded"
    case refunded

    /// A final status never changes again except by refunds.
    public var isFinal: Bool {
        switch self {
        case .failed, .closed, .refunded: true
        case .created, .processing, .succeeded, .partiallyRefunded: false
        }
    }

    /// Money was taken from the payer in this status.
    public var isPaid: Bool {
        switch self {
        case .succeeded, .partiallyRefunded, .refunded: true
        case .created, .processing, .failed, .closed: false
        }
    }
}

/// The channels a merchant can ask for (docs/API.md section 5).
public enum Channel: String, Sendable, CaseIterable {
    case alipay, wechatpay, unionpay
}
