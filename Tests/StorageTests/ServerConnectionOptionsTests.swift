import Foundation
import MariaDB
import PaygateCore
import XCTest

@testable import Storage

/// A server entry becomes Connector/C options: the password from its owner-only file (a trailing
/// newline dropped), TLS when asked for, the role's account when one is configured.
final class ServerConnectionOptionsTests: XCTestCase {
    private func passwordFile(_ text: String, mode: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("paygate-password-\(UUID().uuidString)").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    private func configuration(passwordFile: String?, tls: DatabaseTLS? = nil) -> DatabaseConfiguration {
        var configuration = DatabaseConfiguration(
            servers: [
                .init(name: "s0", socket: nil, host: "db.internal", port: 3307, user: "paygate_app", passwordFile: passwordFile, tls: tls)
            ],
            directory: .init(server: "s0", database: "d"), shards: [.init(name: "shard0", server: "s0", database: "s")],
            slotMap: [.init(first: 0, last: 1023, shard: "shard0")])
        configuration.accounts = DatabaseAccounts(readOnly: .init(user: "paygate_read", passwordFile: passwordFile))
        return configuration
    }

    func testThePasswordComesFromItsFileWithoutTheNewline() throws {
        let path = try passwordFile("0123abcd\n", mode: 0o600)
        let options = try ServerConnectionOptions.make(configuration(passwordFile: path), server: "s0", database: "s")
        XCTAssertEqual(options.password, "0123abcd")
        XCTAssertEqual(options.user, "paygate_app")
        XCTAssertEqual(options.host, "db.internal")
        XCTAssertEqual(options.port, 3307)
        XCTAssertNil(options.tls)
        let reader = try ServerConnectionOptions.make(configuration(passwordFile: path).using(.readOnly), server: "s0", database: "s")
        XCTAssertEqual(reader.user, "paygate_read")
    }

    func testAPasswordFileOthersMayReadIsRefused() throws {
        let path = try passwordFile("0123abcd", mode: 0o640)
        XCTAssertThrowsError(try ServerConnectionOptions.make(configuration(passwordFile: path), server: "s0", database: nil)) {
            XCTAssertTrue("\($0)".contains("chmod 600"), "\($0)")
        }
    }

    func testAnEmptyOrMissingPasswordFileIsRefused() throws {
        let empty = try passwordFile("\n", mode: 0o600)
        XCTAssertThrowsError(try ServerConnectionOptions.make(configuration(passwordFile: empty), server: "s0", database: nil))
        XCTAssertThrowsError(
            try ServerConnectionOptions.make(configuration(passwordFile: empty + ".missing"), server: "s0", database: nil))
    }

    func testTLSSettingsPassThroughWithVerificationOnByDefault() throws {
        let path = try passwordFile("pw", mode: 0o600)
        let options = try ServerConnectionOptions.make(
            configuration(passwordFile: path, tls: DatabaseTLS(caFile: "/etc/paygate/tls/db-ca.pem")), server: "s0", database: nil)
        XCTAssertEqual(
            options.tls,
            ConnectionTLS(caFile: "/etc/paygate/tls/db-ca.pem", certificateFile: nil, keyFile: nil, verifyServerCertificate: true))
    }
}
