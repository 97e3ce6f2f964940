import XCTest

@testable import PaygateCrypto

final class RSASignatureTests: XCTestCase {
    let message = Array(TestVectors.alipayStringToSign.utf8)

    func testSignatureEqualsPythonByteForByte() throws {
        let key = try RSAPrivateKey(pem: TestVectors.testOnlyPrivateKeyPKCS8)
        XCTAssertEqual(key.bitCount, 2048)
        let signature = try key.signSHA256(message)
        XCTAssertEqual(Base64.encode(signature), TestVectors.alipaySignatureBase64)
    }

    func testPKCS1FormSignsTheSame() throws {
        let key = try RSAPrivateKey(pem: TestVectors.testOnlyPrivateKeyPKCS1)
        XCTAssertEqual(Base64.encode(try key.signSHA256(message)), TestVectors.alipaySignatureBase64)
    }

    func testPythonSignatureVerifies() throws {
        let publicKey = try RSAPublicKey(pem: TestVectors.publicKeySPKI)
        let signature = try XCTUnwrap(Base64.decode(TestVectors.alipaySignatureBase64))
        XCTAssertTrue(publicKey.verifySHA256(signature: signature, message: message))
    }

    func testAnyFlippedSignatureByteFails() throws {
        let publicKey = try RSAPublicKey(pem: TestVectors.publicKeySPKI)
        let signature = try XCTUnwrap(Base64.decode(TestVectors.alipaySignatureBase64))
        for index in signature.indices {
            var altered = signature
            altered[index] ^= 0x01
            XCTAssertFalse(publicKey.verifySHA256(signature: altered, message: message), "signature byte \(index)")
        }
    }

    func testAnyFlippedMessageByteFails() throws {
        let publicKey = try RSAPublicKey(pem: TestVectors.publicKeySPKI)
        let signature = try XCTUnwrap(Base64.decode(TestVectors.alipaySignatureBase64))
        for index in message.indices {
            var altered = message
            altered[index] ^= 0x01
            XCTAssertFalse(publicKey.verifySHA256(signature: signature, message: altered), "message byte \(index)")
        }
    }

    func testTruncatedExtendedOrEmptySignatureFails() throws {
        let publicKey = try RSAPublicKey(pem: TestVectors.publicKeySPKI)
        let signature = try XCTUnwrap(Base64.decode(TestVectors.alipaySignatureBase64))
        XCTAssertFalse(publicKey.verifySHA256(signature: Array(signature.dropLast()), message: message))
        XCTAssertFalse(publicKey.verifySHA256(signature: signature + [0], message: message))
        XCTAssertFalse(publicKey.verifySHA256(signature: [0] + signature.dropFirst(), message: message))
        XCTAssertFalse(publicKey.verifySHA256(signature: [], message: message))
        XCTAssertFalse(publicKey.verifySHA256(signature: [UInt8](repeating: 0, count: 256), message: message))
    }

    func testGeneratedKeySignsAndVerifies() throws {
        let key = try RSAPrivateKey.generate(bits: 2048)
        XCTAssertEqual(key.bitCount, 2048)
        let signature = try key.signSHA256(message)
        XCTAssertEqual(signature.count, 256)
        XCTAssertTrue(key.publicKey.verifySHA256(signature: signature, message: message))
        XCTAssertTrue(key.publicKey.verifySHA256(signature: try key.signSHA256([]), message: []))
        // Another key's public half must not accept it.
        let other = try RSAPublicKey(pem: TestVectors.publicKeySPKI)
        XCTAssertFalse(other.verifySHA256(signature: signature, message: message))
    }

    func testPEMExportReimports() throws {
        let key = try RSAPrivateKey.generate(bits: 2048)
        let pem = try key.pemPKCS8()
        let text = String(decoding: pem.reveal(), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let reimported = try RSAPrivateKey(pem: pem)
        // PKCS#1 v1.5 is deterministic, so equal signatures mean the same private key.
        XCTAssertEqual(try reimported.signSHA256(message), try key.signSHA256(message))

        let publicPEM = try key.publicKey.pemSPKI()
        XCTAssertTrue(publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        XCTAssertEqual(try RSAPublicKey(pem: publicPEM), key.publicKey)
        XCTAssertEqual(try RSAPublicKey(der: key.publicKey.derSPKI()), key.publicKey)
        XCTAssertNotEqual(try RSAPublicKey(pem: TestVectors.publicKeySPKI), key.publicKey)
    }

    func testFixedKeyExportMatchesPython() throws {
        let key = try RSAPrivateKey(pem: TestVectors.testOnlyPrivateKeyPKCS1)
        XCTAssertEqual(String(decoding: try key.pemPKCS8().reveal(), as: UTF8.self), TestVectors.testOnlyPrivateKeyPKCS8 + "\n")
        XCTAssertEqual(try key.publicKey.pemSPKI(), TestVectors.publicKeySPKI + "\n")
    }

    func testDERFormsLoad() throws {
        // Channels publish keys as bare base64 DER: the PEM body without its armour lines.
        let privateDER = try XCTUnwrap(Base64.decode(pemBody(TestVectors.testOnlyPrivateKeyPKCS8)))
        XCTAssertEqual(Base64.encode(try RSAPrivateKey(der: privateDER).signSHA256(message)), TestVectors.alipaySignatureBase64)
        let publicDER = try XCTUnwrap(Base64.decode(pemBody(TestVectors.publicKeySPKI)))
        XCTAssertEqual(try RSAPublicKey(der: publicDER), try RSAPublicKey(pem: TestVectors.publicKeySPKI))
        XCTAssertEqual(keyError { _ = try RSAPrivateKey(der: privateDER + [0]) }, .keyUnreadable)
        XCTAssertEqual(keyError { _ = try RSAPublicKey(der: publicDER + [0]) }, .keyUnreadable)
    }

    func testGarbageFailsWithTypedErrors() throws {
        let garbage = ["", "not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", TestVectors.publicKeySPKI]
        for text in garbage {
            XCTAssertEqual(keyError { _ = try RSAPrivateKey(pem: text) }, .keyUnreadable, text)
        }
        for text in ["", "not a key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", TestVectors.certificate] {
            XCTAssertEqual(keyError { _ = try RSAPublicKey(pem: text) }, .keyUnreadable, text)
        }
        XCTAssertEqual(keyError { _ = try RSAPrivateKey(der: []) }, .keyUnreadable)
        XCTAssertEqual(keyError { _ = try RSAPrivateKey(der: [0x30, 0x03, 0x02, 0x01, 0x00]) }, .keyUnreadable)
        XCTAssertEqual(keyError { _ = try RSAPublicKey(der: Array("garbage".utf8)) }, .keyUnreadable)
        XCTAssertEqual(
            keyError { _ = try RSAPrivateKey(pem: [UInt8](repeating: 0x41, count: MemoryBIO.inputBytesMax + 1)) }, .inputTooLarge)
    }

    func testKeyMaterialNeverInTextOrErrors() throws {
        let key = try RSAPrivateKey(pem: TestVectors.testOnlyPrivateKeyPKCS8)
        let body = pemBody(TestVectors.testOnlyPrivateKeyPKCS8)
        for text in [key.description, key.debugDescription, String(describing: key), String(reflecting: key), dumped(key)] {
            XCTAssertFalse(text.contains(String(body.prefix(40))), text)
            XCTAssertFalse(text.contains("MII"), text)
        }
        // A PEM that almost parses must not come back in the error text.
        var broken = TestVectors.testOnlyPrivateKeyPKCS8
        broken.replace("MIIEvAIBADAN", with: "MIIEvAIBADAA")
        do {
            _ = try RSAPrivateKey(pem: broken)
            XCTFail("a damaged key loaded")
        } catch {
            XCTAssertEqual(error.code, .keyUnreadable)
            XCTAssertFalse(error.message.contains("MII"), error.message)
        }
    }

    private func pemBody(_ pem: String) -> String {
        pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    }

    private func dumped(_ value: some Any) -> String {
        var text = ""
        dump(value, to: &text)
        return text
    }
}

/// The code of the `CryptoError` that `body` throws, or nil when it throws nothing.
func keyError(_ body: () throws -> Void) -> CryptoError.Code? {
    do {
        try body()
        return nil
    } catch {
        return (error as? CryptoError)?.code
    }
}
