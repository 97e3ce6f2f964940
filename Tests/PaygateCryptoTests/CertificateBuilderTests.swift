import Foundation
import XCTest

@testable import PaygateCrypto

/// Keys and certificates made for the local stack: EC P-256 for TLS, RSA for the channels.
final class CertificateBuilderTests: XCTestCase {
    private func template(_ name: String, serial: [UInt8] = [0x42], extensions: [CertificateExtension] = []) -> CertificateTemplate {
        CertificateTemplate(
            commonName: name, serialNumber: serial, notBeforeUnixSeconds: 1_767_225_600, validityDays: 30, extensions: extensions)
    }

    func testECKeyRoundTripsThroughPKCS8AndHidesItself() throws {
        let key = try ECPrivateKey.generateP256()
        let pem = try key.pemPKCS8()
        XCTAssertTrue(String(decoding: pem.reveal(), as: UTF8.self).hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let again = try ECPrivateKey(pem: pem)
        XCTAssertEqual(try again.pemPKCS8().reveal(), pem.reveal())
        for text in [key.description, "\(key)", String(reflecting: key)] {
            XCTAssertFalse(text.contains("PRIVATE"), text)
        }
        // An RSA key is not a P-256 key, and an empty text is no key at all.
        let rsa = try RSAPrivateKey(pem: TestVectors.testOnlyPrivateKeyPKCS8).pemPKCS8()
        XCTAssertEqual(keyError { _ = try ECPrivateKey(pem: rsa) }, .keyTypeUnsupported)
        XCTAssertEqual(keyError { _ = try ECPrivateKey(pem: Secret([])) }, .keyUnreadable)
    }

    func testACASignsACertificateThatVerifiesUnderItsKey() throws {
        let caKey = try ECPrivateKey.generateP256()
        let caPEM = try CertificateBuilder.issue(
            template(
                "test CA",
                extensions: [
                    .basicConstraints(certificateAuthority: true, pathLength: 0), .keyUsage([.keyCertSign]), .subjectKeyIdentifier,
                ]),
            key: .ecP256(caKey))
        let issuer = try CertificateIssuer(certificatePEM: Array(caPEM.utf8), key: .ecP256(caKey))
        // An RSA leaf, so X509Certificate (RSA only) can read it back and check the issuer's signature.
        let leafKey = try RSAPrivateKey(pem: TestVectors.testOnlyPrivateKeyPKCS8)
        let leafPEM = try CertificateBuilder.issue(
            template(
                "leaf", serial: [0x10, 0x01],
                extensions: [
                    .basicConstraints(certificateAuthority: false, pathLength: nil),
                    .subjectAlternativeNames(ipAddresses: ["127.0.0.1"], dnsNames: ["localhost"]),
                    .extendedKeyUsageServerAuthentication, .subjectKeyIdentifier, .authorityKeyIdentifier,
                ]),
            key: .rsa(leafKey), issuer: issuer)
        let leaf = try X509Certificate(pem: leafPEM)
        XCTAssertEqual(leaf.serialNumberHex, "1001")
        XCTAssertEqual(leaf.publicKey, leafKey.publicKey)
        XCTAssertFalse(leaf.isSigned(by: leafKey.publicKey))  // not self-signed: the CA signed it
        XCTAssertEqual(leaf.notAfterUnixSeconds - leaf.notBeforeUnixSeconds, 30 * 86_400)
    }

    func testAnIssuerRefusesAKeyThatIsNotItsCertificates() throws {
        let caPEM = try CertificateBuilder.issue(template("CA"), key: .ecP256(try ECPrivateKey.generateP256()))
        XCTAssertEqual(
            keyError { _ = try CertificateIssuer(certificatePEM: Array(caPEM.utf8), key: .ecP256(try ECPrivateKey.generateP256())) },
            .certificateUnreadable)
        XCTAssertEqual(
            keyError { _ = try CertificateIssuer(certificatePEM: Array("no".utf8), key: .ecP256(try ECPrivateKey.generateP256())) },
            .certificateUnreadable)
    }

    func testExtensionsAreWrittenAsOpenSSLReadsThem() {
        XCTAssertEqual(
            CertificateExtension.basicConstraints(certificateAuthority: true, pathLength: 0).configurationText, "critical,CA:TRUE,pathlen:0"
        )
        XCTAssertEqual(
            CertificateExtension.basicConstraints(certificateAuthority: false, pathLength: nil).configurationText, "critical,CA:FALSE")
        XCTAssertEqual(
            CertificateExtension.keyUsage([.digitalSignature, .nonRepudiation]).configurationText,
            "critical,digitalSignature,nonRepudiation")
        XCTAssertEqual(
            CertificateExtension.subjectAlternativeNames(ipAddresses: ["127.0.0.1"], dnsNames: ["localhost"]).configurationText,
            "IP:127.0.0.1,DNS:localhost")
    }

    func testSelfSignedChannelCertificateCarriesItsExtensionsAndStillReads() throws {
        let key = try RSAPrivateKey(pem: TestVectors.testOnlyPrivateKeyPKCS8)
        let certificate = try X509Certificate.selfSigned(
            key: key, commonName: "paygate local unionpay merchant", serialNumber: [0x12, 0x34], notBeforeUnixSeconds: 1_767_225_600,
            validityDays: 730, extensions: [.basicConstraints(certificateAuthority: false, pathLength: nil), .subjectKeyIdentifier])
        XCTAssertTrue(certificate.isSigned(by: key.publicKey))
        XCTAssertEqual(certificate.serialNumberDecimal, "4660")
    }
}
