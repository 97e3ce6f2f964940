import HTTPClient
import XCTest

final class DestinationPolicyTests: XCTestCase {
    static let refused = [
        "127.0.0.1", "127.255.255.254", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255",
        "192.168.0.1", "169.254.169.254", "0.0.0.0", "0.1.2.3", "100.64.0.1", "224.0.0.1",
        "255.255.255.255", "198.18.0.1", "192.0.2.1",
        "::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1", "ff02::1", "2001:db8::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:0.0.0.0", "::7f00:1",
        "64:ff9b::a00:1", "2002:7f00:1::1", "2002:c0a8:101::1",
    ]
    static let allowed = [
        "8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "192.169.0.1", "100.128.0.1", "223.255.255.255",
        "2001:4860:4860::8888", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
    ]

    func testPublicOnlyRefusesEveryInternalRange() throws {
        for text in DestinationPolicyTests.refused {
            let address = try XCTUnwrap(IPAddress(text), text)
            XCTAssertFalse(DestinationPolicy.publicOnly.allows(address), text)
            XCTAssertTrue(DestinationPolicy.any.allows(address), text)
        }
    }

    func testPublicOnlyAllowsPublicAddresses() throws {
        for text in DestinationPolicyTests.allowed {
            let address = try XCTUnwrap(IPAddress(text), text)
            XCTAssertTrue(DestinationPolicy.publicOnly.allows(address), text)
        }
    }

    func testNonAddressesDoNotParse() {
        for text in ["", "localhost", "1.2.3", "256.0.0.1", "fe80::1%eth0", "::g"] {
            XCTAssertNil(IPAddress(text), text)
        }
        XCTAssertEqual(IPAddress("10.1.2.3")?.description, "10.1.2.3")
    }

    /// Checked on the address connected to, after resolution: a literal loopback address and a
    /// name that resolves to one are refused alike, before any TCP connection is opened.
    func testPublicOnlyRefusesLoopbackAtConnectTime() throws {
        let servers = try TestServers.get()
        let counter = servers.client()
        let acceptedBefore = try acceptedConnections(servers, counter)
        let strict = servers.client(destinationPolicy: .publicOnly)
        for host in ["127.0.0.1", "localhost"] {
            let error = try strict.send(OutboundRequest(method: "POST", url: servers.url("/echo", host: host), body: [1]))
                .failure()
            XCTAssertEqual(error.code, .destinationRefused, "\(host): \(error)")
            XCTAssertTrue(error.requestDefinitelyNotSent, host)
        }
        // The counting client reuses its one connection, so any new accept came from `strict`.
        XCTAssertEqual(try acceptedConnections(servers, counter), acceptedBefore)
    }

    func testAnyAllowsLoopback() throws {
        let servers = try TestServers.get()
        let client = servers.client(destinationPolicy: .any)
        for host in ["127.0.0.1", "localhost"] {
            let response = client.send(OutboundRequest(method: "GET", url: servers.url("/echo", host: host)))
            XCTAssertEqual(try response.response().status, 200, host)
        }
    }

    func testLoopbackOnlyAllowsLoopbackAlone() throws {
        let loopback = ["127.0.0.1", "127.255.255.254", "::1", "::ffff:127.0.0.1"]
        for text in loopback {
            let address = try XCTUnwrap(IPAddress(text), text)
            XCTAssertTrue(address.isLoopback, text)
            XCTAssertTrue(DestinationPolicy.loopbackOnly.allows(address), text)
        }
        // Every other internal range the production policy refuses is refused here too, and so is
        // every public address: local mode delivers to this host only (docs/API.md section 8).
        let others = Set(DestinationPolicyTests.refused).subtracting(loopback).union(DestinationPolicyTests.allowed)
        for text in others.sorted() {
            let address = try XCTUnwrap(IPAddress(text), text)
            XCTAssertFalse(DestinationPolicy.loopbackOnly.allows(address), text)
        }
        XCTAssertFalse(try XCTUnwrap(IPAddress("::2")).isLoopback)
        XCTAssertFalse(try XCTUnwrap(IPAddress("128.0.0.1")).isLoopback)
        XCTAssertFalse(try XCTUnwrap(IPAddress("::ffff:10.0.0.1")).isLoopback)
    }

    func testLoopbackOnlyConnectsToLoopback() throws {
        let servers = try TestServers.get()
        let client = servers.client(destinationPolicy: .loopbackOnly)
        for host in ["127.0.0.1", "localhost"] {
            let response = client.send(OutboundRequest(method: "GET", url: servers.url("/echo", host: host)))
            XCTAssertEqual(try response.response().status, 200, host)
        }
    }

    private func acceptedConnections(_ servers: TestServers, _ client: HTTPClient) throws -> Int {
        let body = try client.send(OutboundRequest(method: "GET", url: servers.url("/accepted"))).response().body
        return try XCTUnwrap(Int(String(decoding: body, as: UTF8.self)))
    }
}
