import PaygateCore
import XCTest

/// The promises of `RiskSignals` (PaygateCore/Ports/RiskSignals.swift), run on the in-memory twin
/// (`MemoryRiskSignalsContractTests`, unit phase) and on Redis (`RedisRiskSignalsContractTests`,
/// after the end-to-end suite). Times are chosen well inside or well outside each window, so the
/// twin's exact windows and Redis's sub-buckets (which may count one sub-bucket more:
/// Storage's RiskCounterLayout) must give the same answers. Every test uses subject values of its
/// own, so earlier runs against the same Redis never answer its reads.
struct RiskSignalsContract {
    let make: () throws -> any RiskSignals

    /// A fixed instant on a six-hour boundary plus an hour (the widest sub-bucket's middle).
    static let start = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000 / 21_600_000 * 21_600_000 + 3_600_000)

    static func fresh(_ name: String) -> String { "\(name)-\(UInt64.random(in: 0...UInt64.max))" }

    static func key(_ subject: RiskSubject, _ measure: RiskMeasure, _ seconds: Int) -> RiskCounterKey {
        RiskCounterKey(subject: subject, measure: measure, windowSeconds: seconds)
    }

    static func at(_ seconds: Int64) -> Timestamp { start.adding(seconds: seconds) }

    func countsAndSumsIncludeTheCreate() throws {
        let signals = try make()
        let subjects = RiskSubjects(payerIP: Self.fresh("ip"), payerDevice: nil, payerUser: nil, merchant: Self.fresh("mch"))
        let reading: Set = [Self.key(.payerIP, .count, 60), Self.key(.merchant, .sum, 60), Self.key(.merchant, .count, 600)]
        let first = try signals.observe(RiskAttempt(subjects: subjects, amountMinorUnits: 100, at: Self.at(0)), reading: reading)
        XCTAssertEqual(
            first.counters, [Self.key(.payerIP, .count, 60): 1, Self.key(.merchant, .sum, 60): 100, Self.key(.merchant, .count, 600): 1])
        _ = try signals.observe(RiskAttempt(subjects: subjects, amountMinorUnits: 200, at: Self.at(1)), reading: reading)
        let third = try signals.observe(RiskAttempt(subjects: subjects, amountMinorUnits: 300, at: Self.at(2)), reading: reading)
        XCTAssertEqual(
            third.counters, [Self.key(.payerIP, .count, 60): 3, Self.key(.merchant, .sum, 60): 600, Self.key(.merchant, .count, 600): 3])
    }

    func windowsSlide() throws {
        let signals = try make()
        let subjects = RiskSubjects(payerIP: Self.fresh("ip"), payerDevice: nil, payerUser: nil, merchant: Self.fresh("mch"))
        let minute = Self.key(.payerIP, .count, 60)
        let second = Self.key(.payerIP, .count, 1)
        let week = Self.key(.merchant, .sum, 604_800)
        let reading: Set = [minute, second, week]
        func observe(_ seconds: Int64) throws -> [RiskCounterKey: Int64] {
            try signals.observe(RiskAttempt(subjects: subjects, amountMinorUnits: 10, at: Self.at(seconds)), reading: reading).counters
        }
        XCTAssertEqual(try observe(0), [minute: 1, second: 1, week: 10])
        XCTAssertEqual(try observe(30), [minute: 2, second: 1, week: 20])
        XCTAssertEqual(try observe(200), [minute: 1, second: 1, week: 30])
        XCTAssertEqual(try observe(6 * 86_400), [minute: 1, second: 1, week: 40])
        // Eight days after the start, the first three creates have left the week.
        XCTAssertEqual(try observe(8 * 86_400), [minute: 1, second: 1, week: 20])
    }

    func declinesAreCountedPerSubject() throws {
        let signals = try make()
        let declined = RiskSubjects(payerIP: Self.fresh("ip"), payerDevice: Self.fresh("dev"), payerUser: nil, merchant: Self.fresh("mch"))
        try signals.recordDecline(declined, at: Self.at(1))
        try signals.recordDecline(declined, at: Self.at(2))
        // Another device at the same address: the address has two declines, the new device none.
        var next = declined
        next.payerDevice = Self.fresh("dev")
        let reading: Set = [Self.key(.payerIP, .declines, 60), Self.key(.payerDevice, .declines, 60), Self.key(.merchant, .declines, 1)]
        let observed = try signals.observe(RiskAttempt(subjects: next, amountMinorUnits: 1, at: Self.at(3)), reading: reading)
        XCTAssertEqual(
            observed.counters,
            [Self.key(.payerIP, .declines, 60): 2, Self.key(.payerDevice, .declines, 60): 0, Self.key(.merchant, .declines, 1): 1])
    }

    func distinctUsersFollowAnAddress() throws {
        let signals = try make()
        let ip = Self.fresh("ip")
        let merchant = Self.fresh("mch")
        let users = [Self.fresh("u"), Self.fresh("u"), Self.fresh("u")]
        let reading: Set = [Self.key(.payerIP, .distinctUsers, 3_600), Self.key(.payerUser, .distinctUsers, 3_600)]
        var last = RiskObservation(counters: [:], deviceNewToUser: nil)
        for (index, user) in [users[0], users[1], users[0], users[2]].enumerated() {
            let subjects = RiskSubjects(payerIP: ip, payerDevice: nil, payerUser: user, merchant: merchant)
            last = try signals.observe(RiskAttempt(subjects: subjects, amountMinorUnits: 1, at: Self.at(Int64(index))), reading: reading)
        }
        XCTAssertEqual(last.counters, [Self.key(.payerIP, .distinctUsers, 3_600): 3, Self.key(.payerUser, .distinctUsers, 3_600): 1])
        // A create without a user id: the address's users are still known, the user's are not.
        let anonymous = RiskSubjects(payerIP: ip, payerDevice: nil, payerUser: nil, merchant: merchant)
        let observed = try signals.observe(RiskAttempt(subjects: anonymous, amountMinorUnits: 1, at: Self.at(10)), reading: reading)
        XCTAssertEqual(observed.counters, [Self.key(.payerIP, .distinctUsers, 3_600): 3])
    }

    /// A device stays new to its user, however often it tries, until it is remembered (after an
    /// allowed create): a held or blocked attempt does not make it familiar.
    func deviceNewToUserIsDecidedBeforeTheDeviceIsRemembered() throws {
        let signals = try make()
        let (user, other, first, second) = (Self.fresh("u"), Self.fresh("u"), Self.fresh("dev"), Self.fresh("dev"))
        let merchant = Self.fresh("mch")
        func subjects(_ user: String?, _ device: String?) -> RiskSubjects {
            RiskSubjects(payerIP: nil, payerDevice: device, payerUser: user, merchant: merchant)
        }
        func newness(_ user: String?, _ device: String?, _ seconds: Int64) throws -> Bool? {
            try signals.observe(RiskAttempt(subjects: subjects(user, device), amountMinorUnits: 1, at: Self.at(seconds)), reading: [])
                .deviceNewToUser
        }
        XCTAssertEqual(try newness(user, first, 0), true)
        XCTAssertEqual(try newness(user, first, 1), true, "observing does not remember")
        try signals.rememberDevice(subjects(user, first), at: Self.at(1))
        XCTAssertEqual(try newness(user, first, 2), false)
        XCTAssertEqual(try newness(user, second, 2), true)
        XCTAssertEqual(try newness(user, first, 3), false)
        XCTAssertEqual(try newness(other, first, 4), true)
        XCTAssertNil(try newness(nil, first, 5))
        XCTAssertNil(try newness(user, nil, 6))
    }

    /// An order is counted once: its repeats (a merchant's retry, a replayed request) read the
    /// counters without adding to them; another order counts.
    func anOrderIsCountedOnce() throws {
        let signals = try make()
        let subjects = RiskSubjects(payerIP: Self.fresh("ip"), payerDevice: nil, payerUser: nil, merchant: Self.fresh("mch"))
        let count = Self.key(.payerIP, .count, 600)
        let sum = Self.key(.payerIP, .sum, 600)
        let order = Self.fresh("order")
        func observe(_ order: String, _ seconds: Int64) throws -> [RiskCounterKey: Int64] {
            try signals.observe(
                RiskAttempt(subjects: subjects, amountMinorUnits: 500, at: Self.at(seconds), order: order), reading: [count, sum]
            ).counters
        }
        XCTAssertEqual(try observe(order, 0), [count: 1, sum: 500])
        XCTAssertEqual(try observe(order, 1), [count: 1, sum: 500], "the repeat reads, it does not count")
        XCTAssertEqual(try observe(order, 2), [count: 1, sum: 500])
        XCTAssertEqual(try observe(Self.fresh("order"), 3), [count: 2, sum: 1_000])
    }

    func absentSubjectsAreLeftUnknown() throws {
        let signals = try make()
        let subjects = RiskSubjects(payerIP: nil, payerDevice: nil, payerUser: nil, merchant: Self.fresh("mch"))
        let reading: Set = [
            Self.key(.payerIP, .count, 60), Self.key(.payerDevice, .sum, 60), Self.key(.payerUser, .distinctUsers, 60),
            Self.key(.payerDevice, .declines, 60), Self.key(.merchant, .count, 60), Self.key(.merchant, .distinctUsers, 60),
        ]
        let observed = try signals.observe(RiskAttempt(subjects: subjects, amountMinorUnits: 7, at: Self.at(0)), reading: reading)
        XCTAssertEqual(observed.counters, [Self.key(.merchant, .count, 60): 1, Self.key(.merchant, .distinctUsers, 60): 0])
        XCTAssertNil(observed.deviceNewToUser)
        // A decline without payer keys counts under the merchant alone.
        try signals.recordDecline(subjects, at: Self.at(1))
    }
}
