import XCTest

@testable import Storage

/// The rules of a bounded pool as straight-line scripts (PoolState has no locks or clocks).
final class PoolStateTests: XCTestCase {
    func testOpensUpToCapacityThenQueuesAndServesWaitersInArrivalOrder() {
        var pool = PoolState<String>(capacity: 2)
        XCTAssertTrue(isOpen(pool.borrow(waiter: 1)))
        XCTAssertTrue(isOpen(pool.borrow(waiter: 2)))
        XCTAssertNil(pool.borrow(waiter: 3), "full: the third waits")
        XCTAssertNil(pool.borrow(waiter: 4))
        XCTAssertNil(pool.borrow(waiter: 5))
        XCTAssertEqual(pool.waiters, [3, 4, 5])
        // Given back: straight to the oldest waiter, never idle while someone waits.
        XCTAssertEqual(handed(pool.giveBack("a")), "3:a")
        XCTAssertEqual(handed(pool.giveBack("b")), "4:b")
        XCTAssertEqual(handed(pool.giveBack("a")), "5:a")
        XCTAssertTrue(pool.idle.isEmpty)
        XCTAssertEqual(pool.lentCount, 2)
        XCTAssertNil(pool.giveBack("a"))
        XCTAssertEqual(pool.idle, ["a"])
        XCTAssertEqual(pool.lentCount, 1)
    }

    func testANewcomerNeverOvertakesAWaiterEvenWhenAResourceIsIdle() {
        var pool = PoolState<String>(capacity: 1)
        XCTAssertTrue(isOpen(pool.borrow(waiter: 1)))
        XCTAssertNil(pool.borrow(waiter: 2))
        // The resource comes back and goes to waiter 2; a newcomer (3) queues behind nobody else
        // but finds nothing idle.
        XCTAssertEqual(handed(pool.giveBack("a")), "2:a")
        XCTAssertNil(pool.borrow(waiter: 3))
        XCTAssertEqual(pool.waiters, [3])
    }

    func testABrokenResourceIsDroppedAndItsPlaceGoesToTheOldestWaiterAsAnOpen() {
        var pool = PoolState<String>(capacity: 1)
        XCTAssertTrue(isOpen(pool.borrow(waiter: 1)))
        XCTAssertNil(pool.borrow(waiter: 2))
        let next = pool.giveBack(nil)
        XCTAssertEqual(next?.waiter, 2)
        if case .open? = next?.grant {} else { XCTFail("the waiter must open a new one, got \(String(describing: next))") }
        // Nobody waits: a broken one simply frees its place.
        XCTAssertNil(pool.giveBack(nil))
        XCTAssertEqual(pool.lentCount, 0)
        XCTAssertTrue(pool.idle.isEmpty, "a broken resource is never kept")
        XCTAssertTrue(isOpen(pool.borrow(waiter: 3)))
    }

    func testAnAbandonedWaiterLeavesTheQueueUnlessAGrantReachedItFirst() {
        var pool = PoolState<String>(capacity: 1)
        XCTAssertTrue(isOpen(pool.borrow(waiter: 1)))
        XCTAssertNil(pool.borrow(waiter: 2))
        XCTAssertNil(pool.borrow(waiter: 3))
        XCTAssertTrue(pool.abandon(waiter: 2))
        XCTAssertEqual(pool.waiters, [3])
        XCTAssertEqual(handed(pool.giveBack("a")), "3:a")
        XCTAssertFalse(pool.abandon(waiter: 3), "granted already: it must take the grant")
    }

    func testUrgentWaitersAreServedBeforeEarlierOrdinaryOnesAndInTheirOwnArrivalOrder() {
        var pool = PoolState<String>(capacity: 1)
        XCTAssertTrue(isOpen(pool.borrow(waiter: 1)))
        XCTAssertNil(pool.borrow(waiter: 2))
        XCTAssertNil(pool.borrow(waiter: 3))
        XCTAssertNil(pool.borrow(waiter: 4, urgent: true))
        XCTAssertNil(pool.borrow(waiter: 5, urgent: true))
        XCTAssertEqual(pool.waiters, [4, 5, 2, 3])
        XCTAssertTrue(pool.abandon(waiter: 5), "an urgent waiter can give up too")
        XCTAssertEqual(handed(pool.giveBack("a")), "4:a")
        XCTAssertEqual(handed(pool.giveBack("a")), "2:a")
        XCTAssertEqual(handed(pool.giveBack("a")), "3:a")
        XCTAssertNil(pool.giveBack("a"))
        XCTAssertEqual(pool.lentCount, 0)
    }

    func testIdleResourcesAreReusedMostRecentFirstAndNeverExceedCapacity() {
        var pool = PoolState<String>(capacity: 3)
        for waiter in 1...3 { XCTAssertTrue(isOpen(pool.borrow(waiter: waiter))) }
        for name in ["a", "b", "c"] { XCTAssertNil(pool.giveBack(name)) }
        XCTAssertEqual(taken(pool.borrow(waiter: 4)), "c")
        XCTAssertEqual(taken(pool.borrow(waiter: 5)), "b")
        XCTAssertEqual(taken(pool.borrow(waiter: 6)), "a")
        XCTAssertNil(pool.borrow(waiter: 7), "three lent: the fourth borrower waits")
    }

    private func isOpen(_ grant: PoolState<String>.Grant?) -> Bool {
        if case .open? = grant { return true }
        return false
    }

    private func taken(_ grant: PoolState<String>.Grant?) -> String? {
        if case .take(let resource)? = grant { return resource }
        return nil
    }

    private func handed(_ next: (waiter: Int, grant: PoolState<String>.Grant)?) -> String? {
        guard let next, case .take(let resource) = next.grant else { return nil }
        return "\(next.waiter):\(resource)"
    }
}
