import PaygateCore
import XCTest

final class QueryScheduleTests: XCTestCase {
    let created = Timestamp(secondsSinceEpoch: 1_800_000_000)

    func testQueriesThinOutFromCreationThenOnlyTheExpiryRemains() {
        let schedule = QuerySchedule(stepsSeconds: [30, 60, 120, 300, 600])
        let expires = created.adding(seconds: 900)
        XCTAssertEqual(schedule.firstCheck(expiresAt: expires), expires, "a created payment needs nothing before expiry")
        XCTAssertEqual(schedule.afterPrepay(createdAt: created, expiresAt: expires), created.adding(seconds: 30))
        // Each query moves to the next point: +30, +90, +210, +510, then the expiry (+900).
        var now = created.adding(seconds: 30)
        var points: [Int64] = []
        for _ in 0..<6 {
            let next = schedule.nextCheck(createdAt: created, expiresAt: expires, now: now)
            points.append((next.millisecondsSinceEpoch - created.millisecondsSinceEpoch) / 1000)
            now = next
            if next == expires { break }
        }
        XCTAssertEqual(points, [90, 210, 510, 900], "five queries at most, then the expiry close")
    }

    func testAShortOrderIsCheckedAtItsExpiryAndAFailedCloseRetriesAfterTheFirstStep() {
        let schedule = QuerySchedule(stepsSeconds: [30, 60])
        let expires = created.adding(seconds: 20)
        XCTAssertEqual(schedule.afterPrepay(createdAt: created, expiresAt: expires), expires)
        let late = expires.adding(seconds: 5)
        XCTAssertEqual(schedule.nextCheck(createdAt: created, expiresAt: expires, now: late), late.adding(seconds: 30))
    }

    func testTheRateLimitAllowsItsBurstThenItsRate() {
        var limit = QueryRateLimit(ratePerSecond: 10, burst: 3)
        XCTAssertEqual((0..<5).map { _ in limit.take(nowMilliseconds: 1_000) }, [true, true, true, false, false])
        XCTAssertFalse(limit.take(nowMilliseconds: 1_050), "half a token after 50 ms at 10/s")
        XCTAssertTrue(limit.take(nowMilliseconds: 1_100), "one token after 100 ms")
        XCTAssertFalse(limit.take(nowMilliseconds: 1_100))
        // A long pause refills only up to the burst.
        XCTAssertEqual((0..<4).map { _ in limit.take(nowMilliseconds: 60_000) }, [true, true, true, false])
    }
}
