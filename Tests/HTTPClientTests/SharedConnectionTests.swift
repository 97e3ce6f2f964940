import HTTPClient
import XCTest

/// Connections and TLS sessions reused across the threads of a process through an
/// `HTTPClientShare`, each thread with its own client as in the pool. The test server numbers its
/// connections and says whether a handshake resumed a session; every test makes a share of its
/// own, so nothing carries over between tests.
final class SharedConnectionTests: XCTestCase {
    /// Two threads taking turns: with one share the second thread's request rides the connection
    /// the first one opened, and so on for every turn.
    func testTwoThreadsWithOneShareUseOneConnection() throws {
        let servers = try TestServers.get()
        let share = HTTPClientShare(configuration: servers.configuration())
        let seen = try takeTurns(servers: servers, share: share)
        XCTAssertEqual(Set(seen.map(\.number)).count, 1, "one connection expected: \(seen)")
        XCTAssertEqual(share.idleHandleCount, 1)
    }

    /// The control: without a share each thread's client opens and keeps its own connection.
    func testTwoThreadsWithoutShareUseTwoConnections() throws {
        let servers = try TestServers.get()
        let seen = try takeTurns(servers: servers, share: nil)
        XCTAssertEqual(Set(seen.map(\.number)).count, 2, "one connection per thread expected: \(seen)")
        let firstThread = stride(from: 0, to: seen.count, by: 2).map { seen[$0].number }
        XCTAssertEqual(Set(firstThread).count, 1, "each client keeps its own connection: \(seen)")
    }

    func testConcurrentThreadsOpenAtMostOneConnectionEach() throws {
        let servers = try TestServers.get()
        let share = HTTPClientShare(configuration: servers.configuration())
        let threadCount = 8
        let requestCount = 20
        let threads = (0..<threadCount).map { _ in ClientThread(configuration: servers.configuration(), share: share) }
        defer { threads.forEach { $0.stop() } }
        let url = servers.url("/echo")
        let pending = threads.map { thread in
            thread.submit { client in try (0..<requestCount).map { _ in try client.connectionSeen(url) } }
        }
        let seen = try pending.flatMap { try $0.get() }
        XCTAssertEqual(seen.count, threadCount * requestCount)
        let connections = Set(seen.map(\.number))
        XCTAssertLessThanOrEqual(connections.count, threadCount, "\(connections.count) connections")
        XCTAssertLessThanOrEqual(share.idleHandleCount, threadCount)
    }

    /// The first thread's connection ends after its answer; the second thread's request then needs
    /// a new connection, and its handshake resumes the session the first one got.
    func testNewConnectionOnAnotherThreadResumesTheTLSSession() throws {
        let servers = try TestServers.get()
        let share = HTTPClientShare(configuration: servers.configuration())
        let (first, second) = try connectTwice(servers: servers, share: share)
        XCTAssertFalse(first.sessionReused, "a fresh share has no session to resume")
        XCTAssertNotEqual(first.number, second.number, "the server closed the first connection")
        XCTAssertTrue(second.sessionReused, "the second connection should resume the first one's TLS session")
    }

    /// The control: two clients without a share each make a full handshake.
    func testWithoutShareAnotherThreadMakesAFullHandshake() throws {
        let servers = try TestServers.get()
        let (first, second) = try connectTwice(servers: servers, share: nil)
        XCTAssertNotEqual(first.number, second.number)
        XCTAssertFalse(second.sessionReused)
    }

    /// Two idle handles, one holding a connection to https://localhost, given back before the one
    /// holding https://127.0.0.1: a request to localhost takes the handle with that connection,
    /// not simply the handle given back last.
    func testHandleIsChosenByTheOriginOfItsConnections() throws {
        let servers = try TestServers.get()
        let share = HTTPClientShare(configuration: servers.configuration())
        let threads = (0..<2).map { _ in ClientThread(configuration: servers.configuration(), share: share) }
        defer { threads.forEach { $0.stop() } }
        let slowURL = servers.url("/sleep/400")
        let slow = threads[0].submit { client in try client.send(OutboundRequest(method: "GET", url: slowURL)).response().status }
        let localhostURL = servers.url("/echo", host: "localhost")
        let localhost = try threads[1].run { try $0.connectionSeen(localhostURL) }
        XCTAssertEqual(try slow.get(), 200)
        XCTAssertEqual(share.idleHandleCount, 2)
        let again = try threads[0].run { try $0.connectionSeen(localhostURL) }
        XCTAssertEqual(again.number, localhost.number, "the handle with the localhost connection should be chosen")
    }

    /// Four overlapping sends need four handles; only `idleHandleCountMax` of them stay.
    func testIdleHandlesBeyondTheLimitAreClosed() throws {
        let servers = try TestServers.get()
        let share = HTTPClientShare(configuration: servers.configuration(), idleHandleCountMax: 2)
        XCTAssertEqual(share.idleConnectionCountMax, 2 * 4)
        let threads = (0..<4).map { _ in ClientThread(configuration: servers.configuration(), share: share) }
        defer { threads.forEach { $0.stop() } }
        let url = servers.url("/sleep/300")
        let pending = threads.map { thread in
            thread.submit { client in try client.send(OutboundRequest(method: "GET", url: url)).response().status }
        }
        XCTAssertEqual(try pending.map { try $0.get() }, [200, 200, 200, 200])
        XCTAssertEqual(share.idleHandleCount, 2)
        // The handles that stayed still work.
        let echoURL = servers.url("/echo")
        XCTAssertNoThrow(try threads[0].run { try $0.connectionSeen(echoURL) })
    }

    /// Two client threads, alternating three times: the connections each request arrived on.
    private func takeTurns(servers: TestServers, share: HTTPClientShare?) throws -> [ConnectionSeen] {
        let threads = (0..<2).map { _ in ClientThread(configuration: servers.configuration(), share: share) }
        defer { threads.forEach { $0.stop() } }
        let url = servers.url("/echo")
        var seen: [ConnectionSeen] = []
        for _ in 0..<3 {
            for thread in threads {
                seen.append(try thread.run { try $0.connectionSeen(url) })
            }
        }
        return seen
    }

    /// A request whose connection the server closes, from one thread, then a request from another.
    private func connectTwice(servers: TestServers, share: HTTPClientShare?) throws -> (ConnectionSeen, ConnectionSeen) {
        let threads = (0..<2).map { _ in ClientThread(configuration: servers.configuration(), share: share) }
        defer { threads.forEach { $0.stop() } }
        let closingURL = servers.url("/echo?close=1")
        let url = servers.url("/echo")
        let first = try threads[0].run { try $0.connectionSeen(closingURL) }
        let second = try threads[1].run { try $0.connectionSeen(url) }
        return (first, second)
    }
}
