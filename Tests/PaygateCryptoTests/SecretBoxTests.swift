import PaygateCore
import XCTest

@testable import PaygateCrypto

final class SecretBoxTests: XCTestCase {
    let key = (0..<32).map { UInt8($0) }

    func testRoundTrip() throws {
        let box = try SecretBox(key: SecureRandom.bytes(32))
        for plaintext in [[], [0x42], Array("merchant secret".utf8), try SecureRandom.bytes(4096)] {
            let sealed = try box.seal(plaintext, associatedData: Array("m_1".utf8))
            XCTAssertEqual(sealed.count, plaintext.count + SecretBox.overheadByteCount)
            XCTAssertEqual(sealed.first, SecretBox.version)
            XCTAssertEqual(try box.open(sealed, associatedData: Array("m_1".utf8)), plaintext)
        }
        XCTAssertEqual(try box.open(box.seal([9, 8, 7])), [9, 8, 7])
    }

    func testEachSealUsesAFreshNonce() throws {
        let box = try SecretBox(key: key)
        XCTAssertNotEqual(try box.seal([1, 2, 3]), try box.seal([1, 2, 3]))
    }

    /// Sealed by Python `cryptography`: AESGCM(bytes(range(32))).encrypt(bytes.fromhex("000102030405060708090a0b"),
    /// b"merchant secret: sk_live_example", b"merchant:m_123"), with 0x01 and the nonce in front.
    let pythonSealed =
        "01000102030405060708090a0b2a67a478ad84ac6fad32f2e8c38c0c57a3a5ec6b9c12291967029de470196cd733b4969be53b3f60d479bec2279f83c1"
    let pythonSealedEmpty = "01000102030405060708090a0bf4c2db1dc38805a37b92171c5d0a81cc"

    func testOpensFixedVectorFromPython() throws {
        let box = try SecretBox(key: key)
        let sealed = try XCTUnwrap(Hex.decode(pythonSealed))
        XCTAssertEqual(try box.open(sealed, associatedData: Array("merchant:m_123".utf8)), Array("merchant secret: sk_live_example".utf8))
        XCTAssertEqual(try box.open(XCTUnwrap(Hex.decode(pythonSealedEmpty))), [])
    }

    /// Version 2, sealed by Python `cryptography` under key id 7: AESGCM(bytes(range(32))).encrypt(
    /// bytes.fromhex("000102030405060708090a0b"), b"merchant secret: sk_live_example",
    /// bytes([2, 0, 0, 0, 7]) + b"merchant:m_123"), with the five header bytes and the nonce in front.
    let pythonSealedKeyId7 =
        "0200000007000102030405060708090a0b2a67a478ad84ac6fad32f2e8c38c0c57a3a5ec6b9c12291967029de470196cd7bf2c56d14bac11f48dcb005284ec1da7"

    func testSealsFixedVectorLikePython() throws {
        let box = try SecretBox(key: key, keyId: 7)
        let nonce = (0..<12).map { UInt8($0) }
        let sealed = try box.seal(
            Array("merchant secret: sk_live_example".utf8), associatedData: Array("merchant:m_123".utf8), nonce: nonce)
        XCTAssertEqual(Hex.encode(sealed), pythonSealedKeyId7)
        XCTAssertEqual(SecretBox.keyId(of: sealed), 7)
        XCTAssertEqual(try box.open(sealed, associatedData: Array("merchant:m_123".utf8)), Array("merchant secret: sk_live_example".utf8))
    }

    func testVersionOneIsKeyIdZero() throws {
        let sealed = try XCTUnwrap(Hex.decode(pythonSealed))
        XCTAssertEqual(SecretBox.keyId(of: sealed), 0)
        XCTAssertEqual(openError(try SecretBox(key: key, keyId: 1), sealed, Array("merchant:m_123".utf8)), .keyIdUnknown)
        XCTAssertNil(SecretBox.keyId(of: Array(sealed.prefix(10))))
        XCTAssertNil(SecretBox.keyId(of: [0x03] + sealed.dropFirst()))
    }

    func testTamperingWithAnyByteOfVersionTwoFails() throws {
        let box = try SecretBox(key: key, keyId: 7)
        let aad = Array("merchant:m_123".utf8)
        let sealed = try XCTUnwrap(Hex.decode(pythonSealedKeyId7))
        for index in sealed.indices {
            var altered = sealed
            altered[index] ^= 0x01
            let expected: CryptoError.Code =
                switch index {
                case 0: .versionUnsupported
                case 1...4: .keyIdUnknown
                default: .authenticationFailed
                }
            XCTAssertEqual(openError(box, altered, aad), expected, "byte \(index)")
        }
        // The header is authenticated: the same key under another id does not open it.
        var relabelled = sealed
        relabelled[4] = 8
        XCTAssertEqual(openError(try SecretBox(key: key, keyId: 8), relabelled, aad), .authenticationFailed)
    }

    func testTamperingWithAnyByteFails() throws {
        let box = try SecretBox(key: key)
        let aad = Array("merchant:m_123".utf8)
        let sealed = try XCTUnwrap(Hex.decode(pythonSealed))
        for index in sealed.indices {
            for flip: UInt8 in [0x01, 0x80] {
                var altered = sealed
                altered[index] ^= flip
                let expected: CryptoError.Code = index == 0 ? .versionUnsupported : .authenticationFailed
                XCTAssertEqual(openError(box, altered, aad), expected, "byte \(index) flip \(flip)")
            }
        }
    }

    func testWrongKeyFails() throws {
        let sealed = try SecretBox(key: key).seal(Array("secret".utf8))
        var otherKey = key
        otherKey[31] ^= 1
        XCTAssertEqual(openError(try SecretBox(key: otherKey), sealed, []), .authenticationFailed)
    }

    func testWrongAssociatedDataFails() throws {
        let box = try SecretBox(key: key)
        let sealed = try box.seal(Array("secret".utf8), associatedData: Array("merchant:m_1".utf8))
        XCTAssertEqual(openError(box, sealed, Array("merchant:m_2".utf8)), .authenticationFailed)
        XCTAssertEqual(openError(box, sealed, []), .authenticationFailed)
    }

    func testTruncatedOrExtendedInputFails() throws {
        let box = try SecretBox(key: key)
        let sealed = try XCTUnwrap(Hex.decode(pythonSealed))
        let aad = Array("merchant:m_123".utf8)
        for length in 0..<sealed.count {
            let expected: CryptoError.Code = length < SecretBox.legacyOverheadByteCount ? .sealedDataTooShort : .authenticationFailed
            XCTAssertEqual(openError(box, Array(sealed.prefix(length)), aad), expected, "length \(length)")
        }
        XCTAssertEqual(openError(box, sealed + [0], aad), .authenticationFailed)
        let boxSeven = try SecretBox(key: key, keyId: 7)
        let sealedSeven = try XCTUnwrap(Hex.decode(pythonSealedKeyId7))
        for length in 1..<sealedSeven.count {
            let expected: CryptoError.Code = length < SecretBox.overheadByteCount ? .sealedDataTooShort : .authenticationFailed
            XCTAssertEqual(openError(boxSeven, Array(sealedSeven.prefix(length)), aad), expected, "length \(length)")
        }
    }

    func testKeyMustBe32Bytes() {
        for length in [0, 16, 31, 33, 64] {
            XCTAssertThrowsError(try SecretBox(key: [UInt8](repeating: 7, count: length))) { error in
                XCTAssertEqual((error as? CryptoError)?.code, .keyLengthInvalid)
            }
        }
    }

    func testErrorsNeverContainKeyOrPlaintext() throws {
        let box = try SecretBox(key: key)
        var sealed = try box.seal(Array("sk_live_plaintext".utf8))
        sealed[20] ^= 1
        do {
            _ = try box.open(sealed)
            XCTFail("tampered data opened")
        } catch {
            XCTAssertFalse(error.message.contains("sk_live"))
            XCTAssertFalse(error.message.contains(Hex.encode(key)))
        }
    }

    private func openError(_ box: SecretBox, _ sealed: [UInt8], _ associatedData: [UInt8]) -> CryptoError.Code? {
        do {
            _ = try box.open(sealed, associatedData: associatedData)
            return nil
        } catch {
            return error.code
        }
    }
}
