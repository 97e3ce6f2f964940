import XCTest

@testable import Storage

/// The breaker in front of Redis as straight-line scripts (times in nanoseconds).
final class RiskBreakerTests: XCTestCase {
    func testAFailureRefusesEveryCallUntilTheRetryTimeThenLetsOneTry() {
        var breaker = RiskBreaker(retryAfterMilliseconds: 1_000)
        XCTAssertTrue(breaker.admit(nowNanoseconds: 0))
        breaker.failed(nowNanoseconds: 5)
        XCTAssertEqual(breaker.state, .open(untilNanoseconds: 1_000_000_005))
        XCTAssertFalse(breaker.admit(nowNanoseconds: 6))
        XCTAssertFalse(breaker.admit(nowNanoseconds: 1_000_000_004))
        XCTAssertTrue(breaker.admit(nowNanoseconds: 1_000_000_005))
        XCTAssertEqual(breaker.state, .trying)
        // While the one trial runs, the others are still refused.
        XCTAssertFalse(breaker.admit(nowNanoseconds: 1_000_000_006))
        breaker.succeeded()
        XCTAssertEqual(breaker.state, .closed)
        XCTAssertTrue(breaker.admit(nowNanoseconds: 1_000_000_007))
    }

    func testAFailedTrialRestsAgain() {
        var breaker = RiskBreaker(retryAfterMilliseconds: 10)
        breaker.failed(nowNanoseconds: 100)
        XCTAssertTrue(breaker.admit(nowNanoseconds: 10_000_100))
        breaker.failed(nowNanoseconds: 10_000_200)
        XCTAssertEqual(breaker.state, .open(untilNanoseconds: 20_000_200))
        XCTAssertFalse(breaker.admit(nowNanoseconds: 20_000_199))
        XCTAssertTrue(breaker.admit(nowNanoseconds: 20_000_200))
    }
}
