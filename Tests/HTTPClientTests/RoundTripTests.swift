import HTTPClient
import XCTest

/// Requests that succeed: what goes out arrives, what comes back is complete, and the connection
/// is kept for the next request.
final class RoundTripTests: XCTestCase {
    func testGetSendsHeadersAndReturnsLowerCasedResponseHeaders() throws {
        let servers = try TestServers.get()
        let client = servers.client()
        let response = try client.send(
            OutboundRequest(
                method: "GET", url: servers.url("/echo?a=1"), headers: [("X-Request-Id", "req-42")])
        ).response()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("x-echo"), "yes")
        XCTAssertEqual(response.header("content-type"), "application/json")
        XCTAssertTrue(response.headers.allSatisfy { $0.0 == $0.0.lowercased() }, "\(response.headers)")
        let echo = try response.echo()
        XCTAssertEqual(echo["method"] as? String, "GET")
        XCTAssertEqual(echo["path"] as? String, "/echo?a=1")
        let sent = echo["headers"] as? [[String]] ?? []
        XCTAssertTrue(sent.contains(["X-Request-Id", "req-42"]), "\(sent)")
        XCTAssertFalse(sent.contains { $0.first?.lowercased() == "expect" }, "no 100-continue wait")
    }

    func testPostSendsEveryBodyByte() throws {
        let servers = try TestServers.get()
        let body = (0...255).map { UInt8($0) } + Array("{\"amount\":100}".utf8)
        let response = try servers.client().send(
            OutboundRequest(
                method: "POST", url: servers.url("/echo"), headers: [("Content-Type", "application/json")],
                body: body)
        ).response()
        XCTAssertEqual(response.status, 200)
        let echo = try response.echo()
        XCTAssertEqual(echo["method"] as? String, "POST")
        XCTAssertEqual(echo["body_hex"] as? String, body.map { String(format: "%02x", $0) }.joined())
        let sent = echo["headers"] as? [[String]] ?? []
        XCTAssertTrue(sent.contains(["Content-Type", "application/json"]), "\(sent)")
    }

    func testOtherMethodsAndEmptyHeaderValues() throws {
        let servers = try TestServers.get()
        let client = servers.client()
        let put = try client.send(
            OutboundRequest(
                method: "PUT", url: servers.url("/echo"), headers: [("X-Empty", "")], body: Array("x".utf8))
        ).response()
        XCTAssertEqual(try put.echo()["method"] as? String, "PUT")
        XCTAssertTrue((try put.echo()["headers"] as? [[String]] ?? []).contains(["X-Empty", ""]))
        let delete = try client.send(OutboundRequest(method: "DELETE", url: servers.url("/echo"))).response()
        XCTAssertEqual(try delete.echo()["method"] as? String, "DELETE")
        let postWithoutBody = try client.send(OutboundRequest(method: "POST", url: servers.url("/echo"))).response()
        XCTAssertEqual(try postWithoutBody.echo()["method"] as? String, "POST")
        XCTAssertEqual(try postWithoutBody.echo()["body_hex"] as? String, "")
    }

    func testErrorStatusIsAResponseNotAFailure() throws {
        let servers = try TestServers.get()
        let client = servers.client()
        XCTAssertEqual(try client.send(OutboundRequest(method: "GET", url: servers.url("/status/500"))).response().status, 500)
        XCTAssertEqual(try client.send(OutboundRequest(method: "GET", url: servers.url("/status/200"))).response().status, 200)
        let notFound = try client.send(OutboundRequest(method: "POST", url: servers.url("/status/404"))).response()
        XCTAssertEqual(notFound.status, 404)
        XCTAssertEqual(notFound.body, Array("status".utf8))
    }

    /// One client, several requests: the server sees them all on one TCP connection (one client
    /// port), while a second client opens its own.
    func testConnectionIsReusedAcrossRequestsOfOneClient() throws {
        let servers = try TestServers.get()
        let client = servers.client()
        var ports: [Int] = []
        for method in ["GET", "POST", "GET"] {
            let echo = try client.send(OutboundRequest(method: method, url: servers.url("/echo"), body: [])).response().echo()
            ports.append(try XCTUnwrap(echo["client_port"] as? Int))
        }
        XCTAssertEqual(Set(ports).count, 1, "one connection expected, ports \(ports)")
        // An error status does not cost the connection either.
        XCTAssertEqual(try client.send(OutboundRequest(method: "GET", url: servers.url("/status/500"))).response().status, 500)
        let after = try client.send(OutboundRequest(method: "GET", url: servers.url("/echo"))).response().echo()
        XCTAssertEqual(after["client_port"] as? Int, ports[0])

        let other = try servers.client().send(OutboundRequest(method: "GET", url: servers.url("/echo"))).response().echo()
        XCTAssertNotEqual(other["client_port"] as? Int, ports[0])
    }

    func testResponseAtTheBodyLimitIsAccepted() throws {
        let servers = try TestServers.get()
        let response = try servers.client(responseBodyBytesMax: 1_000)
            .send(OutboundRequest(method: "GET", url: servers.url("/big/1000"))).response()
        XCTAssertEqual(response.body.count, 1_000)
    }

    func testPlainHTTPOnlyWhenTheConfigurationAllowsIt() throws {
        let servers = try TestServers.get()
        let plainURL = "http://127.0.0.1:\(servers.httpPort)/echo"
        let refused = try servers.client().send(OutboundRequest(method: "GET", url: plainURL)).failure()
        XCTAssertEqual(refused.code, .destinationRefused)
        XCTAssertTrue(refused.requestDefinitelyNotSent)
        let allowed = servers.client(allowsPlainHTTP: true).send(OutboundRequest(method: "GET", url: plainURL))
        XCTAssertEqual(try allowed.response().status, 200)
        let otherScheme = try servers.client(allowsPlainHTTP: true)
            .send(OutboundRequest(method: "GET", url: "ftp://127.0.0.1:\(servers.httpPort)/")).failure()
        XCTAssertEqual(otherScheme.code, .destinationRefused)
    }
}
