import XCTest

@testable import Setup

final class InitOptionsTests: XCTestCase {
    private func parse(_ arguments: [String]) throws -> InitOptions {
        try InitOptions.parse(["/tmp/root"] + arguments).options
    }

    private func refusal(_ arguments: [String]) -> String? {
        do {
            _ = try InitOptions.parse(arguments)
            return nil
        } catch {
            XCTAssertEqual(error.code, .argumentInvalid)
            return error.message
        }
    }

    func testEveryFlagReachesItsOption() throws {
        let parsed = try parse([
            "--port", "8443", "--sandbox-port", "9443", "--workers", "3", "--threads", "64", "--working-threads", "32",
            "--db-connections", "4", "--db-wait-ms", "1000", "--query-schedule", "20,20", "--webhook-schedule", "1,1,2",
            "--channel-connect-timeout-ms", "100", "--channel-total-timeout-ms", "200", "--channel-key-grace-seconds", "0",
            "--sandbox-threads", "16", "--sandbox-callback-senders", "32", "--sandbox-fast-retries", "1",
        ])
        var expected = InitOptions(port: 8443, sandboxPort: 9443)
        expected.workers = 3
        expected.threadsPerWorker = 64
        expected.workingThreadsMax = 32
        expected.databaseConnectionsPerShard = 4
        expected.databaseConnectionWaitMilliseconds = 1000
        expected.queryScheduleSeconds = [20, 20]
        expected.webhookScheduleSeconds = [1, 1, 2]
        expected.channelConnectTimeoutMilliseconds = 100
        expected.channelTotalTimeoutMilliseconds = 200
        expected.channelKeyGraceSeconds = 0
        expected.sandboxThreads = 16
        expected.sandboxCallbackSenders = 32
        expected.sandboxFastRetries = true
        XCTAssertEqual(parsed, expected)
        XCTAssertEqual(try InitOptions.parse(["/tmp/root", "--port", "1", "--sandbox-port", "2"]).root, "/tmp/root")
        XCTAssertEqual(try parse(["--port", "1", "--sandbox-port", "2"]), InitOptions(port: 1, sandboxPort: 2))
    }

    func testBadArgumentsAreRefusedByName() {
        let ports = ["--port", "8443", "--sandbox-port", "9443"]
        let cases: [([String], String)] = [
            ([], "ROOT"),
            (["/r", "--sandbox-port", "9443"], "--port"),
            (["/r", "--port", "8443"], "--sandbox-port"),
            (["/r", "--port", "8443", "--sandbox-port", "8443"], "differ"),
            (["/r", "--port", "70000", "--sandbox-port", "9443"], "--port"),
            (["/r"] + ports + ["--threads", "0"], "--threads"),
            (["/r"] + ports + ["--threads", "x"], "--threads"),
            (["/r"] + ports + ["--threads", "-1"], "--threads"),
            (["/r"] + ports + ["--threads", "99999999999"], "--threads"),
            (["/r"] + ports + ["--workers"], "--workers"),
            (["/r"] + ports + ["--workers", "2", "--workers", "3"], "twice"),
            (["/r"] + ports + ["--query-schedule", "1,,2"], "--query-schedule"),
            (["/r"] + ports + ["--query-schedule", "+5"], "--query-schedule"),
            (["/r"] + ports + ["--webhook-schedule", "0"], "--webhook-schedule"),
            (["/r"] + ports + ["--sandbox-fast-retries", "2"], "--sandbox-fast-retries"),
            (["/r"] + ports + ["--colour", "blue"], "--colour"),
        ]
        for (arguments, expected) in cases {
            let message = refusal(arguments)
            XCTAssertTrue(message?.contains(expected) ?? false, "\(arguments): \(message ?? "accepted")")
        }
    }

    func testTheRootMustBeAbsoluteAndShortEnoughForSockets() {
        XCTAssertThrowsError(try StackLayout(root: "var"))
        XCTAssertThrowsError(try StackLayout(root: "/" + String(repeating: "r", count: 100)))
        XCTAssertEqual(try StackLayout(root: "/srv/paygate/").root, "/srv/paygate")
    }
}
