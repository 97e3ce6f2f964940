import PaygateCore

/// Reads for merchants (docs/API.md sections 5 and 6): another merchant's payment or refund is
/// 404, like a missing one.
public struct Lookup {
    let context: ServiceContext

    init(_ context: ServiceContext) { self.context = context }

    public func payment(_ text: String, merchantId: String) throws -> Payment {
        guard let id = PaymentId(text), id.slot < context.payments.slotCount,
            let payment = try context.payments.find(id: id, merchantId: merchantId)
        else {
            throw APIError(.notFound, "No payment \(text).")
        }
        return payment
    }

    /// GET /v1/payments?merchant_order_no=X alone is a lookup; any other query lists.
    public func payments(_ query: ListPaymentsQuery, merchantId: String) throws -> PaymentsAnswer {
        if let orderNo = query.merchantOrderNo, query.status == nil, query.createdFrom == nil, query.createdTo == nil,
            query.startingAfter == nil
        {
            guard let payment = try context.payments.find(merchantId: merchantId, merchantOrderNo: orderNo) else {
                throw APIError(.notFound, "No payment with merchant_order_no \(orderNo).")
            }
            return .one(payment)
        }
        let page = try context.payments.list(merchantId: merchantId, query: query)
        return .page(page.payments, hasMore: page.hasMore)
    }

    public enum PaymentsAnswer {
        case one(Payment)
        case page([Payment], hasMore: Bool)
    }

    public func refund(_ text: String, merchantId: String) throws -> Refund {
        guard let id = RefundId(text), id.slot < context.payments.slotCount,
            let refund = try context.refunds.find(id: id, merchantId: merchantId)
        else {
            throw APIError(.notFound, "No refund \(text).")
        }
        return refund
    }
}
