import PaygateCore
import XCTest

// `transition` (a close without channels) and the reads: find, findAny, list.
extension StoreContract {
    func transitionClosesOnceAndRefusesIllegal() throws {
        let scene = try ContractScene(self)
        let payment = try scene.created(order: "transition-close")
        let nonce = StoreContract.nonce(scene.merchantId)
        let outcome = try scene.payments.transition(id: payment.id, merchantId: scene.merchantId, to: .closed, reason: "merchant_close", nonce: nonce, requestId: "r")
        guard case .changed(let closed) = outcome else { return XCTFail("close answered \(outcome)") }
        XCTAssertEqual(closed.status, .closed)
        XCTAssertEqual(closed.version, 2)
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), closed)

        // Closing a closed payment answers it unchanged (and spends the nonce it came with).
        let repeatNonce = StoreContract.nonce(scene.merchantId)
        let again = try scene.payments.transition(id: payment.id, merchantId: scene.merchantId, to: .closed, reason: "merchant_close", nonce: repeatNonce, requestId: "r")
        guard case .unchanged(let unchanged) = again else { return XCTFail("second close answered \(again)") }
        XCTAssertEqual(unchanged, closed)
        XCTAssertFalse(try scene.payments.recordNonce(repeatNonce, slot: payment.id.slot))

        // The nonce of the first close is spent.
        let reused = try scene.payments.transition(id: payment.id, merchantId: scene.merchantId, to: .closed, reason: "merchant_close", nonce: nonce, requestId: "r")
        guard case .nonceReused = reused else { return XCTFail("close with a used nonce answered \(reused)") }

        // A paid payment cannot be closed; the refusal keeps no nonce.
        let paid = try scene.succeeded(order: "transition-paid")
        let illegalNonce = StoreContract.nonce(scene.merchantId)
        let illegal = try scene.payments.transition(id: paid.id, merchantId: scene.merchantId, to: .closed, reason: "merchant_close", nonce: illegalNonce, requestId: "r")
        guard case .illegal(let status) = illegal else { return XCTFail("closing a paid payment answered \(illegal)") }
        XCTAssertEqual(status, .succeeded)
        XCTAssertEqual(try scene.payments.findAny(id: paid.id), paid)
        XCTAssertTrue(try scene.payments.recordNonce(illegalNonce, slot: paid.id.slot))
    }

    func transitionNotFoundAndNonceFirst() throws {
        let scene = try ContractScene(self)
        let payment = try scene.created(order: "transition-missing")
        let other = try scene.payments.transition(
            id: payment.id, merchantId: StoreContract.freshMerchantId(), to: .closed, reason: "merchant_close", nonce: nil, requestId: "r")
        guard case .notFound = other else { return XCTFail("another merchant's close answered \(other)") }
        let missing = try scene.newPayment(order: "transition-never-created")
        let nonce = StoreContract.nonce(scene.merchantId)
        let none = try scene.payments.transition(id: missing.id, merchantId: scene.merchantId, to: .closed, reason: "merchant_close", nonce: nonce, requestId: "r")
        guard case .notFound = none else { return XCTFail("closing a missing payment answered \(none)") }
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), payment)
        // Not found keeps no nonce; a used nonce is refused before the payment is even looked for.
        XCTAssertTrue(try scene.payments.recordNonce(nonce, slot: missing.id.slot))
        let reused = try scene.payments.transition(id: missing.id, merchantId: scene.merchantId, to: .closed, reason: "merchant_close", nonce: nonce, requestId: "r")
        guard case .nonceReused = reused else { return XCTFail("a used nonce for a missing payment answered \(reused)") }
    }

    func findIsPerMerchant() throws {
        let scene = try ContractScene(self)
        let payment = try scene.created(order: "find-1")
        let stranger = StoreContract.freshMerchantId()
        XCTAssertNil(try scene.payments.find(id: payment.id, merchantId: stranger))
        XCTAssertNil(try scene.payments.find(merchantId: stranger, merchantOrderNo: "find-1"))
        XCTAssertNil(try scene.payments.find(merchantId: scene.merchantId, merchantOrderNo: "find-2"))
        XCTAssertNil(try scene.payments.findAny(id: try scene.newPayment(order: "find-2").id))
        XCTAssertEqual(try scene.payments.findAny(id: payment.id), payment)
    }

    /// Five payments a second apart (so on several shards, newest first by id), paged by two.
    func listPagesNewestFirst() throws {
        let scene = try ContractScene(self)
        let start = scene.now.adding(seconds: -600)
        var inserted: [Payment] = []
        for index in 0..<5 {
            inserted.append(try scene.insert(try scene.newPayment(order: "list-\(index)", createdAt: start.adding(seconds: Int64(index)))))
        }
        // Another merchant's payment in between is never listed.
        try scene.insert(try scene.newPayment(order: "list-x", createdAt: start.adding(seconds: 2), merchantId: StoreContract.freshMerchantId()))
        let newestFirst = inserted.reversed().map(\.id)

        var query = try scene.listQuery(limit: 2)
        var seen: [PaymentId] = []
        var pages: [Bool] = []
        while true {
            let page = try scene.payments.list(merchantId: scene.merchantId, query: query)
            seen += page.payments.map(\.id)
            pages.append(page.hasMore)
            guard page.hasMore, let last = page.payments.last else { break }
            query.startingAfter = last.id
        }
        XCTAssertEqual(seen, Array(newestFirst))
        XCTAssertEqual(pages, [true, true, false])

        var all = try scene.listQuery(limit: 5)
        let whole = try scene.payments.list(merchantId: scene.merchantId, query: all)
        XCTAssertEqual(whole.payments, inserted.reversed())
        XCTAssertFalse(whole.hasMore)
        all.limit = 4
        XCTAssertTrue(try scene.payments.list(merchantId: scene.merchantId, query: all).hasMore)
    }

    func listFilters() throws {
        let scene = try ContractScene(self)
        let start = scene.now.adding(seconds: -600)
        let first = try scene.insert(try scene.newPayment(order: "filter-0", createdAt: start))
        let second = try scene.insert(try scene.newPayment(order: "filter-1", createdAt: start.adding(seconds: 10)))
        let third = try scene.insert(try scene.newPayment(order: "filter-2", createdAt: start.adding(seconds: 20)))
        let paid = try XCTUnwrap(try scene.paid(second, transaction: "T-filter")).payment
        func ids(_ build: (inout ListPaymentsQuery) -> Void) throws -> [PaymentId] {
            var query = try scene.listQuery(limit: 10)
            build(&query)
            return try scene.payments.list(merchantId: scene.merchantId, query: query).payments.map(\.id)
        }
        XCTAssertEqual(try ids { $0.status = .succeeded }, [paid.id])
        XCTAssertEqual(try ids { $0.status = .created }, [third.id, first.id])
        XCTAssertEqual(try ids { $0.merchantOrderNo = "filter-2" }, [third.id])
        XCTAssertEqual(try ids { $0.createdFrom = start.adding(seconds: 10) }, [third.id, second.id], "created_from is inclusive")
        XCTAssertEqual(try ids { $0.createdTo = start.adding(seconds: 10) }, [second.id, first.id], "created_to is inclusive")
        XCTAssertEqual(try ids { $0.createdFrom = start.adding(seconds: 1); $0.createdTo = start.adding(seconds: 19) }, [second.id])
        XCTAssertEqual(try ids { $0.startingAfter = third.id; $0.status = .created }, [first.id])
        XCTAssertEqual(try ids { $0.merchantOrderNo = "filter-9" }, [])
    }
}
