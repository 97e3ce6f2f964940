import XCTest

@testable import PaygateCore

final class CircuitBreakerTests: XCTestCase {
    private let limits = CircuitBreaker.Limits(failureCountThreshold: 3, openSeconds: 30, probeTimeoutSeconds: 20)
    private let start = Timestamp(secondsSinceEpoch: 1_800_000_000)

    private func at(_ seconds: Int64) -> Timestamp { start.adding(seconds: seconds) }

    /// A breaker that has just opened at `start`.
    private func openedBreaker() -> CircuitBreaker {
        var breaker = CircuitBreaker(limits: limits)
        for _ in 0..<3 {
            XCTAssertEqual(breaker.admit(now: start), .admit)
            breaker.record(success: false, now: start)
        }
        XCTAssertEqual(breaker.state, .open(until: at(30)))
        return breaker
    }

    func testStartsClosedAndAdmits() {
        var breaker = CircuitBreaker(limits: limits)
        XCTAssertEqual(breaker.state, .closed(consecutiveFailures: 0))
        XCTAssertEqual(breaker.state.name, "closed")
        XCTAssertEqual(breaker.admit(now: start), .admit)
    }

    func testFailuresBelowTheThresholdKeepItClosed() {
        var breaker = CircuitBreaker(limits: limits)
        breaker.record(success: false, now: start)
        breaker.record(success: false, now: start)
        XCTAssertEqual(breaker.state, .closed(consecutiveFailures: 2))
        XCTAssertEqual(breaker.admit(now: start), .admit)
    }

    func testASuccessResetsTheConsecutiveCount() {
        var breaker = CircuitBreaker(limits: limits)
        breaker.record(success: false, now: start)
        breaker.record(success: false, now: start)
        breaker.record(success: true, now: start)
        XCTAssertEqual(breaker.state, .closed(consecutiveFailures: 0))
        breaker.record(success: false, now: start)
        breaker.record(success: false, now: start)
        XCTAssertEqual(breaker.state.name, "closed")
    }

    func testTheThresholdOpensItAndItRejectsUntilOpenSecondsPass() {
        var breaker = openedBreaker()
        XCTAssertEqual(breaker.state.name, "open")
        XCTAssertEqual(breaker.admit(now: at(0)), .rejectNow)
        XCTAssertEqual(breaker.admit(now: at(29)), .rejectNow)
        XCTAssertEqual(breaker.state, .open(until: at(30)))
    }

    func testOutcomesWhileOpenAreIgnored() {
        var breaker = openedBreaker()
        breaker.record(success: true, now: at(1))
        breaker.record(success: false, now: at(2))
        XCTAssertEqual(breaker.state, .open(until: at(30)))
    }

    func testAfterOpenSecondsExactlyOneProbeGoesThrough() {
        var breaker = openedBreaker()
        XCTAssertEqual(breaker.admit(now: at(30)), .admitProbe)
        XCTAssertEqual(breaker.state, .halfOpen(probeStartedAt: at(30)))
        XCTAssertEqual(breaker.state.name, "half_open")
        XCTAssertEqual(breaker.admit(now: at(30)), .rejectNow)
        XCTAssertEqual(breaker.admit(now: at(49)), .rejectNow)
    }

    func testProbeSuccessClosesIt() {
        var breaker = openedBreaker()
        XCTAssertEqual(breaker.admit(now: at(31)), .admitProbe)
        breaker.record(success: true, now: at(32))
        XCTAssertEqual(breaker.state, .closed(consecutiveFailures: 0))
        XCTAssertEqual(breaker.admit(now: at(32)), .admit)
    }

    func testProbeFailureOpensItAgainForOpenSeconds() {
        var breaker = openedBreaker()
        XCTAssertEqual(breaker.admit(now: at(31)), .admitProbe)
        breaker.record(success: false, now: at(35))
        XCTAssertEqual(breaker.state, .open(until: at(65)))
        XCTAssertEqual(breaker.admit(now: at(64)), .rejectNow)
        XCTAssertEqual(breaker.admit(now: at(65)), .admitProbe)
    }

    func testAProbeThatNeverReportsGivesUpItsSlotAfterProbeTimeoutSeconds() {
        var breaker = openedBreaker()
        XCTAssertEqual(breaker.admit(now: at(30)), .admitProbe)
        XCTAssertEqual(breaker.admit(now: at(49)), .rejectNow)
        XCTAssertEqual(breaker.admit(now: at(50)), .admitProbe)
        XCTAssertEqual(breaker.state, .halfOpen(probeStartedAt: at(50)))
        XCTAssertEqual(breaker.admit(now: at(50)), .rejectNow)
    }

    func testAThresholdOfOneOpensOnTheFirstFailure() {
        var breaker = CircuitBreaker(limits: .init(failureCountThreshold: 1, openSeconds: 5, probeTimeoutSeconds: 5))
        breaker.record(success: false, now: start)
        XCTAssertEqual(breaker.state, .open(until: at(5)))
    }
}
