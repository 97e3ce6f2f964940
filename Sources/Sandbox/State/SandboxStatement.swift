import PaygateCore

/// One line of a sandbox statement before a channel's format renders it.
struct BillLine: Sendable {
    enum Kind: Sendable { case payment, refund }
    enum RefundStatus: Sendable { case succeeded, failed }

    var kind: Kind
    var outTradeNo: String
    var transactionId: String
    /// The merchant's refund number and the channel's refund id (refunds only).
    var refundId: String?
    var channelRefundId: String?
    var amount: Money
    /// Charged on a payment, returned on a refund; never negative.
    var fee: Money
    var createdAt: Timestamp
    var time: Timestamp
    var subject: String
    var appId: String
    /// UnionPay's txnTime of the payment (a refund line names its payment's).
    var orderTime: String
    var refundStatus = RefundStatus.succeeded
}

/// What one day's statement of one channel lists: what the sandbox recorded, changed by the
/// statement knob (`StatementFaults`) when it aims at this channel and day (or, for `next_day`,
/// the day before).
enum SandboxStatement {
    static let secondsPerDay: Int64 = 86_400

    static func lines(_ state: SandboxState, channel: Channel, day: String) -> [BillLine] {
        let recorded = state.statement(channel: channel, day: day)
        var lines = recorded.payments.compactMap(paymentLine)
        lines += recorded.refunds.filter { $0.0.succeeded }.map { refundLine($0.0, $0.1) }
        if let knob = state.faults.statement, knob.channel == channel {
            if knob.day == day {
                for discrepancy in knob.discrepancies {
                    apply(discrepancy, to: &lines, failedRefunds: recorded.refunds, day: day, state: state)
                }
            }
            if shifted(knob.day, days: 1) == day {
                let previous = state.statement(channel: channel, day: knob.day).payments.compactMap(paymentLine)
                for discrepancy in knob.discrepancies where discrepancy.kind == .nextDay {
                    if let index = target(discrepancy, previous) { lines.append(previous[index]) }
                }
            }
        }
        return lines.sorted { ($0.time, $0.outTradeNo) < ($1.time, $1.outTradeNo) }
    }

    /// `day` moved by `days` China calendar days.
    static func shifted(_ day: String, days: Int64) -> String {
        guard let midnight = ChannelTime.parseDateTime(day + " 00:00:00") else { return day }
        return ChannelTime.day(midnight.adding(seconds: days * secondsPerDay))
    }

    private static func paymentLine(_ order: SandboxOrder) -> BillLine? {
        guard let paid = order.paidAmount, let paidAt = order.paidAt else { return nil }
        return BillLine(
            kind: .payment, outTradeNo: order.outTradeNo, transactionId: order.channelTransactionId, amount: paid,
            fee: WireAmount.fee(paid), createdAt: order.createdAt, time: paidAt, subject: order.subject, appId: order.appId,
            orderTime: order.orderTime)
    }

    private static func refundLine(_ refund: SandboxRefund, _ order: SandboxOrder?) -> BillLine {
        BillLine(
            kind: .refund, outTradeNo: refund.outTradeNo, transactionId: order?.channelTransactionId ?? "", refundId: refund.refundId,
            channelRefundId: refund.channelRefundId.isEmpty ? order?.channelTransactionId : refund.channelRefundId, amount: refund.amount,
            fee: WireAmount.fee(refund.amount), createdAt: refund.createdAt, time: refund.createdAt, subject: order?.subject ?? "",
            appId: order?.appId ?? "", orderTime: order?.orderTime ?? "")
    }

    /// The payment line aimed at: the named order's, or the first (by time) of the day.
    private static func target(_ discrepancy: StatementFaults.Discrepancy, _ lines: [BillLine]) -> Int? {
        let payments = lines.indices.filter { lines[$0].kind == .payment }.sorted { lines[$0].time < lines[$1].time }
        guard let order = discrepancy.order else { return payments.first }
        return payments.first { lines[$0].outTradeNo == order }
    }

    private static func apply(
        _ discrepancy: StatementFaults.Discrepancy, to lines: inout [BillLine], failedRefunds: [(SandboxRefund, SandboxOrder?)],
        day: String, state: SandboxState
    ) {
        let cent = Money(minorUnits: 1, currency: .cny)
        switch discrepancy.kind {
        case .missing, .nextDay:
            if let index = target(discrepancy, lines) { lines.remove(at: index) }
        case .amount:
            if let index = target(discrepancy, lines) { lines[index].amount = lines[index].amount + cent }
        case .fee:
            if let index = target(discrepancy, lines) { lines[index].fee = lines[index].fee + cent }
        case .extra:
            let noon = ChannelTime.parseDateTime(day + " 12:00:00") ?? .now()
            let serial = String(state.nextSerial())
            let amount = Money(minorUnits: 100, currency: .cny)
            lines.append(
                BillLine(
                    kind: .payment, outTradeNo: "SANDBOX-EXTRA-" + serial, transactionId: "SANDBOXEXTRA" + serial, amount: amount,
                    fee: WireAmount.fee(amount), createdAt: noon, time: noon, subject: "extra", appId: "", orderTime: ""))
        case .refundStatus:
            let aimed = { (line: BillLine) in discrepancy.order == nil || line.outTradeNo == discrepancy.order }
            if let index = lines.firstIndex(where: { $0.kind == .refund && aimed($0) }), lines[index].refundStatus == .succeeded,
                state.faults.statement?.channel == .wechatpay
            {
                lines[index].refundStatus = .failed
            } else if state.faults.statement?.channel != .wechatpay,
                let failed = failedRefunds.first(where: {
                    !$0.0.succeeded && (discrepancy.order == nil || $0.0.outTradeNo == discrepancy.order)
                })
            {
                lines.append(refundLine(failed.0, failed.1))
            }
        }
    }
}
