import Foundation
import XCTest

@testable import PaygateCore

final class AuditConfigurationTests: XCTestCase {
    func testDefaultsAndTheFileRoundTrip() throws {
        let absent = try JSONDecoder().decode(AuditConfiguration.self, from: Data("{}".utf8))
        XCTAssertNil(absent.checkpointFile)
        XCTAssertEqual(absent.checkpointIntervalSeconds, 60)
        XCTAssertEqual(absent.securityFlushSeconds, 10)
        XCTAssertNoThrow(try absent.validate())

        var written = AuditConfiguration()
        written.checkpointFile = "/srv/paygate/audit/checkpoints"
        written.keyFile = "/srv/paygate/secrets/audit.key"
        written.securityFlushSeconds = 2
        let read = try JSONDecoder().decode(AuditConfiguration.self, from: JSONEncoder().encode(written))
        XCTAssertEqual(read.checkpointFile, written.checkpointFile)
        XCTAssertEqual(read.keyFile, written.keyFile)
        XCTAssertEqual(read.securityFlushSeconds, 2)
    }

    func testRefusesHalfAPairRelativePathsAndIntervalsOutOfRange() {
        var configuration = AuditConfiguration()
        configuration.checkpointFile = "/srv/checkpoints"
        XCTAssertThrowsError(try configuration.validate(), "a checkpoint file without its key")
        configuration.keyFile = "secrets/audit.key"
        XCTAssertThrowsError(try configuration.validate(), "a relative path")
        configuration.keyFile = "/srv/audit.key"
        XCTAssertNoThrow(try configuration.validate())
        configuration.securityFlushSeconds = 0
        XCTAssertThrowsError(try configuration.validate())
        configuration.securityFlushSeconds = 10
        configuration.checkpointIntervalSeconds = AuditConfiguration.intervalSecondsMax + 1
        XCTAssertThrowsError(try configuration.validate())
    }
}
