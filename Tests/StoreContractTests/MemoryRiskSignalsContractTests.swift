import PaygateCore
import StorageMemory
import XCTest

/// The risk counters' contract (`RiskSignalsContract`) on the in-memory twin, fresh per test.
/// The test list is the same as `RedisRiskSignalsContractTests`': change both together.
final class MemoryRiskSignalsContractTests: XCTestCase {
    let contract = RiskSignalsContract { MemoryRiskSignals() }

    func testCountsAndSumsIncludeTheCreate() throws { try contract.countsAndSumsIncludeTheCreate() }
    func testWindowsSlide() throws { try contract.windowsSlide() }
    func testDeclinesAreCountedPerSubject() throws { try contract.declinesAreCountedPerSubject() }
    func testDistinctUsersFollowAnAddress() throws { try contract.distinctUsersFollowAnAddress() }
    func testDeviceNewToUserIsDecidedBeforeTheDeviceIsRemembered() throws {
        try contract.deviceNewToUserIsDecidedBeforeTheDeviceIsRemembered()
    }
    func testAbsentSubjectsAreLeftUnknown() throws { try contract.absentSubjectsAreLeftUnknown() }
    func testAnOrderIsCountedOnce() throws { try contract.anOrderIsCountedOnce() }

    /// The twin's switch: unavailable, every call throws as an unreachable Redis does; back, it works.
    func testTheSwitchMakesEveryCallUnavailable() throws {
        let signals = MemoryRiskSignals()
        let subjects = RiskSubjects(payerIP: nil, payerDevice: nil, payerUser: nil, merchant: "mch")
        let attempt = RiskAttempt(subjects: subjects, amountMinorUnits: 1, at: RiskSignalsContract.at(0))
        signals.isUnavailable = true
        XCTAssertThrowsError(try signals.observe(attempt, reading: [])) { XCTAssertTrue($0 is RiskSignalsUnavailable) }
        XCTAssertThrowsError(try signals.recordDecline(subjects, at: attempt.at)) { XCTAssertTrue($0 is RiskSignalsUnavailable) }
        signals.isUnavailable = false
        let key = RiskSignalsContract.key(.merchant, .count, 60)
        // The calls refused while off counted nothing.
        XCTAssertEqual(try signals.observe(attempt, reading: [key]).counters, [key: 1])
    }
}
