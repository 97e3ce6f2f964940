import XCTest

@testable import PaygateCore

final class LRUCacheTests: XCTestCase {
    func testHoldsAtMostItsCapacityAndForgetsTheLeastRecentlyUsed() {
        var cache = LRUCache<String, Int>(capacity: 3)
        cache.set(1, for: "a")
        cache.set(2, for: "b")
        cache.set(3, for: "c")
        XCTAssertEqual(cache.value(for: "a"), 1)  // "a" is now the newest
        cache.set(4, for: "d")  // full: "b", the least recently used, goes
        XCTAssertEqual(cache.count, 3)
        XCTAssertNil(cache.value(for: "b"))
        XCTAssertEqual(cache.keysOldestFirst, ["c", "a", "d"])
        XCTAssertEqual(cache.value(for: "c"), 3)
        XCTAssertEqual(cache.keysOldestFirst, ["a", "d", "c"])
    }

    func testReplacingAValueKeepsTheCountAndRefreshesIt() {
        var cache = LRUCache<String, Int>(capacity: 2)
        cache.set(1, for: "a")
        cache.set(2, for: "b")
        cache.set(10, for: "a")
        XCTAssertEqual(cache.count, 2)
        XCTAssertEqual(cache.keysOldestFirst, ["b", "a"])
        cache.set(3, for: "c")
        XCTAssertNil(cache.value(for: "b"))
        XCTAssertEqual(cache.value(for: "a"), 10)
        XCTAssertEqual(cache.value(for: "c"), 3)
    }

    func testAFloodOfNewKeysNeverEmptiesTheCacheOfAKeyInUse() {
        var cache = LRUCache<Int, Int>(capacity: 100)
        cache.set(-1, for: -1)  // the busy merchant
        for key in 0..<10_000 {
            cache.set(key, for: key)
            XCTAssertEqual(cache.value(for: -1), -1, "after \(key) other keys")
            XCTAssertLessThanOrEqual(cache.count, 100)
        }
        XCTAssertEqual(cache.count, 100)
        XCTAssertEqual(cache.keysOldestFirst.first, 9_901)  // -1 and the last 99 keys
        XCTAssertEqual(cache.keysOldestFirst.last, -1)
    }

    func testCapacityOne() {
        var cache = LRUCache<String, Int>(capacity: 1)
        cache.set(1, for: "a")
        cache.set(2, for: "b")
        XCTAssertNil(cache.value(for: "a"))
        XCTAssertEqual(cache.value(for: "b"), 2)
        XCTAssertEqual(cache.keysOldestFirst, ["b"])
    }
}
