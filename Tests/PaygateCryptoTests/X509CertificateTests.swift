import PaygateCore
import XCTest

@testable import PaygateCrypto

final class X509CertificateTests: XCTestCase {
    func testPythonCertificateFields() throws {
        let certificate = try X509Certificate(pem: TestVectors.certificate)
        // The first byte is 0x0F, so one leading zero stays, as `openssl x509 -serial` prints it.
        XCTAssertEqual(certificate.serialNumberHex, TestVectors.certificateSerialHex)
        XCTAssertEqual(certificate.serialNumberDecimal, TestVectors.certificateSerialDecimal)
        XCTAssertEqual(certificate.notBeforeUnixSeconds, TestVectors.certificateNotBefore)
        XCTAssertEqual(certificate.notAfterUnixSeconds, TestVectors.certificateNotAfter)
        XCTAssertEqual(certificate.publicKey, try RSAPublicKey(pem: TestVectors.publicKeySPKI))
        XCTAssertEqual(try RSAPublicKey(certificatePEM: TestVectors.certificate), certificate.publicKey)
        XCTAssertTrue(certificate.isSigned(by: certificate.publicKey))
        XCTAssertEqual(try certificate.pem(), TestVectors.certificate + "\n")
    }

    func testCertificateKeyVerifiesPythonSignature() throws {
        let certificate = try X509Certificate(pem: TestVectors.certificate)
        let signature = try XCTUnwrap(Base64.decode(TestVectors.alipaySignatureBase64))
        XCTAssertTrue(certificate.publicKey.verifySHA256(signature: signature, message: Array(TestVectors.alipayStringToSign.utf8)))
    }

    func testSerialNumberMatchingIgnoresCaseAndLeadingZeros() throws {
        let certificate = try X509Certificate(pem: TestVectors.certificate)
        XCTAssertTrue(certificate.serialNumberMatches(hex: "0F3A5157F09EFDC096DE15EBE81A47057A7232F1"))
        XCTAssertTrue(certificate.serialNumberMatches(hex: "f3a5157f09efdc096de15ebe81a47057a7232f1"))
        XCTAssertFalse(certificate.serialNumberMatches(hex: "0F3A5157F09EFDC096DE15EBE81A47057A7232F2"))
        XCTAssertFalse(certificate.serialNumberMatches(hex: ""))
    }

    func testValidityWindow() throws {
        let certificate = try X509Certificate(pem: TestVectors.certificate)
        XCTAssertTrue(certificate.isValid(atUnixSeconds: TestVectors.certificateNotBefore))
        XCTAssertTrue(certificate.isValid(atUnixSeconds: TestVectors.certificateNotAfter))
        XCTAssertFalse(certificate.isValid(atUnixSeconds: TestVectors.certificateNotBefore - 1))
        XCTAssertFalse(certificate.isValid(atUnixSeconds: TestVectors.certificateNotAfter + 1))
    }

    func testSelfSignedCertificate() throws {
        let key = try RSAPrivateKey(pem: TestVectors.testOnlyPrivateKeyPKCS8)
        let serial = try XCTUnwrap(Hex.decode("0f3a5157f09efdc096de15ebe81a47057a7232f1"))
        let certificate = try X509Certificate.selfSigned(
            key: key, commonName: "paygate local wechatpay platform", serialNumber: serial,
            notBeforeUnixSeconds: TestVectors.certificateNotBefore, validityDays: 365)
        XCTAssertEqual(certificate.serialNumberHex, TestVectors.certificateSerialHex)
        XCTAssertEqual(certificate.serialNumberDecimal, TestVectors.certificateSerialDecimal)
        XCTAssertEqual(certificate.notBeforeUnixSeconds, TestVectors.certificateNotBefore)
        XCTAssertEqual(certificate.notAfterUnixSeconds, TestVectors.certificateNotBefore + 365 * 86_400)
        XCTAssertEqual(certificate.publicKey, key.publicKey)
        XCTAssertTrue(certificate.isSigned(by: key.publicKey))
        XCTAssertFalse(certificate.isSigned(by: try RSAPrivateKey.generate(bits: 2048).publicKey))
        // Its PEM re-imports to the same certificate.
        let reread = try X509Certificate(pem: certificate.pem())
        XCTAssertEqual(reread.serialNumberHex, certificate.serialNumberHex)
        XCTAssertTrue(reread.isSigned(by: key.publicKey))
    }

    func testSelfSignedWithNumericSerialAsUnionPayCertId() throws {
        let key = try RSAPrivateKey.generate(bits: 2048)
        let certificate = try X509Certificate.selfSigned(
            key: key, commonName: "paygate local unionpay", serialNumber: 69_629_715_588,
            notBeforeUnixSeconds: 1_767_225_600, validityDays: 30)
        XCTAssertEqual(certificate.serialNumberDecimal, "69629715588")
        XCTAssertEqual(certificate.serialNumberHex, "1036412484")  // Python: format(69629715588, "X")
        XCTAssertTrue(certificate.isSigned(by: certificate.publicKey))
    }

    func testSelfSignedParametersAreChecked() throws {
        let key = try RSAPrivateKey(pem: TestVectors.testOnlyPrivateKeyPKCS8)
        func make(name: String = "ok", serial: [UInt8] = [1], days: Int = 1) -> CryptoError.Code? {
            keyError {
                _ = try X509Certificate.selfSigned(
                    key: key, commonName: name, serialNumber: serial, notBeforeUnixSeconds: 0, validityDays: days)
            }
        }
        XCTAssertNil(make())
        XCTAssertEqual(make(serial: []), .certificateCreationFailed)
        XCTAssertEqual(make(serial: [0, 0]), .certificateCreationFailed)
        XCTAssertNil(make(serial: [0x7F] + [UInt8](repeating: 0xFF, count: 19)))
        XCTAssertEqual(make(serial: [0x80] + [UInt8](repeating: 0, count: 19)), .certificateCreationFailed)
        XCTAssertEqual(make(days: 0), .certificateCreationFailed)
        XCTAssertEqual(make(days: X509Certificate.validityDaysMax + 1), .certificateCreationFailed)
        XCTAssertEqual(make(name: ""), .certificateCreationFailed)
        XCTAssertEqual(make(name: String(repeating: "x", count: 65)), .certificateCreationFailed)
    }

    func testGarbageFailsWithTypedErrors() {
        for text in ["", "garbage", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", TestVectors.publicKeySPKI] {
            XCTAssertEqual(keyError { _ = try X509Certificate(pem: text) }, .certificateUnreadable, text)
        }
        XCTAssertEqual(keyError { _ = try RSAPublicKey(certificatePEM: "garbage") }, .certificateUnreadable)
    }
}
