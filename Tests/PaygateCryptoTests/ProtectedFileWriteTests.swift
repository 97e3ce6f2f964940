import Foundation
import XCTest

@testable import PaygateCrypto

/// The writer beside `ProtectedFile.read`: what it writes, the reader accepts.
final class ProtectedFileWriteTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("paygate-write-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(atPath: directory)
    }

    private func mode(_ path: String) throws -> Int {
        try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    func testPrivateFilesAreOwnerOnlyWhateverTheUmaskAndReadBack() throws {
        let path = directory + "/key"
        let previous = umask(0)
        defer { umask(previous) }
        try ProtectedFile.write(path: path, contents: Secret([1, 2, 3]), access: .ownerOnly)
        XCTAssertEqual(try mode(path), 0o600)
        XCTAssertEqual(try ProtectedFile.read(path: path, access: .ownerOnly, bytesMax: 16).reveal(), [1, 2, 3])
        try ProtectedFile.write(path: directory + "/public", contents: Secret(utf8: "cert"), access: .anyone)
        XCTAssertEqual(try mode(directory + "/public"), 0o644)
    }

    func testReplacesWholeAndLeavesNoTemporaryFile() throws {
        let path = directory + "/file"
        try ProtectedFile.write(path: path, contents: Secret(utf8: "a longer first text"), access: .ownerOnly)
        // A temporary file a crashed run left behind is replaced, not trusted.
        XCTAssertTrue(
            FileManager.default.createFile(atPath: path + ".tmp", contents: Data("stale".utf8), attributes: [.posixPermissions: 0o666]))
        try ProtectedFile.write(path: path, contents: Secret(utf8: "short"), access: .ownerOnly)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "short")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["file"])
    }

    func testAFailureNamesThePath() {
        XCTAssertThrowsError(try ProtectedFile.write(path: directory + "/absent/dir/key", contents: Secret([1]), access: .ownerOnly)) {
            error in
            XCTAssertTrue("\(error)".contains("/absent/dir/key.tmp"), "\(error)")
        }
    }
}
