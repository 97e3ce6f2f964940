import Foundation
import PaygateCore
import Storage
import Synchronization
import XCTest

/// The risk counters' contract (`RiskSignalsContract`) on `RedisRiskSignals` against the Redis
/// server of a running stack, and its breaker. `PAYGATE_REDIS_TEST_SOCKET` names the server's
/// socket; `PAYGATE_STACK` and `PAYGATE_ROOT` let the restart test stop and start that server
/// (scripts/e2e.sh sets all three and runs this class after its pytest suite). Without them
/// every test FAILS: a missing Redis is not a pass. The unit phase of `make test` skips this class.
///
/// The breaker's clock is a hand-moved one: no test sleeps or measures time.
final class RedisRiskSignalsContractTests: XCTestCase {
    static let socketVariable = "PAYGATE_REDIS_TEST_SOCKET"

    static var socket: String? {
        guard let path = ProcessInfo.processInfo.environment[socketVariable], !path.isEmpty else { return nil }
        return path
    }

    let contract = RiskSignalsContract {
        guard let socket = RedisRiskSignalsContractTests.socket else { throw MissingVariable(name: socketVariable) }
        return RedisRiskSignals(configuration: RedisRiskSignalsContractTests.configuration(socket: socket))
    }

    /// Not thrown from setUp, which this XCTest would report as a skip.
    override func setUp() {
        super.setUp()
        if Self.socket == nil {
            XCTFail("\(Self.socketVariable) is not set: it must name the Redis socket of a running stack (scripts/e2e.sh sets it)")
        }
    }

    struct MissingVariable: Error, CustomStringConvertible {
        var name: String
        var description: String { "\(name) is not set" }
    }

    static func configuration(socket: String) -> RiskRedisConfiguration {
        var configuration = RiskRedisConfiguration()
        configuration.socket = socket
        configuration.timeoutMilliseconds = 500
        configuration.retryAfterMilliseconds = 10
        return configuration
    }

    func testCountsAndSumsIncludeTheCreate() throws { try contract.countsAndSumsIncludeTheCreate() }
    func testWindowsSlide() throws { try contract.windowsSlide() }
    func testDeclinesAreCountedPerSubject() throws { try contract.declinesAreCountedPerSubject() }
    func testDistinctUsersFollowAnAddress() throws { try contract.distinctUsersFollowAnAddress() }
    func testDeviceNewToUserIsDecidedBeforeTheDeviceIsRemembered() throws {
        try contract.deviceNewToUserIsDecidedBeforeTheDeviceIsRemembered()
    }
    func testAbsentSubjectsAreLeftUnknown() throws { try contract.absentSubjectsAreLeftUnknown() }
    func testAnOrderIsCountedOnce() throws { try contract.anOrderIsCountedOnce() }

    /// No server at the path: the call throws `RiskSignalsUnavailable`. The server appears there
    /// (a link to the stack's socket): calls are still refused at once by the breaker, which
    /// proves they no longer try, until its rest is over; then the next call succeeds.
    func testTheBreakerRefusesAfterAFailureThenOneCallTriesAgain() throws {
        let socket = try XCTUnwrap(Self.socket, "\(Self.socketVariable) is not set")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(RiskSignalsContract.fresh("risk-breaker"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("redis.sock").path
        let clock = HandClock()
        let signals = RedisRiskSignals(configuration: Self.configuration(socket: path), monotonicNanoseconds: { clock.now })
        let attempt = Self.attempt()

        XCTAssertThrowsError(try signals.observe(attempt, reading: [])) { XCTAssertTrue($0 is RiskSignalsUnavailable, "\($0)") }
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: socket)
        clock.advance(milliseconds: 9)
        XCTAssertThrowsError(try signals.observe(attempt, reading: [])) { XCTAssertTrue($0 is RiskSignalsUnavailable, "\($0)") }
        XCTAssertThrowsError(try signals.recordDecline(attempt.subjects, at: attempt.at)) { XCTAssertTrue($0 is RiskSignalsUnavailable) }
        clock.advance(milliseconds: 1)
        let key = RiskSignalsContract.key(.merchant, .count, 60)
        XCTAssertEqual(try signals.observe(attempt, reading: [key]).counters, [key: 1])
        XCTAssertEqual(try signals.observe(attempt, reading: [key]).counters, [key: 2])
    }

    /// The stack's Redis stopped and started again under a signals object that was using it: the
    /// calls while it is down throw; after the restart (an empty server: no script, no counters)
    /// the pooled connection reconnects, the script is loaded again, and counting starts afresh.
    func testARestartedServerIsUsedAgain() throws {
        let socket = try XCTUnwrap(Self.socket, "\(Self.socketVariable) is not set")
        let clock = HandClock()
        let signals = RedisRiskSignals(configuration: Self.configuration(socket: socket), monotonicNanoseconds: { clock.now })
        let attempt = Self.attempt()
        let key = RiskSignalsContract.key(.merchant, .count, 60)
        XCTAssertEqual(try signals.observe(attempt, reading: [key]).counters, [key: 1])

        try Self.stack("redis-stop")
        XCTAssertThrowsError(try signals.observe(attempt, reading: [key])) { XCTAssertTrue($0 is RiskSignalsUnavailable, "\($0)") }
        try Self.stack("redis-start")
        clock.advance(milliseconds: 10)
        XCTAssertEqual(try signals.observe(attempt, reading: [key]).counters, [key: 1])
    }

    /// A server that stops answering (SIGSTOP: its socket still accepts, nothing replies): the
    /// call ends with `RiskSignalsUnavailable` once its command timeout passes, instead of
    /// waiting for the server; once it answers again, the next try succeeds.
    func testAStalledServerFailsTheCallAtItsTimeout() throws {
        let socket = try XCTUnwrap(Self.socket, "\(Self.socketVariable) is not set")
        let root = try XCTUnwrap(ProcessInfo.processInfo.environment["PAYGATE_ROOT"], "PAYGATE_ROOT is not set")
        let pidText = try String(contentsOfFile: root + "/run/redis.pid", encoding: .utf8)
        let pid = try XCTUnwrap(pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)), "no pid in run/redis.pid")
        let clock = HandClock()
        var configuration = Self.configuration(socket: socket)
        configuration.timeoutMilliseconds = 100
        let signals = RedisRiskSignals(configuration: configuration, monotonicNanoseconds: { clock.now })
        let attempt = Self.attempt()
        let key = RiskSignalsContract.key(.merchant, .count, 60)
        XCTAssertEqual(try signals.observe(attempt, reading: [key]).counters, [key: 1])

        XCTAssertEqual(kill(pid, SIGSTOP), 0, "could not stop redis-server \(pid)")
        do {
            defer { kill(pid, SIGCONT) }
            XCTAssertThrowsError(try signals.observe(attempt, reading: [key])) { XCTAssertTrue($0 is RiskSignalsUnavailable, "\($0)") }
        }
        clock.advance(milliseconds: 10)
        // Another merchant's first create: 1. The stalled call's late reply (which would say 2)
        // must not answer it: the timed-out connection was dropped. Whether the stalled create
        // itself was counted is unknown, as for any timed-out call.
        XCTAssertEqual(try signals.observe(Self.attempt(), reading: [key]).counters, [key: 1])
    }

    static func attempt() -> RiskAttempt {
        let subjects = RiskSubjects(payerIP: nil, payerDevice: nil, payerUser: nil, merchant: RiskSignalsContract.fresh("mch"))
        return RiskAttempt(subjects: subjects, amountMinorUnits: 1, at: RiskSignalsContract.at(0))
    }

    /// `scripts/stack.sh COMMAND ROOT` on the stack e2e.sh started. posix_spawn and waitpid, not
    /// Foundation's Process: its wait never returned here once the script had left redis-server
    /// running in the background.
    static func stack(_ command: String) throws {
        let environment = ProcessInfo.processInfo.environment
        let script = try XCTUnwrap(environment["PAYGATE_STACK"], "PAYGATE_STACK is not set")
        let root = try XCTUnwrap(environment["PAYGATE_ROOT"], "PAYGATE_ROOT is not set")
        try run([script, command, root])
    }

    /// Runs `words` (the program's path first) to its end; fails the test unless it exits 0.
    static func run(_ words: [String]) throws {
        let command = words[0]
        let script = words[0]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, script, nil, nil, arguments, environ)
        XCTAssertEqual(spawned, 0, "stack.sh \(command) could not start")
        guard spawned == 0 else { return }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // Exited normally (low 7 bits 0) with code 0.
        XCTAssertEqual(status, 0, "stack.sh \(command) failed (wait status \(status))")
    }
}

/// A monotonic clock moved by hand.
final class HandClock: Sendable {
    private let nanoseconds = Mutex<UInt64>(1_000_000_000)
    var now: UInt64 { nanoseconds.withLock { $0 } }
    func advance(milliseconds: UInt64) { nanoseconds.withLock { $0 += milliseconds * 1_000_000 } }
}
