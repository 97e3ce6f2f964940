import Jobs
import PaygateCore
import XCTest

final class WorkerPlanTests: XCTestCase {
    let now = Timestamp(secondsSinceEpoch: 1_800_000_000)

    func testExpiredOpenPaymentsAreClosedAndOthersQueriedOrSkipped() {
        let past = now.adding(seconds: -1)
        let future = now.adding(seconds: 600)
        XCTAssertEqual(WorkerPlan.decide(status: .processing, expiresAt: past, now: now), .expire)
        XCTAssertEqual(WorkerPlan.decide(status: .created, expiresAt: past, now: now), .expire)
        XCTAssertEqual(WorkerPlan.decide(status: .processing, expiresAt: now, now: now), .expire, "expires_at itself is past")
        XCTAssertEqual(WorkerPlan.decide(status: .processing, expiresAt: future, now: now), .query)
        XCTAssertEqual(WorkerPlan.decide(status: .created, expiresAt: future, now: now), .skip)
        for status in [PaymentStatus.succeeded, .partiallyRefunded, .refunded, .failed, .closed] {
            XCTAssertEqual(WorkerPlan.decide(status: status, expiresAt: past, now: now), .skip, status.rawValue)
            XCTAssertEqual(WorkerPlan.decide(status: status, expiresAt: future, now: now), .skip, status.rawValue)
        }
    }

    func payment(_ status: PaymentStatus, createdAt: Timestamp, expiresAt: Timestamp) -> Payment {
        let amount = Money(minorUnits: 100, currency: .cny)
        return Payment(
            id: PaymentId(millisecondsSinceEpoch: createdAt.millisecondsSinceEpoch, slot: 1, random: 7), merchantId: "m",
            merchantOrderNo: "o", amount: amount, channel: .alipay, status: status,
            refundedAmount: Money(minorUnits: 0, currency: .cny), subject: "s", notifyURL: "https://m.example/",
            metadataJSON: "{}", payerJSON: nil, channelPayloadJSON: "{}", channelTransactionId: nil, failureCode: nil,
            version: 1, createdAt: createdAt, paidAt: nil, expiresAt: expiresAt)
    }

    func testNextCheckFollowsTheQueryScheduleButNeverAfterExpiry() {
        let schedule = QuerySchedule(stepsSeconds: [30, 60, 120])
        let created = now.adding(seconds: -40)
        let open = payment(.processing, createdAt: created, expiresAt: now.adding(seconds: 600))
        // Points of the schedule: created + 30, + 90, + 210; the next after now (created + 40) is + 90.
        XCTAssertEqual(WorkerPlan.nextCheck(open, now: now, schedule: schedule), created.adding(seconds: 90))
        let soon = payment(.processing, createdAt: created, expiresAt: now.adding(seconds: 10))
        XCTAssertEqual(WorkerPlan.nextCheck(soon, now: now, schedule: schedule), now.adding(seconds: 10))
        // The schedule spent: only the expiry close remains.
        XCTAssertEqual(WorkerPlan.nextCheck(open, now: created.adding(seconds: 300), schedule: schedule), open.expiresAt)
        // A created payment (no prepay accepted) waits for its expiry.
        let waiting = payment(.created, createdAt: created, expiresAt: now.adding(seconds: 600))
        XCTAssertEqual(WorkerPlan.nextCheck(waiting, now: now, schedule: schedule), waiting.expiresAt)
        // Expired and still open (the close failed): never at once, so a down channel is no busy loop.
        let expired = payment(.processing, createdAt: created, expiresAt: now.adding(seconds: -5))
        XCTAssertEqual(WorkerPlan.nextCheck(expired, now: now, schedule: schedule), now.adding(seconds: 30))
    }

    func testAPaymentStartsOnlyIfTheLeaseStillCoversIt() {
        let leaseEnd = now.adding(seconds: 120)
        XCTAssertTrue(WorkerPlan.mayStart(now: now, leaseEnd: leaseEnd, paymentSecondsMax: 25))
        XCTAssertFalse(WorkerPlan.mayStart(now: now.adding(seconds: 95), leaseEnd: leaseEnd, paymentSecondsMax: 25))
        XCTAssertFalse(WorkerPlan.mayStart(now: leaseEnd, leaseEnd: leaseEnd, paymentSecondsMax: 0))
    }

    func testThePaymentBoundCountsTwoChannelCallsAndThreeLockWaits() {
        XCTAssertEqual(WorkerLimits.paymentSecondsMax(channelTotalTimeoutMilliseconds: 5_000, lockWaitTimeoutSeconds: 5), 25)
        XCTAssertEqual(WorkerLimits.paymentSecondsMax(channelTotalTimeoutMilliseconds: 1_500, lockWaitTimeoutSeconds: 1), 7)
        XCTAssertEqual(WorkerLimits.paymentSecondsMax(channelTotalTimeoutMilliseconds: 0, lockWaitTimeoutSeconds: 2), 6)
    }
}
