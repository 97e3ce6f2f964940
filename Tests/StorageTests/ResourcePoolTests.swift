import Foundation
import Storage
import Synchronization
import XCTest

/// The thread-safe pool with a fake resource: bounded wait, order of waiters, broken resources
/// discarded, one borrower per resource.
final class ResourcePoolTests: XCTestCase {
    final class Resource: @unchecked Sendable {
        let id: Int
        /// Set while borrowed: two borrowers at once would find it set.
        let inUse = Atomic<Bool>(false)
        init(id: Int) { self.id = id }
    }

    final class Opened: Sendable {
        private let count = Mutex(0)
        func next() -> Resource {
            Resource(
                id: count.withLock {
                    $0 += 1; return $0
                })
        }
        var total: Int { count.withLock { $0 } }
    }

    static func borrow(_ pool: ResourcePool<Resource>, _ opened: Opened) throws -> Resource {
        switch try pool.borrow() {
        case .existing(let resource): return resource
        case .mustOpen: return opened.next()
        }
    }

    func testAnExhaustedPoolRefusesAfterItsBoundedWait() throws {
        let pool = ResourcePool<Resource>(capacity: 1, waitMillisecondsMax: 50)
        let held = try Self.borrow(pool, Opened())
        XCTAssertThrowsError(try pool.borrow()) { error in
            XCTAssertEqual((error as? PoolWaitExpired)?.waitedMilliseconds, 50)
        }
        XCTAssertEqual(pool.waiterCount, 0, "a waiter that gave up leaves the queue")
        pool.giveBack(held)
        if case .existing(let again) = try pool.borrow() { XCTAssertTrue(again === held) } else { XCTFail("the idle one is lent again") }
    }

    func testWaitersAreServedInArrivalOrder() throws {
        let pool = ResourcePool<Resource>(capacity: 1, waitMillisecondsMax: 30_000)
        let opened = Opened()
        let held = try ResourcePoolTests.borrow(pool, opened)
        let order = Mutex<[Int]>([])
        var threads: [Thread] = []
        for index in 0..<5 {
            // Each waiter queues before the next starts (waiterCount tells when it is in line).
            let thread = Thread {
                guard let resource = try? ResourcePoolTests.borrow(pool, opened) else { return }
                order.withLock { $0.append(index) }
                pool.giveBack(resource)
            }
            thread.start()
            threads.append(thread)
            while pool.waiterCount < index + 1 { usleep(1_000) }
        }
        pool.giveBack(held)
        while order.withLock({ $0.count }) < 5 { usleep(1_000) }
        XCTAssertEqual(order.withLock { $0 }, [0, 1, 2, 3, 4])
        XCTAssertEqual(opened.total, 1, "one resource served everyone in turn")
    }

    func testABrokenResourceIsDiscardedAndReplaced() throws {
        let pool = ResourcePool<Resource>(capacity: 1, waitMillisecondsMax: 1_000)
        let opened = Opened()
        let first = try ResourcePoolTests.borrow(pool, opened)
        pool.giveBack(nil)  // broken
        let second = try ResourcePoolTests.borrow(pool, opened)
        XCTAssertFalse(first === second, "a broken resource is never lent again")
        XCTAssertEqual(opened.total, 2)
        pool.giveBack(second)
    }

    func testNeverTwoBorrowersOfOneResourceUnderContention() {
        let capacity = 4
        let pool = ResourcePool<Resource>(capacity: capacity, waitMillisecondsMax: 30_000)
        let opened = Opened()
        let overlaps = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        let rounds = 300
        DispatchQueue.concurrentPerform(iterations: 16) { thread in
            for round in 0..<rounds {
                guard let resource = try? ResourcePoolTests.borrow(pool, opened) else { failures.add(1, ordering: .relaxed); continue }
                if resource.inUse.exchange(true, ordering: .acquiringAndReleasing) { overlaps.add(1, ordering: .relaxed) }
                if round % 7 == 0 { usleep(50) }
                resource.inUse.store(false, ordering: .releasing)
                // Now and then a borrower reports its resource broken.
                pool.giveBack((thread + round) % 50 == 0 ? nil : resource)
            }
        }
        XCTAssertEqual(overlaps.load(ordering: .relaxed), 0)
        XCTAssertEqual(failures.load(ordering: .relaxed), 0)
        XCTAssertGreaterThan(opened.total, capacity, "broken ones were replaced")
    }
}
