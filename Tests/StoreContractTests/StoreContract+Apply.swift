import PaygateCore
import XCTest

// `apply` and `applyOnSnapshot`: the store decides nothing, so what is checked here is that the
// decision is taken on the row as stored (its status, its transaction id, the late refunds
// already recorded) and that what it asks for is written and read back.
extension StoreContract {
    func applyPrepayAcceptedMovesToProcessing() throws {
        let scene = try ContractScene(self)
        let payment = try scene.created(order: "apply-prepay")
        let nextCheck = scene.now.adding(seconds: StoreContract.farAheadSeconds + 3600)
        let applied = try XCTUnwrap(
            try scene.payments.apply(
                .prepayAccepted(ChannelPayload(payURL: "https://channel.test/pay/7")), to: payment.id, merchantId: scene.merchantId,
                channel: nil,
                nonce: nil,
                checkAfter: nextCheck, reason: "prepay", requestId: "r"))
        XCTAssertEqual(applied.payment.status, .processing)
        XCTAssertEqual(applied.payment.version, 2)
        XCTAssertEqual(applied.payment.channelPayloadJSON, Payment.channelPayloadJSON(payURL: "https://channel.test/pay/7"))
        XCTAssertEqual(applied.decision.merchantEvents, [])
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), applied.payment)
        // The check time came with the write: due at that time, not before.
        XCTAssertEqual(try scene.claimAll(now: nextCheck.adding(seconds: -1)), [])
        XCTAssertEqual(try scene.claimAll(now: nextCheck), [payment.id])
    }

    func applyPaidCallbackSucceedsOnce() throws {
        let scene = try ContractScene(self)
        let payment = try scene.created(order: "apply-paid")
        let applied = try XCTUnwrap(try scene.paid(payment, transaction: "T-1"))
        XCTAssertEqual(applied.payment.status, .succeeded)
        XCTAssertEqual(applied.payment.channelTransactionId, "T-1")
        XCTAssertNotNil(applied.payment.paidAt)
        XCTAssertEqual(applied.payment.version, 2)
        XCTAssertEqual(applied.decision.write?.steps, [.processing, .succeeded])
        XCTAssertEqual(applied.decision.merchantEvents, [.paymentSucceeded])
        XCTAssertEqual(applied.decision.answer, .acknowledge)
        XCTAssertEqual(
            try LedgerRules.postings(for: applied.decision, payment: applied.payment, fee: .zero).count, 1, "the success is posted")
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), applied.payment)

        // The same report again (a channel retry): acknowledged, nothing written, nothing posted.
        let again = try XCTUnwrap(try scene.paid(payment, transaction: "T-1"))
        XCTAssertNil(again.decision.write)
        XCTAssertEqual(again.decision.merchantEvents, [])
        XCTAssertEqual(again.decision.anomalies, [])
        XCTAssertEqual(again.decision.answer, .acknowledge)
        XCTAssertEqual(try LedgerRules.postings(for: again.decision, payment: again.payment, fee: .zero).count, 0)
        XCTAssertEqual(again.payment, applied.payment)
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), applied.payment)

        // Paid again under another transaction: an anomaly for a person, the payment unchanged.
        let second = try XCTUnwrap(try scene.paid(payment, transaction: "T-2"))
        XCTAssertEqual(second.decision.anomalies.map(\.kind), [.conflictingTransactionId])
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), applied.payment)
    }

    func applyWrongAmountIsAnomalyAndChangesNothing() throws {
        let scene = try ContractScene(self)
        let payment = try scene.created(order: "apply-amount")
        let applied = try XCTUnwrap(try scene.paid(payment, transaction: "T-1", amount: StoreContract.cny(9_999)))
        XCTAssertNil(applied.decision.write)
        XCTAssertEqual(
            applied.decision.anomalies,
            [PaymentAnomaly(kind: .amountMismatch, transactionId: "T-1", reportedAmount: StoreContract.cny(9_999))])
        XCTAssertEqual(applied.decision.answer, .refuse)
        XCTAssertEqual(applied.payment, payment)
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), payment)
        // Recording the anomaly again (the channel retries the refused callback) is harmless.
        XCTAssertEqual(try XCTUnwrap(try scene.paid(payment, transaction: "T-1", amount: StoreContract.cny(9_999))).payment, payment)
    }

    func applyFailedAndClosedReports() throws {
        let scene = try ContractScene(self)
        let failing = try scene.created(order: "apply-failed")
        let failed = try XCTUnwrap(
            try scene.payments.apply(
                .channelReportedFailed(failureCode: "CARD_DECLINED", from: .query), to: failing.id, merchantId: nil, channel: nil,
                nonce: nil,
                checkAfter: nil, reason: "query", requestId: "r"))
        XCTAssertEqual(failed.payment.status, .failed)
        XCTAssertEqual(failed.payment.failureCode, "CARD_DECLINED")
        XCTAssertEqual(failed.decision.merchantEvents, [.paymentFailed])
        XCTAssertEqual(try scene.payments.findAny(id: failing.id), failed.payment)

        let closing = try scene.created(order: "apply-closed")
        let closed = try XCTUnwrap(
            try scene.payments.apply(
                .channelConfirmedClosed(from: .close), to: closing.id, merchantId: scene.merchantId, channel: nil, nonce: nil,
                checkAfter: nil,
                reason: "merchant_close", requestId: "r"))
        XCTAssertEqual(closed.payment.status, .closed)
        XCTAssertEqual(closed.decision.merchantEvents, [.paymentClosed])
        let again = try XCTUnwrap(
            try scene.payments.apply(
                .channelConfirmedClosed(from: .close), to: closing.id, merchantId: scene.merchantId, channel: nil, nonce: nil,
                checkAfter: nil,
                reason: "merchant_close", requestId: "r"))
        XCTAssertNil(again.decision.write)
        XCTAssertEqual(again.payment, closed.payment)
    }

    /// Expiry decides on the stored `expires_at` and the store's own time.
    func applyExpiryClosesOnlyExpiredCreated() throws {
        let scene = try ContractScene(self)
        let open = try scene.insert(try scene.newPayment(order: "apply-not-expired", expiresAt: scene.now.adding(seconds: 3600)))
        let notYet = try XCTUnwrap(
            try scene.payments.apply(
                .closeRequested(by: .expiry), to: open.id, merchantId: nil, channel: nil, nonce: nil, checkAfter: nil, reason: "expired",
                requestId: "r"))
        XCTAssertNil(notYet.decision.write)
        XCTAssertEqual(try scene.payments.findAny(id: open.id), open)
        _ = try scene.closedByExpiry(order: "apply-expired")
    }

    /// A late payment is given back by an ordinary refund row, written with the anomaly and due
    /// for the worker at once; the same late payment reported again makes no second one.
    func applyPaidAfterCloseRecordsLateRefundOnce() throws {
        let scene = try ContractScene(self)
        let closed = try scene.closedByExpiry(order: "apply-late")
        let before = scene.now
        let late = try XCTUnwrap(try scene.paid(closed, transaction: "T-late"))
        XCTAssertNil(late.decision.write, "a closed payment stays closed")
        XCTAssertEqual(late.decision.anomalies.map(\.kind), [.paidAfterClose])
        XCTAssertEqual(late.decision.channelActions, [.refundLatePayment(amount: closed.amount, transactionId: "T-late")])
        XCTAssertEqual(late.decision.answer, .acknowledge)
        XCTAssertEqual(try scene.payments.findAny(id: closed.id), closed)

        // The same late payment reported again: it is being refunded already.
        let again = try XCTUnwrap(try scene.paid(closed, transaction: "T-late"))
        XCTAssertEqual(again.decision.anomalies, [])
        XCTAssertEqual(again.decision.channelActions, [])
        // Another late payment of the same order is refunded too.
        let other = try XCTUnwrap(try scene.paid(closed, transaction: "T-late-2"))
        XCTAssertEqual(other.decision.channelActions, [.refundLatePayment(amount: closed.amount, transactionId: "T-late-2")])
        let after = scene.now

        let due = try scene.claimRefunds(now: after).compactMap { try scene.refunds.findAny(id: $0) }
            .sorted { ($0.sourceTransactionId ?? "") < ($1.sourceTransactionId ?? "") }
        XCTAssertEqual(due.map(\.sourceTransactionId), ["T-late", "T-late-2"])
        for refund in due {
            XCTAssertEqual(refund.paymentId, closed.id)
            XCTAssertEqual(refund.merchantId, scene.merchantId)
            XCTAssertEqual(refund.origin, .latePayment)
            XCTAssertEqual(refund.merchantRefundNo, refund.id.text)
            XCTAssertEqual(refund.amount, closed.amount)
            XCTAssertEqual(refund.status, .processing)
            XCTAssertEqual(refund.reason, Refund.latePaymentReason)
            XCTAssertTrue((before...after).contains(refund.createdAt))
            XCTAssertEqual(try scene.refunds.find(id: refund.id, merchantId: scene.merchantId), refund)
        }
    }

    /// A late payment's refund settles like any refund, but the payment never had the money: it
    /// stays as it is.
    func latePaymentRefundSucceedsWithoutTouchingThePayment() throws {
        let scene = try ContractScene(self)
        let closed = try scene.closedByExpiry(order: "late-settled")
        _ = try scene.paid(closed, transaction: "T-settled")
        let refundId = try XCTUnwrap(try scene.claimRefunds(now: scene.now).first)
        let applied = try XCTUnwrap(
            try scene.refunds.apply(
                .channelSucceeded(channelRefundId: "CR-late", amount: closed.amount), to: refundId, channel: closed.channel,
                reason: "refund_call",
                requestId: "r"))
        XCTAssertEqual(applied.refund.status, .succeeded)
        XCTAssertEqual(applied.refund.channelRefundId, "CR-late")
        XCTAssertEqual(applied.decision.posting, .latePaymentReturned)
        XCTAssertEqual(applied.decision.merchantEvent, .refundSucceeded)
        XCTAssertNil(applied.decision.paymentWrite)
        XCTAssertEqual(applied.payment, closed)
        XCTAssertEqual(try scene.payments.findAny(id: closed.id), closed)
        XCTAssertEqual(try scene.refunds.findAny(id: refundId), applied.refund)
        XCTAssertEqual(
            try scene.claimRefunds(now: scene.now.adding(seconds: StoreContract.farAheadSeconds)), [], "settled: never due again")
    }

    func applyFiltersByMerchantAndChannel() throws {
        let scene = try ContractScene(self)
        let payment = try scene.created(order: "apply-filters")
        let nonce = StoreContract.nonce(scene.merchantId)
        func apply(merchantId: String?, channel: Channel?, to id: PaymentId = payment.id) throws -> AppliedPaymentDecision? {
            try scene.payments.apply(
                .prepayAccepted(ChannelPayload(payURL: "https://channel.test/pay/x")), to: id, merchantId: merchantId, channel: channel,
                nonce: nonce,
                checkAfter: nil, reason: "prepay", requestId: "r")
        }
        XCTAssertNil(try apply(merchantId: StoreContract.freshMerchantId(), channel: nil))
        XCTAssertNil(try apply(merchantId: nil, channel: .wechatpay))
        XCTAssertNil(try apply(merchantId: scene.merchantId, channel: .unionpay))
        XCTAssertNil(try apply(merchantId: nil, channel: nil, to: try scene.newPayment(order: "apply-filters-none").id))
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), payment, "nothing was applied")
        // Nothing applied keeps no nonce: the same nonce still works.
        XCTAssertEqual(try apply(merchantId: scene.merchantId, channel: .alipay)?.payment.status, .processing)
    }

    func applyWithReusedNonceThrows() throws {
        let scene = try ContractScene(self)
        let payment = try scene.created(order: "apply-nonce")
        let nonce = StoreContract.nonce(scene.merchantId)
        XCTAssertTrue(try scene.payments.recordNonce(nonce, slot: payment.id.slot))
        XCTAssertThrowsError(
            try scene.payments.apply(
                .prepayAccepted(ChannelPayload(payURL: "https://channel.test/pay/x")), to: payment.id, merchantId: scene.merchantId,
                channel: nil,
                nonce: nonce,
                checkAfter: nil, reason: "prepay", requestId: "r")
        ) { XCTAssertTrue($0 is NonceReused, "threw \($0)") }
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), payment)
        // The nonce is checked first: a used one is refused even for a payment that is not there.
        XCTAssertThrowsError(
            try scene.payments.apply(
                .prepayAccepted(ChannelPayload(payURL: "https://channel.test/pay/x")),
                to: try scene.newPayment(order: scene.order("apply-nonce-none", inSlotOf: payment)).id,
                merchantId: scene.merchantId, channel: nil, nonce: nonce, checkAfter: nil, reason: "prepay", requestId: "r")
        ) {
            XCTAssertTrue($0 is NonceReused, "threw \($0)")
        }
    }

    func applyOnSnapshotStepsAndFallsBack() throws {
        let scene = try ContractScene(self)
        let payment = try scene.created(order: "snapshot-step")
        let checkAt = scene.now.adding(seconds: StoreContract.farAheadSeconds + 7200)
        let applied = try XCTUnwrap(
            try scene.payments.applyOnSnapshot(
                .prepayAccepted(ChannelPayload(payURL: "https://channel.test/pay/s")), to: payment, checkAfter: checkAt, reason: "prepay",
                requestId: "r"))
        XCTAssertEqual(applied.payment.status, .processing)
        XCTAssertEqual(applied.payment.version, 2)
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), applied.payment)
        XCTAssertEqual(try scene.claimAll(now: checkAt), [payment.id])

        // A snapshot the row has moved past (a callback raced the prepay): decided on the row.
        let raced = try scene.created(order: "snapshot-raced")
        let paid = try XCTUnwrap(try scene.paid(raced, transaction: "T-raced"))
        let late = try XCTUnwrap(
            try scene.payments.applyOnSnapshot(
                .prepayAccepted(ChannelPayload(payURL: "https://channel.test/pay/r")), to: raced, checkAfter: scene.checkFarAhead,
                reason: "prepay",
                requestId: "r"))
        XCTAssertNil(late.decision.write)
        XCTAssertEqual(late.payment, paid.payment)
        XCTAssertEqual(try scene.payments.findAny(id: raced.id), paid.payment)

        // A decision with more than a step (an event) takes the locking path and is written whole.
        let rejected = try scene.created(order: "snapshot-rejected")
        let failed = try XCTUnwrap(
            try scene.payments.applyOnSnapshot(
                .prepayRejected(failureCode: "ACCOUNT_BLOCKED"), to: rejected, checkAfter: scene.checkFarAhead, reason: "prepay",
                requestId: "r"))
        XCTAssertEqual(failed.payment.status, .failed)
        XCTAssertEqual(failed.payment.failureCode, "ACCOUNT_BLOCKED")
        XCTAssertEqual(failed.decision.merchantEvents, [.paymentFailed])
        XCTAssertEqual(try scene.payments.findAny(id: rejected.id), failed.payment)
    }
}
