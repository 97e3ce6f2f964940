import PaygateCore
import XCTest

// `create`: one insert per order; the identical repeat answers the first; anything else about
// the same order is a conflict; the nonce goes with the effect.
extension StoreContract {
    func createInsertsAndReadsBack() throws {
        let scene = try ContractScene(self)
        let payment = try scene.newPayment(order: "create-1")
        let created = try scene.insert(payment)
        XCTAssertEqual(created, payment)
        XCTAssertEqual(try scene.payments.find(id: payment.id, merchantId: scene.merchantId), payment)
        XCTAssertEqual(try scene.payments.find(merchantId: scene.merchantId, merchantOrderNo: "create-1"), payment)
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), payment)
    }

    func createAfterAcceptedPrepayIsProcessing() throws {
        let scene = try ContractScene(self)
        var payment = try scene.newPayment(order: "create-processing", status: .processing)
        payment.channelPayloadJSON = Payment.channelPayloadJSON(payURL: "https://channel.test/pay/1")
        XCTAssertEqual(try scene.insert(payment), payment)
        let stored = try XCTUnwrap(try scene.payments.findAny(id: payment.id))
        XCTAssertEqual(stored.status, .processing)
        XCTAssertEqual(stored.channelPayloadJSON, payment.channelPayloadJSON)
        XCTAssertEqual(stored.version, 1)
    }

    func createIdenticalTermsAnswersExisting() throws {
        let scene = try ContractScene(self)
        let first = try scene.insert(try scene.newPayment(order: "create-same"))
        // Another request for the same order: a new id (and subject) but the same terms.
        var repeatPayment = try scene.newPayment(order: "create-same")
        repeatPayment.subject = "Tea, again"
        let nonce = StoreContract.nonce(scene.merchantId)
        let outcome = try scene.payments.create(
            repeatPayment, checkAfter: scene.checkFarAhead, nonce: nonce, stepReason: nil, requestId: "r2")
        guard case .existing(let existing) = outcome else { return XCTFail("identical create answered \(outcome)") }
        XCTAssertEqual(existing, first)
        XCTAssertNil(try scene.payments.findAny(id: repeatPayment.id), "the repeat inserted nothing")
        // The repeat was answered, so its nonce is spent.
        XCTAssertFalse(try scene.payments.recordNonce(nonce, slot: first.id.slot))
    }

    func createOtherAmountOrChannelConflicts() throws {
        let scene = try ContractScene(self)
        let first = try scene.insert(try scene.newPayment(order: "create-conflict", amount: 10_000, channel: .alipay))
        for other in [
            try scene.newPayment(order: "create-conflict", amount: 10_001, channel: .alipay),
            try scene.newPayment(order: "create-conflict", amount: 10_000, channel: .wechatpay),
        ] {
            let nonce = StoreContract.nonce(scene.merchantId)
            let outcome = try scene.payments.create(other, checkAfter: scene.checkFarAhead, nonce: nonce, stepReason: nil, requestId: "r2")
            guard case .conflict = outcome else { return XCTFail("conflicting create answered \(outcome)") }
            // A conflict writes nothing: not the payment, not the nonce.
            XCTAssertNil(try scene.payments.findAny(id: other.id))
            XCTAssertTrue(try scene.payments.recordNonce(nonce, slot: other.id.slot))
        }
        XCTAssertEqual(try scene.payments.find(merchantId: scene.merchantId, merchantOrderNo: "create-conflict"), first)
    }

    func createWithReusedNonceWritesNothing() throws {
        let scene = try ContractScene(self)
        let nonce = StoreContract.nonce(scene.merchantId)
        let first = try scene.insert(try scene.newPayment(order: "create-nonce-1"), nonce: nonce)
        // Another order on the same shard (a replay reaches the shard of the same effect).
        let secondOrder = scene.order("create-nonce-replay", inSlotOf: first)
        let second = try scene.newPayment(order: secondOrder)
        let outcome = try scene.payments.create(second, checkAfter: scene.checkFarAhead, nonce: nonce, stepReason: nil, requestId: "r2")
        guard case .nonceReused = outcome else { return XCTFail("create with a used nonce answered \(outcome)") }
        XCTAssertNil(try scene.payments.findAny(id: second.id))
        XCTAssertNil(try scene.payments.find(merchantId: scene.merchantId, merchantOrderNo: secondOrder))
        XCTAssertNotNil(try scene.payments.findAny(id: first.id))
    }

    func createWithTakenIdThrowsCollision() throws {
        let scene = try ContractScene(self)
        let first = try scene.insert(try scene.newPayment(order: "create-id-1"))
        // Another order that drew the same id (the caller makes a new id and tries again).
        var other = try scene.newPayment(order: "create-id-2")
        other = Payment(
            id: first.id, merchantId: other.merchantId, merchantOrderNo: other.merchantOrderNo, amount: other.amount,
            channel: other.channel,
            status: other.status, refundedAmount: other.refundedAmount, subject: other.subject, notifyURL: other.notifyURL,
            metadataJSON: other.metadataJSON, payerJSON: other.payerJSON, channelPayloadJSON: other.channelPayloadJSON,
            channelTransactionId: nil, failureCode: nil, version: 1, createdAt: other.createdAt, paidAt: nil, expiresAt: other.expiresAt)
        let nonce = StoreContract.nonce(scene.merchantId)
        XCTAssertThrowsError(
            try scene.payments.create(other, checkAfter: scene.checkFarAhead, nonce: nonce, stepReason: nil, requestId: "r2")
        ) {
            XCTAssertTrue($0 is PaymentIdCollision, "threw \($0)")
        }
        XCTAssertNil(try scene.payments.find(merchantId: scene.merchantId, merchantOrderNo: "create-id-2"))
        XCTAssertEqual(try scene.payments.findAny(id: first.id), first)
        XCTAssertTrue(try scene.payments.recordNonce(nonce, slot: first.id.slot), "a collision keeps no nonce")
    }

    func recordNonceOnce() throws {
        let scene = try ContractScene(self)
        let nonce = StoreContract.nonce(scene.merchantId)
        XCTAssertTrue(try scene.payments.recordNonce(nonce, slot: 3))
        XCTAssertFalse(try scene.payments.recordNonce(nonce, slot: 3))
        // Another signature with the same nonce is another request.
        var other = nonce
        other.signature += "-other"
        XCTAssertTrue(try scene.payments.recordNonce(other, slot: 3))
    }

    /// MariaDB keeps nonces per shard (`request_nonces` on each shard, written with the request's
    /// effect): a replay reaches the shard of the same effect and is refused there, and another
    /// shard does not know the nonce.
    func recordNonceIsPerShard() throws {
        let scene = try ContractScene(self)
        XCTAssertGreaterThan(scene.payments.shardCount, 1, "this test needs two shards")
        let due = scene.checkFarAhead
        let firstSlot = 0
        let firstShard = try scene.shard(ofSlot: firstSlot, due: due)
        var otherSlot: Int?
        // Slots are mapped in ranges or otherwise: look for one on another shard.
        for (index, slot) in stride(from: scene.payments.slotCount - 1, to: 0, by: -max(1, scene.payments.slotCount / 16)).enumerated()
        where try scene.shard(ofSlot: slot, due: due.adding(seconds: Int64(index + 1) * 3600)) != firstShard {
            otherSlot = slot
            break
        }
        let secondSlot = try XCTUnwrap(otherSlot, "no slot on another shard than slot 0's")
        let nonce = StoreContract.nonce(scene.merchantId)
        XCTAssertTrue(try scene.payments.recordNonce(nonce, slot: firstSlot))
        XCTAssertFalse(try scene.payments.recordNonce(nonce, slot: firstSlot))
        XCTAssertTrue(try scene.payments.recordNonce(nonce, slot: secondSlot))
        XCTAssertFalse(try scene.payments.recordNonce(nonce, slot: secondSlot))
    }
}
