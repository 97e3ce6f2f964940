import Dispatch
import XCTest

@testable import PaygateCrypto

final class RSAKeyLimitsTests: XCTestCase {
    func testNonRSAAndSmallKeysAreRefused() {
        XCTAssertEqual(keyError { _ = try RSAPrivateKey(pem: TestVectors.testOnlyECPrivateKey) }, .keyTypeUnsupported)
        XCTAssertEqual(keyError { _ = try RSAPublicKey(pem: TestVectors.rsa1024PublicKey) }, .keyTypeUnsupported)
    }

    func testEncryptedPrivateKeyIsRefusedWithoutPrompting() {
        // The loader must fail at once, never ask for a password on the terminal.
        XCTAssertEqual(keyError { _ = try RSAPrivateKey(pem: TestVectors.testOnlyEncryptedPrivateKey) }, .keyUnreadable)
    }

    /// A stale OpenSSL error left by a successful call would be blamed on a later failure.
    func testSuccessfulCallsLeaveNoOpenSSLError() throws {
        _ = OpenSSLErrorQueue.drain()
        let key = try RSAPrivateKey(pem: TestVectors.testOnlyPrivateKeyPKCS1)
        _ = try RSAPrivateKey(pem: TestVectors.testOnlyPrivateKeyPKCS8)
        _ = try RSAPublicKey(pem: TestVectors.publicKeySPKI)
        let certificate = try X509Certificate(pem: TestVectors.certificate)
        _ = try key.signSHA256([1, 2, 3])
        _ = try key.pemPKCS8()
        _ = try certificate.pem()
        _ = try X509Certificate.selfSigned(key: key, commonName: "c", serialNumber: 7, notBeforeUnixSeconds: 0, validityDays: 1)
        XCTAssertNil(OpenSSLErrorQueue.drain())
        // A failed verification drains what it queued.
        XCTAssertFalse(key.publicKey.verifySHA256(signature: [UInt8](repeating: 1, count: 256), message: [1]))
        XCTAssertNil(OpenSSLErrorQueue.drain())
    }

    /// One key value shared by several threads, each signing and verifying: the Sendable claim.
    func testOneKeySignsAndVerifiesOnManyThreadsAtOnce() throws {
        let key = try RSAPrivateKey(pem: TestVectors.testOnlyPrivateKeyPKCS8)
        let publicKey = key.publicKey
        let expected = TestVectors.alipaySignatureBase64
        let message = Array(TestVectors.alipayStringToSign.utf8)
        let threadCount = 8
        let results = ResultSlots(count: threadCount)
        DispatchQueue.concurrentPerform(iterations: threadCount) { index in
            var good = true
            for _ in 0..<10 {
                guard let signature = try? key.signSHA256(message) else {
                    good = false
                    break
                }
                good = good && Base64.encode(signature) == expected && publicKey.verifySHA256(signature: signature, message: message)
            }
            results.set(index, good)
        }
        XCTAssertEqual(results.all, [Bool](repeating: true, count: threadCount))
    }
}

/// One slot per thread, written under a lock, so the test's own bookkeeping is race-free.
private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Bool]

    init(count: Int) {
        values = [Bool](repeating: false, count: count)
    }

    func set(_ index: Int, _ value: Bool) {
        lock.withLock { values[index] = value }
    }

    var all: [Bool] {
        lock.withLock { values }
    }
}
