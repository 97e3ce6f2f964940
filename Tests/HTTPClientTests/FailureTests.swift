import Foundation
import HTTPClient
import XCTest

/// Requests that fail: each gets its code and the right answer to "could the peer have acted on it?"
final class FailureTests: XCTestCase {
    func testCertificateFromAnotherCAIsATLSFailureAndNotSent() throws {
        let servers = try TestServers.get()
        let error = try servers.client(caFile: servers.otherCAFile)
            .send(OutboundRequest(method: "POST", url: servers.url("/echo"), body: [1, 2, 3])).failure()
        XCTAssertEqual(error.code, .tlsFailure, "\(error)")
        XCTAssertTrue(error.requestDefinitelyNotSent)
    }

    func testMissingCAFileIsATLSFailure() throws {
        let servers = try TestServers.get()
        let error = try servers.client(caFile: servers.directory + "/absent.pem")
            .send(OutboundRequest(method: "GET", url: servers.url("/echo"))).failure()
        XCTAssertEqual(error.code, .tlsFailure, "\(error)")
        XCTAssertTrue(error.requestDefinitelyNotSent)
    }

    func testClosedPortIsAConnectionFailureAndNotSent() throws {
        let servers = try TestServers.get()
        let port = try closedPort()
        let error = try servers.client()
            .send(OutboundRequest(method: "POST", url: "https://127.0.0.1:\(port)/pay", body: [1])).failure()
        XCTAssertEqual(error.code, .connectionFailed, "\(error)")
        XCTAssertTrue(error.requestDefinitelyNotSent)
    }

    /// The TCP connect succeeds but the TLS handshake never completes: the connect timeout covers
    /// the handshake, and nothing was sent.
    func testSilentPeerIsAConnectTimeoutAndNotSent() throws {
        let servers = try TestServers.get()
        let error = try servers.client(connectTimeoutMilliseconds: 300, totalTimeoutMilliseconds: 5_000)
            .send(OutboundRequest(method: "GET", url: "https://127.0.0.1:\(servers.silentPort)/")).failure()
        XCTAssertEqual(error.code, .connectTimeout, "\(error)")
        XCTAssertTrue(error.requestDefinitelyNotSent)
    }

    /// The server got the request and is still working on it: the payment code must treat this
    /// as "maybe processed" (a prepay may exist at the channel).
    func testSlowPeerIsATimeoutThatMayHaveBeenProcessed() throws {
        let servers = try TestServers.get()
        let client = servers.client(connectTimeoutMilliseconds: 300, totalTimeoutMilliseconds: 400)
        let error = try client.send(OutboundRequest(method: "POST", url: servers.url("/sleep/5000"), body: [7])).failure()
        XCTAssertEqual(error.code, .timeout, "\(error)")
        XCTAssertFalse(error.requestDefinitelyNotSent)
        // The handle is reset per request: the same client works afterwards.
        XCTAssertEqual(try client.send(OutboundRequest(method: "GET", url: servers.url("/status/200"))).response().status, 200)
    }

    func testPerRequestTimeoutOverridesTheConfiguration() throws {
        let servers = try TestServers.get()
        let client = servers.client(totalTimeoutMilliseconds: 20_000)
        let error = try client.send(
            OutboundRequest(
                method: "GET", url: servers.url("/sleep/5000"), totalTimeoutMilliseconds: 400)
        ).failure()
        XCTAssertEqual(error.code, .timeout, "\(error)")
        XCTAssertFalse(error.requestDefinitelyNotSent)
    }

    func testAnnouncedBodyOverTheLimitIsRefused() throws {
        let servers = try TestServers.get()
        let error = try servers.client(responseBodyBytesMax: 1_000)
            .send(OutboundRequest(method: "GET", url: servers.url("/big/1001"))).failure()
        XCTAssertEqual(error.code, .responseTooLarge, "\(error)")
        XCTAssertFalse(error.requestDefinitelyNotSent)
    }

    func testStreamedBodyOverTheLimitIsCutOff() throws {
        let servers = try TestServers.get()
        let client = servers.client(responseBodyBytesMax: 1_000)
        let error = try client.send(OutboundRequest(method: "GET", url: servers.url("/stream/100000"))).failure()
        XCTAssertEqual(error.code, .responseTooLarge, "\(error)")
        let small = try client.send(OutboundRequest(method: "GET", url: servers.url("/stream/999"))).response()
        XCTAssertEqual(small.body, Array(repeating: UInt8(ascii: "s"), count: 999))
    }

    func testHeaderInjectionIsRefusedBeforeSending() throws {
        let servers = try TestServers.get()
        let client = servers.client()
        let injected = try client.send(
            OutboundRequest(
                method: "GET", url: servers.url("/echo"), headers: [("X-Note", "a\r\nX-Admin: 1")])
        ).failure()
        XCTAssertEqual(injected.code, .invalidRequest)
        XCTAssertTrue(injected.requestDefinitelyNotSent)
        let badName = try client.send(
            OutboundRequest(
                method: "GET", url: servers.url("/echo"), headers: [("X Note", "a")])
        ).failure()
        XCTAssertEqual(badName.code, .invalidRequest)
        let badMethod = try client.send(OutboundRequest(method: "GET /x HTTP/1.1\r\n", url: servers.url("/echo"))).failure()
        XCTAssertEqual(badMethod.code, .invalidRequest)
    }

    func testErrorMessagesCarryNoRequestSecrets() throws {
        let servers = try TestServers.get()
        let secretHeader = "Bearer sk_test_header_secret"
        let secretBody = Array("card=4111111111111111&secret=body_secret".utf8)
        let failingURLs = [
            "https://127.0.0.1:\(try closedPort())/pay", servers.url("/sleep/5000"),
            "https://127.0.0.1:\(servers.silentPort)/pay",
        ]
        for url in failingURLs {
            let error = try servers.client(connectTimeoutMilliseconds: 300, totalTimeoutMilliseconds: 400)
                .send(
                    OutboundRequest(
                        method: "POST", url: url, headers: [("Authorization", secretHeader)],
                        body: secretBody)
                ).failure()
            XCTAssertFalse(error.message.isEmpty)
            for secret in ["sk_test_header_secret", "4111111111111111", "body_secret"] {
                XCTAssertFalse("\(error)".contains(secret), "\(url): \(error)")
            }
        }
    }

    /// A port nobody listens on: bound by us, then released.
    private func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw UnexpectedResult(description: "could not bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
