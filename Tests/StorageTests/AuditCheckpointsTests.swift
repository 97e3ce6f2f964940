import Foundation
import PaygateCore
import XCTest

@testable import Storage

/// The checkpoint file: signed lines appended, the newest one that checks read back, and a line
/// whose signature does not check reported (README "Audit log").
final class AuditCheckpointsTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "paygate-audit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let key = Data((0..<AuditCheckpoints.keyByteCount).map { UInt8($0) })
        XCTAssertTrue(FileManager.default.createFile(atPath: keyFile, contents: key, attributes: [.posixPermissions: 0o600]))
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(atPath: directory) }

    private var keyFile: String { directory + "/audit.key" }
    private var path: String { directory + "/audit/checkpoints" }

    private func checkpoint(_ sequence: Int64) -> AuditCheckpoint {
        AuditCheckpoint(sequence: sequence, recordHash: String(repeating: "a", count: 64), time: "2026-12-06T10:00:00.000Z")
    }

    func testTheNewestSignedCheckpointIsReadBack() throws {
        let checkpoints = try AuditCheckpoints(path: path, keyFile: keyFile)
        XCTAssertNil(try checkpoints.latest().checkpoint, "no file yet")
        try checkpoints.append(checkpoint(5))
        try checkpoints.append(checkpoint(9))
        try checkpoints.append(checkpoint(7))  // a writer that read the head earlier
        let latest = try checkpoints.latest()
        XCTAssertEqual(latest.checkpoint, checkpoint(9))
        XCTAssertFalse(latest.forged)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
    }

    func testALineWithoutTheKeysSignatureIsForgedAndNotBelieved() throws {
        let checkpoints = try AuditCheckpoints(path: path, keyFile: keyFile)
        try checkpoints.append(checkpoint(3))
        let forged = checkpoint(12).line(signature: String(repeating: "0", count: 64)) + "\n"
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(forged.utf8))
        handle.closeFile()
        let latest = try checkpoints.latest()
        XCTAssertEqual(latest.checkpoint, checkpoint(3))
        XCTAssertTrue(latest.forged)
    }

    func testOnlyTheEndOfALongFileIsRead() throws {
        let checkpoints = try AuditCheckpoints(path: path, keyFile: keyFile)
        // Older lines beyond the tail, one of them forged: neither is looked at.
        var text = checkpoint(1_000_000).line(signature: "00") + "\n"
        for sequence in 1...4_000 {
            let line = checkpoint(Int64(sequence))
            text += line.line(signature: checkpoints.signature(line)) + "\n"
        }
        XCTAssertGreaterThan(text.utf8.count, AuditCheckpoints.tailBytesMax)
        try FileManager.default.createDirectory(atPath: directory + "/audit", withIntermediateDirectories: false)
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
        let latest = try checkpoints.latest()
        XCTAssertEqual(latest.checkpoint, checkpoint(4_000))
        XCTAssertFalse(latest.forged)
    }

    func testAKeyOthersCanReadIsRefused() throws {
        XCTAssertNoThrow(try AuditCheckpoints(path: path, keyFile: keyFile))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyFile)
        XCTAssertThrowsError(try AuditCheckpoints(path: path, keyFile: keyFile))
    }
}
