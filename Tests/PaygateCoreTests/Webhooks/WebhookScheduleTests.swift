import XCTest

@testable import PaygateCore

final class WebhookScheduleTests: XCTestCase {
    func testContractScheduleRetriesFifteenTimesThenDeadLetters() {
        let schedule = WebhookSchedule(WebhooksConfiguration())
        XCTAssertEqual(schedule.attemptsMax, 16)
        XCTAssertEqual(schedule.afterFailure(attemptsMade: 1), .retry(afterSeconds: 15))
        XCTAssertEqual(schedule.afterFailure(attemptsMade: 2), .retry(afterSeconds: 15))
        XCTAssertEqual(schedule.afterFailure(attemptsMade: 3), .retry(afterSeconds: 30))
        XCTAssertEqual(schedule.afterFailure(attemptsMade: 4), .retry(afterSeconds: 180))
        XCTAssertEqual(schedule.afterFailure(attemptsMade: 15), .retry(afterSeconds: 21_600))
        XCTAssertEqual(schedule.afterFailure(attemptsMade: 16), .deadLetter)
    }

    func testContractScheduleMatchesAPIDocument() {
        // docs/API.md section 8: 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h.
        let minutes = [0.25, 0.25, 0.5, 3, 10, 20, 30, 30, 30, 60, 180, 180, 180, 360, 360]
        XCTAssertEqual(WebhooksConfiguration.defaultScheduleSeconds, minutes.map { Int($0 * 60) })
    }

    func testShortScheduleOfTheTestStack() {
        let schedule = WebhookSchedule(waitsSeconds: [1, 1, 2])
        let decisions = (1...4).map { schedule.afterFailure(attemptsMade: $0) }
        XCTAssertEqual(decisions, [.retry(afterSeconds: 1), .retry(afterSeconds: 1), .retry(afterSeconds: 2), .deadLetter])
    }

    func testAttemptsBeyondTheScheduleStayDead() {
        let schedule = WebhookSchedule(waitsSeconds: [5])
        XCTAssertEqual(schedule.afterFailure(attemptsMade: 2), .deadLetter)
        XCTAssertEqual(schedule.afterFailure(attemptsMade: 9), .deadLetter)
    }

    func testConfigurationReadsTheSchedule() throws {
        let json = #"{"schedule_seconds": [1, 1, 2], "timeout_seconds": 10}"#
        let configuration = try JSONDecoder().decode(WebhooksConfiguration.self, from: Data(json.utf8))
        try configuration.validate()
        XCTAssertEqual(WebhookSchedule(configuration).waitsSeconds, [1, 1, 2])
    }
}
