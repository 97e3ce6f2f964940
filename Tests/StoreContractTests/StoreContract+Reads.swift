import PaygateCore
import XCTest

// The reads: find, findAny, list.
extension StoreContract {
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
        try scene.insert(
            try scene.newPayment(order: "list-x", createdAt: start.adding(seconds: 2), merchantId: StoreContract.freshMerchantId()))
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
        XCTAssertEqual(
            try ids {
                $0.createdFrom = start.adding(seconds: 1); $0.createdTo = start.adding(seconds: 19)
            }, [second.id])
        XCTAssertEqual(
            try ids {
                $0.startingAfter = third.id; $0.status = .created
            }, [first.id])
        XCTAssertEqual(try ids { $0.merchantOrderNo = "filter-9" }, [])
    }
}
