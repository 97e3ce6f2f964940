import Foundation
import XCTest

@testable import Sandbox

final class ConfigurationFileTests: XCTestCase {
    func testRetryDurations() {
        XCTAssertEqual(SandboxConfigurationFile.milliseconds("250ms"), 250)
        XCTAssertEqual(SandboxConfigurationFile.milliseconds("15s"), 15_000)
        XCTAssertEqual(SandboxConfigurationFile.milliseconds("4m"), 240_000)
        XCTAssertEqual(SandboxConfigurationFile.milliseconds("15h"), 54_000_000)
        for bad in ["", "m", "1.5s", "-1s", "10", "1d", " 1s"] { XCTAssertNil(SandboxConfigurationFile.milliseconds(bad), bad) }
    }

    func testFileDecodesAndMissingPartsAreNamed() throws {
        let json = #"{"listen_socket": "/tmp/x.sock", "public_base_url": "https://127.0.0.1:9443", "channels": {}}"#
        let file = try JSONDecoder().decode(SandboxConfigurationFile.self, from: Data(json.utf8))
        XCTAssertEqual(file.threadCount, SandboxConfigurationFile.threadsDefault)
        XCTAssertEqual(file.callbackSenderCount, CallbackDispatcher.senderCountDefault)
        XCTAssertThrowsError(try file.sandboxConfiguration()) { error in
            XCTAssertTrue("\(error)".contains("apiv3_key_file"), "\(error)")
        }
    }

    func testThreadAndSenderCountsAreReadAndOutOfRangeRefused() throws {
        func file(_ members: String) throws -> SandboxConfigurationFile {
            let json = #"{"listen_socket": "/tmp/x.sock", "public_base_url": "https://127.0.0.1:9443", "channels": {}, "# + members + "}"
            return try JSONDecoder().decode(SandboxConfigurationFile.self, from: Data(json.utf8))
        }
        let read = try file(#""threads": 4096, "callback_senders": 32"#)
        XCTAssertEqual(read.threadCount, SandboxConfigurationFile.threadsMax)
        XCTAssertEqual(read.callbackSenderCount, 32)
        // The limits are checked before any key file is read, so they are named first.
        for (members, named) in [
            (#""threads": 4097"#, "threads"), (#""callback_senders": 0"#, "callback_senders"),
            (#""callback_senders": 257"#, "callback_senders"),
        ] {
            XCTAssertThrowsError(try file(members).sandboxConfiguration(), members) { error in
                XCTAssertTrue("\(error)".hasPrefix(named), "\(error)")
            }
        }
    }
}
