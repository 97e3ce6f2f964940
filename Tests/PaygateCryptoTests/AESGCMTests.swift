import PaygateCore
import XCTest

@testable import PaygateCrypto

final class AESGCMTests: XCTestCase {
    let key = Array(TestVectors.apiV3Key.utf8)
    let nonce = Array(TestVectors.wechatNonce.utf8)
    let associatedData = Array(TestVectors.wechatAssociatedData.utf8)
    let plaintext = Array(TestVectors.wechatPlaintext.utf8)

    func testSealEqualsPython() throws {
        let sealed = try AESGCM.seal(key: key, nonce: nonce, plaintext: plaintext, associatedData: associatedData)
        XCTAssertEqual(Base64.encode(sealed), TestVectors.wechatCiphertextBase64)
        XCTAssertEqual(sealed.count, plaintext.count + AESGCM.tagByteCount)
    }

    func testOpensPythonCiphertext() throws {
        let sealed = try XCTUnwrap(Base64.decode(TestVectors.wechatCiphertextBase64))
        XCTAssertEqual(try AESGCM.open(key: key, nonce: nonce, ciphertextAndTag: sealed, associatedData: associatedData), plaintext)
        XCTAssertEqual(
            try AESGCM.open(
                key: Secret(utf8: TestVectors.apiV3Key), nonce: nonce, ciphertextAndTag: sealed, associatedData: associatedData), plaintext)
    }

    func testAnyFlippedByteFails() throws {
        let sealed = try XCTUnwrap(Base64.decode(TestVectors.wechatCiphertextBase64))
        // Ciphertext bytes and tag bytes (the last 16).
        for index in sealed.indices {
            var altered = sealed
            altered[index] ^= 0x01
            XCTAssertEqual(openError(nonce: nonce, sealed: altered, associatedData: associatedData), .authenticationFailed, "byte \(index)")
        }
        for index in nonce.indices {
            var altered = nonce
            altered[index] ^= 0x01
            XCTAssertEqual(
                openError(nonce: altered, sealed: sealed, associatedData: associatedData), .authenticationFailed, "nonce \(index)")
        }
        for index in associatedData.indices {
            var altered = associatedData
            altered[index] ^= 0x01
            XCTAssertEqual(openError(nonce: nonce, sealed: sealed, associatedData: altered), .authenticationFailed, "aad \(index)")
        }
        XCTAssertEqual(openError(nonce: nonce, sealed: sealed, associatedData: []), .authenticationFailed)
        XCTAssertEqual(openError(nonce: nonce, sealed: Array(sealed.dropLast()), associatedData: associatedData), .authenticationFailed)
        XCTAssertEqual(openError(nonce: nonce, sealed: Array(sealed.prefix(15)), associatedData: associatedData), .ciphertextTooShort)
        var otherKey = key
        otherKey[0] ^= 0x01
        XCTAssertEqual(
            keyError {
                _ = try AESGCM.open(key: otherKey, nonce: self.nonce, ciphertextAndTag: sealed, associatedData: self.associatedData)
            }, .authenticationFailed)
    }

    /// The shape of a WeChat Pay v3 callback resource: base64 ciphertext, 12 ASCII characters of
    /// nonce, associated data "transaction", and the APIv3 key as 32 ASCII characters.
    func testWeChatStyleResourceRoundTrip() throws {
        let resourceNonce = try SecureRandom.alphanumeric(12)
        let resourceKey = Secret(utf8: try SecureRandom.alphanumeric(32))
        let sealed = try AESGCM.seal(
            key: resourceKey, nonce: Array(resourceNonce.utf8), plaintext: plaintext, associatedData: Array("transaction".utf8))
        let ciphertextField = Base64.encode(sealed)
        let opened = try AESGCM.open(
            key: resourceKey, nonce: Array(resourceNonce.utf8),
            ciphertextAndTag: try XCTUnwrap(Base64.decode(ciphertextField)), associatedData: Array("transaction".utf8))
        XCTAssertEqual(String(decoding: opened, as: UTF8.self), TestVectors.wechatPlaintext)
    }

    func testSixteenByteNonceMatchesPython() throws {
        let nonce16 = (0..<16).map { UInt8($0) }
        let expected = try XCTUnwrap(Hex.decode(TestVectors.sixteenByteNonceCiphertextHex))
        XCTAssertEqual(try AESGCM.seal(key: key, nonce: nonce16, plaintext: Array("sixteen byte nonce".utf8), associatedData: []), expected)
        XCTAssertEqual(
            try AESGCM.open(key: key, nonce: nonce16, ciphertextAndTag: expected, associatedData: []), Array("sixteen byte nonce".utf8))
        // The same bytes under the first 12 bytes of that nonce must not open.
        XCTAssertEqual(openError(nonce: Array(nonce16.prefix(12)), sealed: expected, associatedData: []), .authenticationFailed)
    }

    func testEveryAcceptedNonceLengthRoundTrips() throws {
        for length in AESGCM.nonceByteCountMin...AESGCM.nonceByteCountMax {
            let nonce = try SecureRandom.bytes(length)
            for text in [[], [0x42], plaintext] {
                let sealed = try AESGCM.seal(key: key, nonce: nonce, plaintext: text, associatedData: associatedData)
                XCTAssertEqual(try AESGCM.open(key: key, nonce: nonce, ciphertextAndTag: sealed, associatedData: associatedData), text)
            }
        }
    }

    func testLengthsAreChecked() {
        for length in [0, 8, 11, 17, 32] {
            let nonce = [UInt8](repeating: 1, count: length)
            XCTAssertEqual(
                keyError { _ = try AESGCM.seal(key: self.key, nonce: nonce, plaintext: [1], associatedData: []) }, .nonceLengthInvalid)
            XCTAssertEqual(
                keyError {
                    _ = try AESGCM.open(key: self.key, nonce: nonce, ciphertextAndTag: [UInt8](repeating: 0, count: 20), associatedData: [])
                }, .nonceLengthInvalid)
        }
        for length in [0, 16, 31, 33] {
            let key = [UInt8](repeating: 1, count: length)
            XCTAssertEqual(
                keyError { _ = try AESGCM.seal(key: key, nonce: self.nonce, plaintext: [1], associatedData: []) }, .keyLengthInvalid)
        }
        let tooLarge = [UInt8](repeating: 0, count: AESGCM.textBytesMax + 1)
        XCTAssertEqual(
            keyError { _ = try AESGCM.seal(key: self.key, nonce: self.nonce, plaintext: tooLarge, associatedData: []) }, .inputTooLarge)
    }

    func testErrorsNeverContainKeyOrPlaintext() throws {
        var sealed = try XCTUnwrap(Base64.decode(TestVectors.wechatCiphertextBase64))
        sealed[3] ^= 0x01
        do {
            _ = try AESGCM.open(key: key, nonce: nonce, ciphertextAndTag: sealed, associatedData: associatedData)
            XCTFail("tampered data opened")
        } catch {
            XCTAssertFalse(error.message.contains(TestVectors.apiV3Key))
            XCTAssertFalse(error.message.contains("trade_state"))
        }
    }

    private func openError(nonce: [UInt8], sealed: [UInt8], associatedData: [UInt8]) -> CryptoError.Code? {
        keyError { _ = try AESGCM.open(key: self.key, nonce: nonce, ciphertextAndTag: sealed, associatedData: associatedData) }
    }
}
