import Gateway
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

    func testNextCheckIsTheQueryDelayButNeverAfterExpiry() {
        XCTAssertEqual(WorkerPlan.nextCheck(now: now, expiresAt: now.adding(seconds: 600), queryDelaySeconds: 60), now.adding(seconds: 60))
        XCTAssertEqual(WorkerPlan.nextCheck(now: now, expiresAt: now.adding(seconds: 10), queryDelaySeconds: 60), now.adding(seconds: 10))
        // Expired and still open (the close failed): never at once, so a down channel is no busy loop.
        XCTAssertEqual(WorkerPlan.nextCheck(now: now, expiresAt: now.adding(seconds: -5), queryDelaySeconds: 60), now.adding(seconds: 60))
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
