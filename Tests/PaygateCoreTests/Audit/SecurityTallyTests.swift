import XCTest

@testable import PaygateCore

final class SecurityTallyTests: XCTestCase {
    private let origin = AuditOrigin(host: "h", user: "u", process: "paygate[1]")

    func testRepeatedFailuresMakeOneRecordPerTargetAndInterval() {
        var tally = SecurityTally()
        for _ in 0..<5 {
            tally.note(.authenticationFailed, target: "merchant:mch_a")
            tally.note(.authenticationFailed, target: "ip:10.0.0.1")
        }
        tally.note(.authenticationFailed, target: "ip:10.0.0.2")  // once: not repeated
        tally.note(.callbackForged, target: "channel:alipay ip:10.0.0.3")
        let entries = tally.drain(origin: origin, intervalSeconds: 10)
        XCTAssertEqual(entries.map(\.action), ["security.auth_failures", "security.auth_failures", "security.callback_forged"])
        XCTAssertEqual(entries.map(\.target), ["ip:10.0.0.1", "merchant:mch_a", "channel:alipay ip:10.0.0.3"])
        XCTAssertEqual(entries[0].details, "{\"count\":5,\"interval_seconds\":10}")
        XCTAssertEqual(entries[0].outcome, "refused")
        XCTAssertTrue(tally.isEmpty)
        XCTAssertEqual(tally.drain(origin: origin, intervalSeconds: 10), [])
    }

    func testTargetsBeyondTheLimitAreCountedInOneOverflowRecord() {
        var tally = SecurityTally()
        for index in 0..<(SecurityTally.targetsMax + 7) { tally.note(.disabledMerchantUsed, target: "merchant:\(index)") }
        let entries = tally.drain(origin: origin, intervalSeconds: 10)
        XCTAssertEqual(entries.count, SecurityTally.targetsMax + 1)
        XCTAssertEqual(entries.last?.action, SecurityTally.overflowAction)
        XCTAssertEqual(entries.last?.details, "{\"count\":7,\"interval_seconds\":10}")
    }
}
