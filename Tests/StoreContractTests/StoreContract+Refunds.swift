import PaygateCore
import PaygateCrypto
import XCTest

// `RefundStoring`: admission under the payment's lock (repeat, conflict, refusals, the reserved
// amount), the channel's word on a refund, and the worker's claims.
extension StoreContract {
    func refundCreateAdmitsAndReadsBack() throws {
        let scene = try ContractScene(self)
        let payment = try scene.succeeded(order: "refund-create")
        let nonce = StoreContract.nonce(scene.merchantId)
        let before = scene.now
        let outcome = try scene.refunds.create(
            try scene.refundRequest(payment, number: "R-1", amount: "30.00", reason: "broken cup"), merchantId: scene.merchantId,
            nonce: nonce, requestId: "r")
        let after = scene.now
        guard case .created(let refund, let locked) = outcome else { return XCTFail("refund create answered \(outcome)") }
        XCTAssertEqual(locked, payment, "the payment as locked for the channel call")
        XCTAssertEqual(refund.paymentId, payment.id)
        XCTAssertEqual(refund.id.slot, payment.id.slot, "a refund lives on its payment's shard")
        XCTAssertEqual(refund.merchantId, scene.merchantId)
        XCTAssertEqual(refund.merchantRefundNo, "R-1")
        XCTAssertEqual(refund.amount, StoreContract.cny(3_000))
        XCTAssertEqual(refund.channel, payment.channel)
        XCTAssertEqual(refund.status, .processing)
        XCTAssertEqual(refund.channelState, .pending)
        XCTAssertEqual(refund.reason, "broken cup")
        XCTAssertEqual(refund.version, 1)
        XCTAssertTrue((before...after).contains(refund.createdAt))
        XCTAssertEqual(try scene.refunds.find(id: refund.id, merchantId: scene.merchantId), refund)
        XCTAssertEqual(try scene.refunds.findAny(id: refund.id), refund)
        XCTAssertNil(try scene.refunds.find(id: refund.id, merchantId: StoreContract.freshMerchantId()))
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), payment, "the payment changes only when the channel confirms")
        XCTAssertFalse(try scene.payments.recordNonce(nonce, slot: payment.id.slot), "the nonce went with the refund")
    }

    func refundCreateRepeatAndConflict() throws {
        let scene = try ContractScene(self)
        let payment = try scene.succeeded(order: "refund-repeat")
        let refund = try scene.refund(payment, number: "R-1", amount: "30.00")
        let nonce = StoreContract.nonce(scene.merchantId)
        let outcome = try scene.refunds.create(
            try scene.refundRequest(payment, number: "R-1", amount: "30.00"), merchantId: scene.merchantId, nonce: nonce, requestId: "r")
        guard case .existing(let existing) = outcome else { return XCTFail("repeated refund answered \(outcome)") }
        XCTAssertEqual(existing, refund)
        XCTAssertFalse(try scene.payments.recordNonce(nonce, slot: payment.id.slot), "an answered repeat spends its nonce")

        let conflictNonce = StoreContract.nonce(scene.merchantId)
        XCTAssertThrowsError(
            try scene.refunds.create(
                try scene.refundRequest(payment, number: "R-1", amount: "31.00"), merchantId: scene.merchantId, nonce: conflictNonce,
                requestId: "r")
        ) {
            XCTAssertEqual($0 as? RefundRefusal, .refundNumberConflict)
        }
        XCTAssertTrue(try scene.payments.recordNonce(conflictNonce, slot: payment.id.slot), "a refusal keeps no nonce")
    }

    func refundCreateRefusals() throws {
        let scene = try ContractScene(self)
        let processing = try scene.insert(try scene.newPayment(order: "refund-processing", status: .processing))
        let nonce = StoreContract.nonce(scene.merchantId)
        XCTAssertThrowsError(
            try scene.refunds.create(
                try scene.refundRequest(processing, number: "R-1", amount: "1.00"), merchantId: scene.merchantId, nonce: nonce,
                requestId: "r")
        ) {
            XCTAssertEqual($0 as? RefundRefusal, .notRefundable(.processing))
        }
        let paid = try scene.succeeded(order: "refund-paid")
        XCTAssertThrowsError(
            try scene.refunds.create(
                try scene.refundRequest(paid, number: "R-1", amount: "1.00"), merchantId: StoreContract.freshMerchantId(), nonce: nil,
                requestId: "r")
        ) {
            XCTAssertEqual($0 as? RefundRefusal, .paymentNotFound, "another merchant's payment is not found")
        }
        let missing = try scene.newPayment(order: "refund-missing")
        XCTAssertThrowsError(
            try scene.refunds.create(
                try scene.refundRequest(missing, number: "R-1", amount: "1.00"), merchantId: scene.merchantId, nonce: nonce, requestId: "r")
        ) {
            XCTAssertEqual($0 as? RefundRefusal, .paymentNotFound)
        }
        // Refusals keep no nonce; a used nonce is refused before the payment is even looked for.
        XCTAssertTrue(try scene.payments.recordNonce(nonce, slot: missing.id.slot))
        XCTAssertThrowsError(
            try scene.refunds.create(
                try scene.refundRequest(missing, number: "R-1", amount: "1.00"), merchantId: scene.merchantId, nonce: nonce, requestId: "r")
        ) {
            XCTAssertTrue($0 is NonceReused, "threw \($0)")
        }
    }

    /// The refundable balance is the amount less every refund that has not failed.
    func refundCreateReservesAmount() throws {
        let scene = try ContractScene(self)
        let payment = try scene.succeeded(order: "refund-reserve", amount: 10_000)
        let first = try scene.refund(payment, number: "R-1", amount: "60.00")
        func refused(_ number: String, _ amount: String) throws -> RefundRefusal? {
            do {
                _ = try scene.refunds.create(
                    try scene.refundRequest(payment, number: number, amount: amount), merchantId: scene.merchantId, nonce: nil,
                    requestId: "r")
                return nil
            } catch let refusal as RefundRefusal {
                return refusal
            }
        }
        XCTAssertEqual(try refused("R-2", "50.00"), .exceedsRefundable(left: StoreContract.cny(4_000)))
        XCTAssertNil(try refused("R-3", "40.00"))
        XCTAssertEqual(try refused("R-4", "0.01"), .exceedsRefundable(left: StoreContract.cny(0)))
        // A failed refund gives its amount back.
        _ = try scene.refunds.apply(
            .channelFailed(failureCode: "NO_FUNDS"), to: first.id, channel: nil, reason: "refund_query", requestId: "r")
        XCTAssertEqual(try refused("R-5", "60.01"), .exceedsRefundable(left: StoreContract.cny(6_000)))
        XCTAssertNil(try refused("R-6", "60.00"))
    }

    func refundApplyAccepted() throws {
        let scene = try ContractScene(self)
        let payment = try scene.succeeded(order: "refund-accepted")
        let refund = try scene.refund(payment, number: "R-1", amount: "10.00")
        let applied = try XCTUnwrap(
            try scene.refunds.apply(.channelAccepted, to: refund.id, channel: payment.channel, reason: "refund_call", requestId: "r"))
        XCTAssertEqual(applied.refund.status, .processing)
        XCTAssertEqual(applied.refund.channelState, .accepted)
        XCTAssertEqual(applied.refund.version, 2)
        XCTAssertEqual(applied.payment, payment)
        XCTAssertEqual(try scene.refunds.findAny(id: refund.id), applied.refund)
        let again = try XCTUnwrap(
            try scene.refunds.apply(.channelAccepted, to: refund.id, channel: nil, reason: "refund_query", requestId: "r"))
        XCTAssertFalse(again.decision.writes)
        XCTAssertEqual(again.refund, applied.refund)
        XCTAssertEqual(try scene.refunds.findAny(id: refund.id), applied.refund)
    }

    func refundApplySucceededChangesPayment() throws {
        let scene = try ContractScene(self)
        let payment = try scene.succeeded(order: "refund-succeeded", amount: 10_000)
        let part = try scene.refund(payment, number: "R-1", amount: "30.00")
        let rest = try scene.refund(payment, number: "R-2", amount: "70.00")
        let before = scene.now
        let applied = try XCTUnwrap(
            try scene.refunds.apply(
                .channelSucceeded(channelRefundId: "CR-1", amount: nil), to: part.id, channel: payment.channel, reason: "refund_call",
                requestId: "r"))
        let after = scene.now
        XCTAssertEqual(applied.refund.status, .succeeded)
        XCTAssertEqual(applied.refund.channelRefundId, "CR-1")
        XCTAssertEqual(applied.refund.version, 2)
        XCTAssertTrue(applied.refund.succeededAt.map { (before...after).contains($0) } ?? false)
        XCTAssertEqual(applied.payment.status, .partiallyRefunded)
        XCTAssertEqual(applied.payment.refundedAmount, StoreContract.cny(3_000))
        XCTAssertEqual(applied.payment.version, payment.version + 1)
        XCTAssertEqual(applied.decision.merchantEvent, .refundSucceeded)
        XCTAssertEqual(applied.decision.posting, .reversal)
        XCTAssertEqual(try scene.refunds.findAny(id: part.id), applied.refund)
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), applied.payment)

        // A repeat of the success changes nothing.
        let again = try XCTUnwrap(
            try scene.refunds.apply(
                .channelSucceeded(channelRefundId: "CR-1", amount: StoreContract.cny(3_000)), to: part.id, channel: nil,
                reason: "refund_query", requestId: "r"))
        XCTAssertFalse(again.decision.writes)
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), applied.payment)

        let whole = try XCTUnwrap(
            try scene.refunds.apply(
                .channelSucceeded(channelRefundId: "CR-2", amount: StoreContract.cny(7_000)), to: rest.id, channel: nil,
                reason: "refund_query", requestId: "r"))
        XCTAssertEqual(whole.payment.status, .refunded)
        XCTAssertEqual(whole.payment.refundedAmount, payment.amount)
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), whole.payment)
        XCTAssertEqual(try scene.refunds.findAny(id: rest.id), whole.refund)
    }

    func refundApplyFailed() throws {
        let scene = try ContractScene(self)
        let payment = try scene.succeeded(order: "refund-failed")
        let refund = try scene.refund(payment, number: "R-1", amount: "10.00")
        let applied = try XCTUnwrap(
            try scene.refunds.apply(
                .channelFailed(failureCode: "NO_FUNDS"), to: refund.id, channel: nil, reason: "refund_call", requestId: "r"))
        XCTAssertEqual(applied.refund.status, .failed)
        XCTAssertEqual(applied.refund.failureCode, "NO_FUNDS")
        XCTAssertNil(applied.refund.succeededAt)
        XCTAssertEqual(applied.decision.merchantEvent, .refundFailed)
        XCTAssertNil(applied.decision.posting)
        XCTAssertEqual(applied.payment, payment)
        XCTAssertEqual(try scene.refunds.findAny(id: refund.id), applied.refund)
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), payment)
        // Success reported for a failed refund: an anomaly, nothing moves.
        let late = try XCTUnwrap(
            try scene.refunds.apply(
                .channelSucceeded(channelRefundId: nil, amount: nil), to: refund.id, channel: nil, reason: "refund_query", requestId: "r"))
        XCTAssertEqual(late.decision.anomaly, .succeededAfterFailure)
        XCTAssertEqual(late.refund, applied.refund)
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), payment)
    }

    func refundApplyWrongAmountIsAnomaly() throws {
        let scene = try ContractScene(self)
        let payment = try scene.succeeded(order: "refund-amount")
        let refund = try scene.refund(payment, number: "R-1", amount: "10.00")
        let applied = try XCTUnwrap(
            try scene.refunds.apply(
                .channelSucceeded(channelRefundId: "CR-1", amount: StoreContract.cny(999)), to: refund.id, channel: nil,
                reason: "refund_callback", requestId: "r"))
        XCTAssertEqual(applied.decision.anomaly, .amountMismatch)
        XCTAssertNil(applied.decision.refundStatus)
        XCTAssertEqual(applied.refund, refund)
        XCTAssertEqual(applied.payment, payment)
        XCTAssertEqual(try scene.refunds.findAny(id: refund.id), refund)
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), payment)
        // The anomaly recorded again (a retried callback) is harmless.
        XCTAssertEqual(
            try XCTUnwrap(
                try scene.refunds.apply(
                    .channelSucceeded(channelRefundId: "CR-1", amount: StoreContract.cny(999)), to: refund.id, channel: nil,
                    reason: "refund_callback",
                    requestId: "r")
            ).refund, refund)
    }

    func refundApplyFiltersByChannel() throws {
        let scene = try ContractScene(self)
        let payment = try scene.succeeded(order: "refund-filter")
        let refund = try scene.refund(payment, number: "R-1", amount: "10.00")
        XCTAssertNil(
            try scene.refunds.apply(
                .channelFailed(failureCode: "X"), to: refund.id, channel: .unionpay, reason: "refund_callback", requestId: "r"))
        let missing = RefundId(
            millisecondsSinceEpoch: scene.now.millisecondsSinceEpoch, slot: payment.id.slot, random: try SecureRandom.uint64())
        XCTAssertNil(
            try scene.refunds.apply(.channelFailed(failureCode: "X"), to: missing, channel: nil, reason: "refund_callback", requestId: "r"))
        XCTAssertNil(try scene.refunds.findAny(id: missing))
        XCTAssertEqual(try scene.refunds.findAny(id: refund.id), refund)
    }

    func refundClaimDueAndSchedule() throws {
        let scene = try ContractScene(self)
        let payment = try scene.succeeded(order: "refund-claim", amount: 10_000)
        let open = try scene.refund(payment, number: "R-open", amount: "10.00")
        let failed = try scene.refund(payment, number: "R-failed", amount: "10.00")
        _ = try scene.refunds.apply(
            .channelFailed(failureCode: "NO_FUNDS"), to: failed.id, channel: nil, reason: "refund_call", requestId: "r")
        let due = scene.checkFarAhead.adding(seconds: 3600)
        try scene.refunds.scheduleCheck(open.id, at: due)
        try scene.refunds.scheduleCheck(failed.id, at: due)

        XCTAssertEqual(try scene.claimRefunds(now: due.adding(seconds: -1)), [])
        XCTAssertEqual(try scene.claimRefunds(now: due, leaseSeconds: 60), [open.id], "a final refund is never due")
        XCTAssertEqual(try scene.claimRefunds(now: due.adding(seconds: 59)), [], "leased")
        XCTAssertEqual(try scene.claimRefunds(now: due.adding(seconds: 60)), [open.id])
        // Once it succeeds it is never due again.
        _ = try scene.refunds.apply(
            .channelSucceeded(channelRefundId: "CR", amount: nil), to: open.id, channel: nil, reason: "refund_query", requestId: "r")
        try scene.refunds.scheduleCheck(open.id, at: due)
        XCTAssertEqual(try scene.claimRefunds(now: due.adding(seconds: 100_000)), [])
    }

    /// The refund whose check has waited longest is claimed first, whatever its id.
    func refundClaimLongestWaitingFirst() throws {
        let scene = try ContractScene(self)
        let payment = try scene.succeeded(order: "refund-claim-order", amount: 10_000)
        let one = try scene.refund(payment, number: "R-one", amount: "10.00")
        let two = try scene.refund(payment, number: "R-two", amount: "10.00")
        // The larger id waits longer, so id order and waiting order disagree.
        let (smaller, larger) = one.id.text < two.id.text ? (one, two) : (two, one)
        let due = scene.checkFarAhead.adding(seconds: 7200)
        try scene.refunds.scheduleCheck(smaller.id, at: due)
        try scene.refunds.scheduleCheck(larger.id, at: due.adding(seconds: -10))
        XCTAssertEqual(try scene.claimRefunds(now: due), [larger.id, smaller.id])
    }
}
