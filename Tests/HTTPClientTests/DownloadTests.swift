import Foundation
import HTTPClient
import XCTest

/// `download(_:toFile:bodyBytesMax:)`: the body goes to a 0600 file as it arrives, past the
/// client's in-memory limit, and a refused or failed download leaves no file.
final class DownloadTests: XCTestCase {
    func path() -> String {
        let path = NSTemporaryDirectory() + "download-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testBodyLargerThanTheMemoryLimitIsWrittenOwnerOnly() throws {
        let servers = try TestServers.get()
        let client = servers.client(responseBodyBytesMax: 1_000)
        let target = path()
        _ = FileManager.default.createFile(atPath: target, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644])
        guard
            case .saved(let status, _, let byteCount, _) = client.download(
                OutboundRequest(method: "GET", url: servers.url("/stream/300000")), toFile: target, bodyBytesMax: 1 << 20)
        else { return XCTFail("download failed") }
        XCTAssertEqual(status, 200)
        XCTAssertEqual(byteCount, 300_000)
        let contents = try Data(contentsOf: URL(fileURLWithPath: target))
        XCTAssertEqual(contents, Data(repeating: UInt8(ascii: "s"), count: 300_000))
        let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        // The same client still keeps small bodies in memory as before.
        XCTAssertEqual(try client.send(OutboundRequest(method: "GET", url: servers.url("/big/900"))).response().body.count, 900)
    }

    func testOverTheLimitFailsAndRemovesTheFile() throws {
        let servers = try TestServers.get()
        let target = path()
        for url in [servers.url("/stream/5000"), servers.url("/big/5000")] {
            guard
                case .failure(let error) = servers.client().download(
                    OutboundRequest(method: "GET", url: url), toFile: target, bodyBytesMax: 4_096)
            else { return XCTFail("\(url) was saved past its limit") }
            XCTAssertEqual(error.code, .responseTooLarge)
            XCTAssertFalse(FileManager.default.fileExists(atPath: target))
        }
    }

    func testAnUnwritablePathIsRefusedBeforeSending() throws {
        let servers = try TestServers.get()
        guard
            case .failure(let error) = servers.client().download(
                OutboundRequest(method: "GET", url: servers.url("/big/10")), toFile: "/nonexistent-dir/file", bodyBytesMax: 100)
        else { return XCTFail("saved into a missing directory") }
        XCTAssertTrue(error.requestDefinitelyNotSent)
    }
}
