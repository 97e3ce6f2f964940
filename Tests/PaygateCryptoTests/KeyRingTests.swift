import Foundation
import PaygateCore
import XCTest

@testable import PaygateCrypto

final class KeyRingTests: XCTestCase {
    private var root: String!
    private let firstKey = (0..<32).map { UInt8($0) }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("paygate-ring-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/keys", withIntermediateDirectories: true)
        try ProtectedFile.write(path: root + "/master.key", contents: Secret(firstKey), access: .ownerOnly)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(atPath: root)
    }

    private var location: KeyRingLocation { KeyRingLocation(firstKeyFile: root + "/master.key", directory: root + "/keys") }

    func testFixedRingSealsUnderTheHighestIdAndOpensEveryKey() throws {
        let older = try SecretBox(key: firstKey, keyId: 0).seal(Array("old".utf8), associatedData: [1])
        let ring = try KeyRing(keys: [0: firstKey, 3: try SecureRandom.bytes(32)])
        XCTAssertEqual(ring.currentKeyId, 3)
        XCTAssertEqual(ring.keyIds, [0, 3])
        let newer = try ring.seal(Array("new".utf8), associatedData: [1])
        XCTAssertEqual(SecretBox.keyId(of: newer), 3)
        XCTAssertTrue(ring.isSealedUnderCurrentKey(newer))
        XCTAssertFalse(ring.isSealedUnderCurrentKey(older))
        XCTAssertEqual(try ring.open(older, associatedData: [1]), Array("old".utf8))
        XCTAssertEqual(try ring.open(newer, associatedData: [1]), Array("new".utf8))
        XCTAssertThrowsError(try KeyRing(keys: [:]).seal([1])) { XCTAssertEqual(($0 as? CryptoError)?.code, .keyRingInvalid) }
    }

    func testUnknownKeyIdIsRefused() throws {
        let sealed = try SecretBox(key: firstKey, keyId: 9).seal([1, 2])
        XCTAssertThrowsError(try KeyRing(keys: [0: firstKey]).open(sealed)) { XCTAssertEqual(($0 as? CryptoError)?.code, .keyIdUnknown) }
    }

    func testLegacyValuesOpenAsTheFirstKey() throws {
        let box = try SecretBox(key: firstKey)
        let legacy = try XCTUnwrap(Hex.decode("01000102030405060708090a0bf4c2db1dc38805a37b92171c5d0a81cc"))
        let ring = try KeyRing(location: location)
        XCTAssertEqual(ring.currentKeyId, 0)
        XCTAssertEqual(try ring.open(legacy), [])
        XCTAssertEqual(try box.open(ring.seal([5])), [5])
    }

    func testAddedKeyBecomesCurrentAndRetiredKeyLeaves() throws {
        let ring = try KeyRing(location: location)
        let before = try ring.seal(Array("payer".utf8), associatedData: [7])
        XCTAssertEqual(try location.addKey(), 1)
        XCTAssertEqual(try location.addKey(), 2)
        try ring.reload()
        XCTAssertEqual(ring.currentKeyId, 2)
        XCTAssertEqual(try location.presentKeyIds(), [0, 1, 2])
        let after = try ring.seal(Array("payer".utf8), associatedData: [7])
        XCTAssertEqual(SecretBox.keyId(of: after), 2)
        try location.retire(0)
        try location.retire(1)
        XCTAssertEqual(try location.presentKeyIds(), [2])
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/master.key.retired"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/keys/retired/master-1.key"))
        try ring.reload()
        XCTAssertEqual(ring.keyIds, [2])
        XCTAssertEqual(try ring.open(after, associatedData: [7]), Array("payer".utf8))
        XCTAssertThrowsError(try ring.open(before, associatedData: [7])) { XCTAssertEqual(($0 as? CryptoError)?.code, .keyIdUnknown) }
        // A fresh process reads the ring without the first key's file.
        XCTAssertEqual(try KeyRing(location: location).keyIds, [2])
    }

    func testAnotherProcessesNewKeyIsReadWhenMet() throws {
        let ring = try KeyRing(location: location)
        let id = try location.addKey()
        let sealedElsewhere = try KeyRing(location: location).seal([42])
        XCTAssertEqual(SecretBox.keyId(of: sealedElsewhere), id)
        XCTAssertEqual(try ring.open(sealedElsewhere), [42])
    }

    func testBadlyNamedOrOpenKeyFilesRefuseTheRing() throws {
        XCTAssertTrue(FileManager.default.createFile(atPath: root + "/keys/master-01.key", contents: Data(count: 32)))
        XCTAssertThrowsError(try KeyRing(location: location)) { XCTAssertEqual(($0 as? CryptoError)?.code, .keyRingInvalid) }
        try FileManager.default.removeItem(atPath: root + "/keys/master-01.key")
        XCTAssertTrue(FileManager.default.createFile(atPath: root + "/keys/master-4.key", contents: Data(count: 32)))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: root + "/keys/master-4.key")
        XCTAssertThrowsError(try KeyRing(location: location)) {
            XCTAssertEqual(($0 as? CryptoError)?.code, .keyFilePermissionsTooOpen)
        }
    }

    /// A key written by root for a stack run by a service user goes to the directory's owner.
    func testAddedKeyKeepsTheDirectorysOwner() throws {
        let directory = try XCTUnwrap(location.directory)
        let before = try XCTUnwrap(ProtectedFile.owner(of: directory))
        let someoneElse = ProtectedFile.Owner(user: before.user == 65534 ? 65533 : 65534, group: 65534)
        try ProtectedFile.give(directory, to: someoneElse)
        let id = try location.addKey()
        let expected = geteuid() == 0 ? someoneElse : before
        XCTAssertEqual(ProtectedFile.owner(of: try XCTUnwrap(location.path(of: id))), expected)
        try ProtectedFile.give(directory, to: nil)
        XCTAssertEqual(ProtectedFile.owner(of: directory), expected)
    }

    func testWithoutDirectoryTheKeyCannotRotate() throws {
        let single = KeyRingLocation(firstKeyFile: root + "/master.key", directory: nil)
        XCTAssertEqual(try KeyRing(location: single).keyIds, [0])
        XCTAssertThrowsError(try single.addKey()) { XCTAssertEqual(($0 as? CryptoError)?.code, .keyRingInvalid) }
    }
}

final class SealedKeyFileTests: XCTestCase {
    func testSealsOpensAndPassesPlainFilesThrough() throws {
        let ring = try KeyRing(keys: [0: [UInt8](repeating: 3, count: 32), 2: [UInt8](repeating: 4, count: 32)])
        let pem = Secret(utf8: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n")
        let sealed = try SealedKeyFile.seal(pem, keys: ring)
        XCTAssertTrue(SealedKeyFile.isSealed(sealed))
        XCTAssertEqual(SealedKeyFile.keyId(of: sealed), 2)
        XCTAssertEqual(sealed.reveal().last, UInt8(ascii: "\n"))
        XCTAssertFalse(String(decoding: sealed.reveal(), as: UTF8.self).contains("PRIVATE KEY"))
        XCTAssertEqual(try SealedKeyFile.open(sealed, keys: ring).reveal(), pem.reveal())
        XCTAssertFalse(SealedKeyFile.isSealed(pem))
        XCTAssertNil(SealedKeyFile.keyId(of: pem))
        XCTAssertEqual(try SealedKeyFile.open(pem, keys: nil).reveal(), pem.reveal())
        XCTAssertThrowsError(try SealedKeyFile.open(sealed, keys: nil)) { XCTAssertEqual(($0 as? CryptoError)?.code, .keyIdUnknown) }
        XCTAssertThrowsError(try SealedKeyFile.open(Secret(SealedKeyFile.prefix + Array("zz\n".utf8)), keys: ring)) {
            XCTAssertEqual(($0 as? CryptoError)?.code, .keyUnreadable)
        }
    }
}
