import Foundation
import PaygateCore
import Storage
import XCTest

/// Pool hosts that share one Redis reach it over TCP, with the password of its `requirepass`
/// (`risk.redis.host`, `port`, `password_file`). A server of its own, started here on a loopback
/// port (Debian's redis-server, installed by scripts/stack-deps.sh): a missing binary fails.
final class RedisOverTCPTests: XCTestCase {
    static let serverPath = "/usr/bin/redis-server"

    func testCountersOverTCPWithAPasswordAndARefusedOne() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paygate-redis-tcp-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = Int.random(in: 30_000..<40_000)
        let password = "pw-" + UUID().uuidString
        let pidFile = directory.appendingPathComponent("redis.pid").path
        try RedisRiskSignalsContractTests.run([
            Self.serverPath, "--port", String(port), "--bind", "127.0.0.1", "--requirepass", password, "--save", "", "--appendonly", "no",
            "--daemonize", "yes", "--pidfile", pidFile, "--dir", directory.path, "--logfile",
            directory.appendingPathComponent("redis.log").path,
        ])
        defer {
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
                let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                kill(pid, SIGTERM)
            }
        }
        let passwordFile = directory.appendingPathComponent("redis.password").path
        try Data((password + "\n").utf8).write(to: URL(fileURLWithPath: passwordFile))
        var configuration = RiskRedisConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = port
        configuration.passwordFile = passwordFile
        configuration.timeoutMilliseconds = 500
        try configuration.validate()
        let key = RiskCounterKey(subject: .merchant, measure: .count, windowSeconds: 60)
        let attempt = RedisRiskSignalsContractTests.attempt()
        // The daemon may take a moment to listen: the first calls may find nothing there.
        var observed: RiskObservation?
        for _ in 0..<50 where observed == nil {
            observed = try? RedisRiskSignals.load(configuration: configuration).observe(attempt, reading: [key])
            if observed == nil { usleep(100_000) }
        }
        XCTAssertEqual(try XCTUnwrap(observed).counters[key], 1)
        XCTAssertEqual(try RedisRiskSignals.load(configuration: configuration).observe(attempt, reading: [key]).counters[key], 2)
        try Data("wrong\n".utf8).write(to: URL(fileURLWithPath: passwordFile))
        XCTAssertThrowsError(try RedisRiskSignals.load(configuration: configuration).observe(attempt, reading: [key])) { error in
            XCTAssertTrue("\(error)".contains("AUTH"), "\(error)")
        }
        configuration.socket = "/run/redis.sock"
        XCTAssertThrowsError(try configuration.validate(), "a socket and a host at once")
    }
}
