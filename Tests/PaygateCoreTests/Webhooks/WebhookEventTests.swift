import XCTest

@testable import PaygateCore

/// The event's state machine (attempt → next state) and the body of docs/API.md section 8.
final class WebhookEventTests: XCTestCase {
    let schedule = WebhookSchedule(waitsSeconds: [1, 1, 2])
    let created = Timestamp(millisecondsSinceEpoch: 1_795_000_000_123)

    func event(attempts: Int = 0, data: String = #"{"payment_id":"pay_1","amount":"12.30"}"#) -> WebhookEvent {
        WebhookEvent(
            id: "evt_" + String(repeating: "ab", count: 16), paymentId: "pay_1", refundId: "", slot: 7, merchantId: "mch_1",
            type: "payment.succeeded", dataJSON: data, state: .pending, attempts: attempts, nextAttemptAt: created,
            createdAt: created, seq: 42, lastAttemptAt: nil, deliveredAt: nil)
    }

    func attempt(_ number: Int, status: Int?, at seconds: Int64 = 100, permanent: Bool = false) -> WebhookAttempt {
        WebhookAttempt(
            number: number, attemptedAt: created.adding(seconds: seconds), httpStatus: status,
            latencyMilliseconds: 5, error: status == nil ? "connection failed: refused" : nil, isPermanentFailure: permanent)
    }

    func testAny2xxDelivers() {
        for status in [200, 201, 202, 204, 299] {
            let update = event().update(after: attempt(1, status: status), schedule: schedule)
            XCTAssertEqual(update.state, .delivered, "status \(status)")
            XCTAssertEqual(update.attempts, 1)
            XCTAssertEqual(update.deliveredAt, created.adding(seconds: 100))
        }
    }

    func testAnythingElseIsRetriedOnTheSchedule() {
        for status in [nil, 100, 199, 301, 302, 400, 404, 500, 503] as [Int?] {
            let update = event().update(after: attempt(1, status: status), schedule: schedule)
            XCTAssertEqual(update.state, .pending, "status \(String(describing: status))")
            XCTAssertEqual(update.attempts, 1)
            XCTAssertEqual(update.nextAttemptAt, created.adding(seconds: 101))
            XCTAssertNil(update.deliveredAt)
        }
    }

    func testWholeLifeOfAnEventThatNeverGetsThrough() {
        var current = event()
        var states: [WebhookEventState] = []
        var waits: [Int64] = []
        for number in 1...4 {
            XCTAssertEqual(current.nextAttemptNumber, number)
            let tried = attempt(number, status: 500, at: Int64(number) * 10)
            let update = current.update(after: tried, schedule: schedule)
            states.append(update.state)
            waits.append((update.nextAttemptAt.millisecondsSinceEpoch - tried.attemptedAt.millisecondsSinceEpoch) / 1000)
            current.attempts = update.attempts
            current.state = update.state
        }
        XCTAssertEqual(states, [.pending, .pending, .pending, .dead])
        XCTAssertEqual(waits, [1, 1, 2, 0])
        XCTAssertEqual(current.attempts, 4)
    }

    func testSuccessOnTheLastTryStillDelivers() {
        let update = event(attempts: 3).update(after: attempt(4, status: 200), schedule: schedule)
        XCTAssertEqual(update.state, .delivered)
        XCTAssertEqual(update.attempts, 4)
    }

    func testPermanentFailureDeadLettersAtOnce() {
        let update = event().update(after: attempt(1, status: nil, permanent: true), schedule: schedule)
        XCTAssertEqual(update.state, .dead)
        XCTAssertEqual(update.attempts, 1)
        // Even a 2xx cannot count once the attempt was refused before sending.
        XCTAssertFalse(attempt(1, status: 200, permanent: true).isAcknowledged)
    }

    func testBodyIsTheContractShapeWithDataInsertedRaw() throws {
        let body = String(decoding: event().body, as: UTF8.self)
        XCTAssertEqual(
            body,
            #"{"id":"evt_abababababababababababababababab","type":"payment.succeeded","created_at":"2026-11-18T11:06:40Z","data":{"payment_id":"pay_1","amount":"12.30"}}"#
        )
        let parsed = try JSONParser.parse(event().body)
        XCTAssertEqual(parsed["data"]?["amount"], .string("12.30"))
    }

    func testBodyKeepsStoredDataByteForByte() {
        let data = #"{"b":"\u00e9\n","a":[1,2,{"x":null}]}"#
        let body = event(data: data).body
        XCTAssertTrue(String(decoding: body, as: UTF8.self).hasSuffix(#""data":"# + data + "}"))
    }

    func testLongErrorsAreCutToTheColumnAtACharacterBoundary() {
        let long = String(repeating: "é", count: 200)  // 400 bytes
        let cut = WebhookAttempt(number: 1, attemptedAt: created, httpStatus: nil, latencyMilliseconds: -3, error: long)
        XCTAssertLessThanOrEqual(cut.error!.utf8.count, WebhookAttempt.errorBytesMax)
        XCTAssertEqual(cut.error!.count, 127)
        XCTAssertEqual(cut.latencyMilliseconds, 0)
    }

    func testSummaryNamesRefundOnlyForRefundEvents() {
        var writer = JSONWriter()
        writer.objectOpen()
        event().writeSummary(into: &writer)
        writer.objectClose()
        let summary = writer.string
        XCTAssertTrue(summary.contains(#""refund_id":null"#), summary)
        XCTAssertTrue(summary.contains(#""state":"pending""#), summary)
        XCTAssertTrue(summary.contains(#""seq":42"#), summary)
        XCTAssertFalse(summary.contains("12.30"), "list lines carry no data")
    }
}
