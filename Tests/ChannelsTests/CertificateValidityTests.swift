import Foundation
import PaygateCore
import PaygateCrypto
import XCTest

@testable import Channels

/// Channel certificates verify only within their validity: refused at load when not valid then,
/// and a key whose certificate expires while the process runs stops verifying at that second.
/// The certificates are made here with the project's own helper, far in the past or the future.
final class CertificateValidityTests: XCTestCase {
    /// 2001-09-09T01:46:40Z: a certificate from then, 30 days long, expired long ago.
    static let longAgo: Int64 = 1_000_000_000
    /// 2096-10-02T07:06:40Z: a certificate from then is not yet valid.
    static let farAhead: Int64 = 4_000_000_000

    private func certificate(notBefore: Int64, days: Int = 30, serial: UInt64 = 4242) throws -> X509Certificate {
        try X509Certificate.selfSigned(
            key: TestKeys.channelCurrent, commonName: "test platform", serialNumber: serial, notBeforeUnixSeconds: notBefore,
            validityDays: days)
    }

    // MARK: verifying at `now`

    func testAKeyVerifiesOnlyWithinItsCertificate() throws {
        let certificate = try certificate(notBefore: Fixtures.now.secondsSinceEpoch - 86_400, days: 2)
        let keys = VerificationKeySet(style: .exact, keys: [.unionPaySigning(certificate)])
        let message = Array("6f1e".utf8)
        let signature = try TestKeys.channelCurrent.signSHA256(message)
        let notBefore = Timestamp(secondsSinceEpoch: certificate.notBeforeUnixSeconds)
        let notAfter = Timestamp(secondsSinceEpoch: certificate.notAfterUnixSeconds)
        for (now, verifies) in [
            (notBefore.adding(seconds: -1), false), (notBefore, true), (Fixtures.now, true), (notAfter, true),
            (notAfter.adding(seconds: 1), false),
        ] {
            XCTAssertEqual(keys.verify(signature: signature, message: message, keyId: "4242", now: now), verifies, now.rfc3339)
            XCTAssertEqual(keys.verify(signature: signature, message: message, keyId: nil, now: now), verifies, now.rfc3339)
            XCTAssertEqual(keys.key(id: "4242", now: now) != nil, verifies, now.rfc3339)
        }
    }

    func testRotationKeepsTheRetiredCertificatesEnd() throws {
        // The grace would run a day past the certificate's end: the certificate's end wins.
        let old = try certificate(notBefore: Fixtures.now.secondsSinceEpoch - 86_400, days: 2)
        let rotated = VerificationKeySet(style: .exact, keys: [.unionPaySigning(old)])
            .rotated(
                to: VerificationKey(id: "new", publicKey: TestKeys.channelRetired.publicKey), now: Fixtures.now, graceSeconds: 3 * 86_400)
        let end = Timestamp(secondsSinceEpoch: old.notAfterUnixSeconds)
        XCTAssertNotNil(rotated.key(id: "4242", now: end))
        XCTAssertNil(rotated.key(id: "4242", now: end.adding(seconds: 1)))
    }

    /// The WeChat Pay answer vector verifies while its platform certificate is valid and is
    /// `.unknown` (never applied) once the connector's clock passes the certificate's end.
    func testAnAnswerSignedUnderAnExpiredPlatformCertificateIsUnknown() throws {
        let validity = CertificateValidity(notBefore: Fixtures.now.adding(seconds: -86_400), notAfter: Fixtures.now.adding(seconds: 600))
        let keys = VerificationKeySet(
            style: .hexSerial,
            keys: [
                VerificationKey(
                    id: "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6", publicKey: TestKeys.channelCurrent.publicKey, validity: validity)
            ])
        let account = try WeChatPayAccount(
            merchantId: "1900000109", appId: "wxd678efh567hg6787", merchantCertificateSerial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
            privateKey: TestKeys.merchant, platformKeys: keys, apiV3Key: WeChatPayConnectorTests.apiV3Key,
            baseURL: "https://sandbox.paygate.test/wechatpay")
        let answer = Fixtures.response(WeChatPayVectors.prepayAnswerBody, headers: WeChatPayVectors.prepayAnswerHeaders)
        let inTime = WeChatPayConnector(account: account, clock: { validity.notAfter })
        guard case .accepted = inTime.prepayResult(answer, for: Fixtures.prepayOrder) else {
            return XCTFail("the answer verifies within the validity")
        }
        let late = WeChatPayConnector(account: account, clock: { validity.notAfter.adding(seconds: 1) })
        XCTAssertEqual(late.prepayResult(answer, for: Fixtures.prepayOrder), .unknown(reason: "answer signature does not verify"))
    }

    /// UnionPay callbacks are verified at the `now` the gateway passes in.
    func testACallbackSignedUnderAnExpiredCertificateIsRejected() throws {
        let validity = CertificateValidity(notBefore: Fixtures.now.adding(seconds: -86_400), notAfter: Fixtures.now.adding(seconds: 600))
        let account = UnionPayAccount(
            merchantId: "777290058110048", signingCertificateId: "69629715588", privateKey: TestKeys.merchant,
            verificationKeys: VerificationKeySet(
                style: .exact, keys: [VerificationKey(id: "69042905377", publicKey: TestKeys.channelCurrent.publicKey, validity: validity)]),
            baseURL: "https://sandbox.paygate.test/unionpay/gateway/api")
        let connector = UnionPayConnector(account: account)
        let callback = Fixtures.formPost("/callbacks/unionpay", UnionPayVectors.callbackPaid)
        guard case .verified = connector.verifyCallback(callback, now: validity.notAfter) else {
            return XCTFail("the callback verifies within the validity")
        }
        XCTAssertEqual(
            connector.verifyCallback(callback, now: validity.notAfter.adding(seconds: 1)), .rejected(reason: "signature does not verify"))
    }

    // MARK: loading

    private func configuration(_ edit: (inout ChannelsConfiguration) -> Void) throws -> ChannelsConfiguration {
        let stack = try KeyStoreTests.stack.get()
        var configuration = try JSONDecoder().decode(ChannelsConfiguration.self, from: Data(stack.sectionJSON.utf8))
        edit(&configuration)
        return configuration
    }

    /// `certificate` as a PEM file in a fresh directory.
    private func file(_ certificate: X509Certificate) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paygate-validity-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/platform.pem"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(try certificate.pem().utf8)))
        return path
    }

    private func loadError(_ configuration: ChannelsConfiguration) -> KeyStoreError? {
        guard let masterKeys = try? stackMasterKeys() else { return KeyStoreError(.keyUnreadable, "no master keys") }
        do {
            _ = try ChannelKeyStore.load(configuration: configuration, now: .now(), masterKeys: masterKeys)
            return nil
        } catch {
            return error
        }
    }

    func testAnExpiredRetiredCertificateIsRefusedNamingItAndItsValidity() throws {
        let expired = try file(try certificate(notBefore: Self.longAgo))
        let error = loadError(
            try configuration {
                $0.unionpay.verificationKeys[1] = ChannelsConfiguration.VerificationKeyFile(
                    file: expired, retiredAt: "2026-01-01T00:00:00Z")
            })
        XCTAssertEqual(error?.code, .certificateNotValidNow)
        XCTAssertTrue(
            error?.message.hasPrefix("channels.unionpay.verification_keys: \(expired) (serial 1092) is expired at ") ?? false,
            "\(error as Any)")
        XCTAssertTrue(error?.message.hasSuffix("it is valid from 2001-09-09T01:46:40Z to 2001-10-09T01:46:40Z") ?? false, "\(error as Any)")
    }

    func testANotYetValidCurrentCertificateIsRefused() throws {
        let future = try file(try certificate(notBefore: Self.farAhead))
        let error = loadError(try configuration { $0.wechatpay.verificationKeys[0].file = future })
        XCTAssertEqual(error?.code, .certificateNotValidNow)
        XCTAssertTrue(error?.message.contains("\(future) (serial 1092) is not yet valid at ") ?? false, "\(error as Any)")
        XCTAssertTrue(error?.message.hasSuffix("valid from 2096-10-02T07:06:40Z to 2096-11-01T07:06:40Z") ?? false, "\(error as Any)")
    }

    func testLoadedKeysCarryTheirCertificatesValidity() throws {
        let store = try ChannelKeyStore.load(configuration: try configuration { _ in }, now: .now(), masterKeys: try stackMasterKeys())
        for key in store.weChatPay.platformKeys.keys + store.unionPay.verificationKeys.keys {
            XCTAssertNotNil(key.validity, key.description)
        }
        // Alipay's bare public keys have no validity of their own.
        XCTAssertTrue(store.alipay.alipayKeys.keys.allSatisfy { $0.validity == nil })
    }
}
