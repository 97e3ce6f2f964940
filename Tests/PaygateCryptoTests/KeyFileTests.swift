import Foundation
import XCTest

@testable import PaygateCrypto

final class KeyFileTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("paygate-crypto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    private func writeKeyFile(_ bytes: [UInt8], mode: Int) throws -> String {
        let path = directory.appendingPathComponent("master.key").path
        try? FileManager.default.removeItem(atPath: path)
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    private func loadError(_ path: String) -> CryptoError? {
        do {
            _ = try SecretBox.loadKey(path: path)
            return nil
        } catch {
            return error
        }
    }

    func testAcceptsOwnerOnlyFile() throws {
        let key = try SecureRandom.bytes(32)
        XCTAssertEqual(try SecretBox.loadKey(path: writeKeyFile(key, mode: 0o600)), key)
        XCTAssertEqual(try SecretBox.loadKey(path: writeKeyFile(key, mode: 0o400)), key)
    }

    func testRefusesFileReadableByOthers() throws {
        for mode in [0o644, 0o640, 0o604, 0o660, 0o601] {
            let path = try writeKeyFile(try SecureRandom.bytes(32), mode: mode)
            let error = loadError(path)
            XCTAssertEqual(error?.code, .keyFilePermissionsTooOpen, "mode \(String(mode, radix: 8))")
            XCTAssertTrue(error?.message.contains("0\(String(mode, radix: 8))") ?? false, error?.message ?? "")
        }
    }

    func testRefusesWrongLength() throws {
        for length in [0, 31, 33, 64] {
            let path = try writeKeyFile([UInt8](repeating: 0x41, count: length), mode: 0o600)
            let error = loadError(path)
            XCTAssertEqual(error?.code, .keyFileLengthInvalid, "length \(length)")
            XCTAssertFalse(error?.message.contains("AAAA") ?? true)
        }
    }

    func testRefusesMissingFileAndDirectory() throws {
        XCTAssertEqual(loadError(directory.appendingPathComponent("absent.key").path)?.code, .keyFileUnreadable)
        XCTAssertEqual(loadError(directory.path)?.code, .keyFileUnreadable)
    }
}
