import PaygateCore

extension SandboxState {
    /// Under the `misdirected_refund` fault, the other refund (and its order) that an answer
    /// about `refundId` names instead; nil when the answer names `refundId` as it should, or the
    /// fault names a refund the sandbox does not know.
    func misdirectedRefund(for refundId: String, on channel: Channel, now: Timestamp) -> (refund: SandboxRefund, order: SandboxOrder)? {
        let number = faults.answeredRefund(refundId, on: channel)
        guard number != refundId, let other = refund(channel: channel, refundId: number),
            let order = order(channel: channel, outTradeNo: other.outTradeNo, now: now)
        else { return nil }
        return (other, order)
    }
}
