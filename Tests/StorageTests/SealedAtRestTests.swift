import PaygateCore
import PaygateCrypto
import XCTest

@testable import Storage

/// The sealed forms at rest and the secrets a merchant may use during a rotation's overlap.
final class SealedAtRestTests: XCTestCase {
    let firstKey = [UInt8](repeating: 1, count: 32)
    let secondKey = [UInt8](repeating: 2, count: 32)

    func testPayerIsSealedUnderTheCurrentKeyAndBoundToItsPayment() throws {
        let ring = try KeyRing(keys: [0: firstKey, 5: secondKey])
        let json = #"{"ip":"203.0.113.9"}"#
        let stored = try PayerSeal.seal(json, paymentId: "pay_1", keys: ring)
        XCTAssertFalse(stored.contains("203.0.113.9"))
        XCTAssertTrue(stored.hasPrefix(SealedText.hexPrefix(keyId: 5)))
        XCTAssertEqual(SealedText.hexPrefix(keyId: 5), "0200000005")
        XCTAssertEqual(try PayerSeal.open(stored, paymentId: "pay_1", keys: ring), json)
        XCTAssertThrowsError(try PayerSeal.open(stored, paymentId: "pay_2", keys: ring))
        // Written before sealing began: read as it is (the next rotation seals it).
        XCTAssertEqual(try PayerSeal.open(json, paymentId: "pay_1", keys: ring), json)
        // Sealed under the older key: still opens while that key is in the ring.
        let older = try PayerSeal.seal(json, paymentId: "pay_1", keys: try KeyRing(keys: [0: firstKey]))
        XCTAssertEqual(try PayerSeal.open(older, paymentId: "pay_1", keys: ring), json)
        XCTAssertThrowsError(try PayerSeal.open(older, paymentId: "pay_1", keys: try KeyRing(keys: [5: secondKey])))
    }

    func testIdempotencyAnswersAreBoundToMerchantAndKey() throws {
        let ring = try KeyRing(keys: [1: firstKey])
        let data = IdempotencyAnswerSeal.associatedData(merchantId: "m_1", key: "k")
        let stored = try SealedText.seal(#"{"id":"pay_1"}"#, associatedData: data, keys: ring)
        XCTAssertEqual(try SealedText.open(stored, associatedData: data, keys: ring, shard: "s"), #"{"id":"pay_1"}"#)
        let other = IdempotencyAnswerSeal.associatedData(merchantId: "m_1k", key: "")
        XCTAssertNotEqual(data, other)
        XCTAssertThrowsError(try SealedText.open(stored, associatedData: other, keys: ring, shard: "s"))
        XCTAssertThrowsError(try SealedText.open("zz", associatedData: data, keys: ring, shard: "s"))
    }

    func testTheReplacedSecretWorksUntilItsOverlapEnds() {
        let now = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)
        var merchant = Merchant(
            id: "m_1", name: "shop", isActive: true, secret: Secret(utf8: "sk_new"), webhookSecret: Secret(utf8: "whsec_new"),
            previousSecret: RetiringSecret(secret: Secret(utf8: "sk_old"), expiresAt: now.adding(seconds: 60)),
            previousWebhookSecret: nil)
        XCTAssertEqual(merchant.signingSecrets(at: now).map { $0.reveal() }, [Array("sk_new".utf8), Array("sk_old".utf8)])
        XCTAssertEqual(merchant.signingSecrets(at: now.adding(seconds: 60)).map { $0.reveal() }, [Array("sk_new".utf8)])
        XCTAssertEqual(merchant.webhookSecrets(at: now).map { $0.reveal() }, [Array("whsec_new".utf8)])
        let message = Array("GET\n/v1/payments\n".utf8)
        let byOld = HMACSHA256.authenticate(key: Secret(utf8: "sk_old"), message: message)
        XCTAssertTrue(merchant.isSigned(message, signature: byOld, at: now))
        XCTAssertFalse(merchant.isSigned(message, signature: byOld, at: now.adding(seconds: 60)))
        XCTAssertTrue(
            merchant.isSigned(message, signature: HMACSHA256.authenticate(key: Secret(utf8: "sk_new"), message: message), at: now))
        XCTAssertFalse(merchant.isSigned(message, signature: HMACSHA256.authenticate(key: Secret(utf8: "sk_x"), message: message), at: now))
        merchant.previousWebhookSecret = RetiringSecret(secret: Secret(utf8: "whsec_old"), expiresAt: now.adding(seconds: 1))
        XCTAssertEqual(merchant.webhookSecrets(at: now).map { $0.reveal() }, [Array("whsec_new".utf8), Array("whsec_old".utf8)])
    }

    func testEverySealedColumnIsListedForTheRotation() {
        XCTAssertEqual(
            SealedColumn.all.map(\.name).sorted(),
            [
                "idempotency_keys.response_body", "merchants.previous_secret_sealed", "merchants.previous_webhook_secret_sealed",
                "merchants.secret_sealed", "merchants.webhook_secret_sealed", "payments.payer",
            ])
    }
}
