import PaygateCore
import XCTest

// The worker's claims: due open payments, leased, and their schedule.
// Times are far ahead of the wall clock, so the payments of these tests are due for these claims
// and for nothing that claims with the wall clock.
extension StoreContract {
    func claimDueIsDisjointAndLeased() throws {
        let scene = try ContractScene(self)
        let due = scene.checkFarAhead
        var open: [PaymentId] = []
        for index in 0..<6 { open.append(try scene.insert(try scene.newPayment(order: "claim-\(index)"), checkAfter: due).id) }
        let later = try scene.insert(try scene.newPayment(order: "claim-later"), checkAfter: due.adding(seconds: 3600))
        let final = try scene.insert(try scene.newPayment(order: "claim-final"), checkAfter: due)
        _ = try scene.paid(final, transaction: "T-final")

        XCTAssertEqual(try scene.claimAll(now: due.adding(seconds: -1)), [], "nothing is due before its time")
        // Small batches: every due payment is claimed exactly once across them.
        let claimed = try scene.claimAll(now: due, batchSizeMax: 2, leaseSeconds: 60)
        XCTAssertEqual(Set(claimed), Set(open))
        XCTAssertEqual(claimed.count, open.count, "no payment is in two claims")
        XCTAssertFalse(claimed.contains(later.id))
        XCTAssertFalse(claimed.contains(final.id), "a paid payment is never due")

        // Leased: not due again until the lease ends, then due again.
        XCTAssertEqual(try scene.claimAll(now: due.adding(seconds: 59)), [])
        let afterLease = try scene.claimAll(now: due.adding(seconds: 60), leaseSeconds: 600)
        XCTAssertEqual(Set(afterLease), Set(open))
    }

    func claimReturnsPaymentsAsStored() throws {
        let scene = try ContractScene(self)
        let due = scene.checkFarAhead
        let payment = try scene.insert(try scene.newPayment(order: "claim-row"), checkAfter: due)
        var found: [Payment] = []
        for shard in 0..<scene.payments.shardCount {
            while true {
                let claim = try scene.payments.claimDue(
                    shard: shard, request: PaymentClaimRequest(batchSizeMax: 25, leaseSeconds: 60), now: due)
                if claim.payments.isEmpty { break }
                found += claim.payments.filter { $0.merchantId == scene.merchantId }
            }
        }
        XCTAssertEqual(found, [payment])
    }

    func releaseGivesBackOnlyOwnLease() throws {
        let scene = try ContractScene(self)
        let due = scene.checkFarAhead
        let first = try scene.insert(try scene.newPayment(order: "release-1"), checkAfter: due)
        let second = try scene.insert(try scene.newPayment(order: "release-2"), checkAfter: due)
        var shardOf: [PaymentId: Int] = [:]
        for shard in 0..<scene.payments.shardCount {
            while true {
                let claim = try scene.payments.claimDue(
                    shard: shard, request: PaymentClaimRequest(batchSizeMax: 25, leaseSeconds: 600), now: due)
                if claim.payments.isEmpty { break }
                for payment in claim.payments where payment.merchantId == scene.merchantId { shardOf[payment.id] = shard }
            }
        }
        XCTAssertEqual(Set(shardOf.keys), [first.id, second.id])
        let secondShard = try XCTUnwrap(shardOf[second.id])
        let leaseEnd = due.adding(seconds: 600)
        // The first is rescheduled by its worker; the second's lease is still the claim's.
        try scene.payments.scheduleCheck(first.id, at: due.adding(seconds: 3600))
        // A release names the shard it claimed on: on any other it changes nothing.
        for shard in 0..<scene.payments.shardCount where shard != secondShard {
            try scene.payments.release([first.id, second.id], shard: shard, leaseEnd: leaseEnd, now: due.adding(seconds: 5))
        }
        XCTAssertEqual(try scene.claimAll(now: due.adding(seconds: 5)), [])
        try scene.payments.release([first.id, second.id], shard: secondShard, leaseEnd: leaseEnd, now: due.adding(seconds: 5))
        XCTAssertEqual(try scene.claimAll(now: due.adding(seconds: 5)), [second.id])
        // A release with a lease that is not the row's changes nothing.
        try scene.payments.release([first.id], shard: try XCTUnwrap(shardOf[first.id]), leaseEnd: leaseEnd, now: due.adding(seconds: 6))
        // The second, claimed again above, is due when that lease ends; the first only at its time.
        XCTAssertEqual(try scene.claimAll(now: due.adding(seconds: 3599)), [second.id])
        XCTAssertEqual(try scene.claimAll(now: due.adding(seconds: 3600)), [first.id])
    }

    func scheduleCheckMovesOnlyOpenPayments() throws {
        let scene = try ContractScene(self)
        let due = scene.checkFarAhead
        let open = try scene.insert(try scene.newPayment(order: "schedule-open"), checkAfter: due)
        let paid = try scene.insert(try scene.newPayment(order: "schedule-paid"), checkAfter: due.adding(seconds: 100))
        _ = try scene.paid(paid, transaction: "T-schedule")
        try scene.payments.scheduleCheck(open.id, at: due.adding(seconds: 100))
        try scene.payments.scheduleCheck(paid.id, at: due)
        XCTAssertEqual(try scene.claimAll(now: due.adding(seconds: 99)), [])
        XCTAssertEqual(try scene.claimAll(now: due.adding(seconds: 100)), [open.id])
        // Moving the check of an unknown payment is harmless.
        try scene.payments.scheduleCheck(try scene.newPayment(order: "schedule-none").id, at: due)
    }
}
