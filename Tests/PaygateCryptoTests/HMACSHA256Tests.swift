import PaygateCore
import XCTest

@testable import PaygateCrypto

final class HMACSHA256Tests: XCTestCase {
    // RFC 4231 section 4.2, test case 1.
    func testRFC4231Case1() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        let mac = HMACSHA256.authenticate(key: key, message: Array("Hi There".utf8))
        XCTAssertEqual(Hex.encode(mac), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    // RFC 4231 section 4.3, test case 2: a key shorter than the block size.
    func testRFC4231Case2() {
        let mac = HMACSHA256.authenticate(key: "Jefe", message: "what do ya want for nothing?")
        XCTAssertEqual(Hex.encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    // RFC 4231 section 4.4, test case 3: data of repeated 0xdd.
    func testRFC4231Case3() {
        let key = [UInt8](repeating: 0xaa, count: 20)
        let message = [UInt8](repeating: 0xdd, count: 50)
        XCTAssertEqual(
            Hex.encode(HMACSHA256.authenticate(key: key, message: message)),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
    }

    // RFC 4231 section 4.7, test case 6: a key longer than the block size is hashed first.
    func testRFC4231Case6() {
        let key = [UInt8](repeating: 0xaa, count: 131)
        let message = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        XCTAssertEqual(
            Hex.encode(HMACSHA256.authenticate(key: key, message: message)),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    // RFC 4231 section 4.8, test case 7: long key and long data.
    func testRFC4231Case7() {
        let key = [UInt8](repeating: 0xaa, count: 131)
        let message =
            "This is a test using a larger than block-size key and a larger than block-size data. "
            + "The key needs to be hashed before being used by the HMAC algorithm."
        XCTAssertEqual(
            Hex.encode(HMACSHA256.authenticate(key: key, message: Array(message.utf8))),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
    }

    /// docs/API.md section 2. Expected value computed once with Python:
    /// base64.b64encode(hmac.new(b"sk_test_4f7Q9xYz", string_to_sign.encode(), hashlib.sha256).digest())
    func testMerchantRequestSignatureExample() {
        let body = #"{"merchant_order_no":"order-1","amount":"12.30","currency":"CNY"}"#
        let stringToSign =
            "POST" + "\n" + "/v1/payments?expand=channel" + "\n" + "1700000000" + "\n"
            + "AbCdEfGh12345678" + "\n" + body + "\n"
        let secret = Secret(utf8: "sk_test_4f7Q9xYz")
        let signature = Base64.encode(HMACSHA256.authenticate(key: secret, message: stringToSign.utf8))
        XCTAssertEqual(signature, "bFttEruZFREEkM27kp8BJol5w+c+IdcMAI5Un03yXWA=")
        // The check the gateway makes: decode what the client sent and compare in constant time.
        let sent = Base64.decode("bFttEruZFREEkM27kp8BJol5w+c+IdcMAI5Un03yXWA=")
        XCTAssertTrue(ConstantTime.equals(sent ?? [], HMACSHA256.authenticate(key: "sk_test_4f7Q9xYz", message: stringToSign)))
    }

    /// docs/API.md section 8 webhook signature, hex of HMAC(webhook_secret, "<t>.<raw body>"), from Python.
    func testWebhookSignatureExample() {
        let mac = HMACSHA256.authenticate(key: "whsec_test", message: #"1700000000.{"id":"evt_1"}"#)
        XCTAssertEqual(Hex.encode(mac), "c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925")
    }

    /// Every overload and non-contiguous input gives the same bytes.
    func testOverloadsAgree() {
        let key = Array("key".utf8)
        let message = Array("The quick brown fox jumps over the lazy dog".utf8)
        let expected = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        XCTAssertEqual(Hex.encode(HMACSHA256.authenticate(key: key, message: message)), expected)
        XCTAssertEqual(Hex.encode(HMACSHA256.authenticate(key: key[...], message: message[...])), expected)
        XCTAssertEqual(Hex.encode(HMACSHA256.authenticate(key: "key", message: "The quick brown fox jumps over the lazy dog")), expected)
        XCTAssertEqual(Hex.encode(HMACSHA256.authenticate(key: key.reversed().reversed(), message: message.lazy.map { $0 })), expected)
    }

    /// Each thread reuses its context with a new key per call: an empty key must not fall
    /// back to the previous key, and the same key must always give the same MAC.
    func testKeyChangesBetweenCallsOnOneThread() {
        let message = Array("message".utf8)
        let first = HMACSHA256.authenticate(key: Array("one".utf8), message: message)
        let empty = HMACSHA256.authenticate(key: [], message: message)
        let second = HMACSHA256.authenticate(key: Array("one".utf8), message: message)
        XCTAssertEqual(first, second)
        XCTAssertNotEqual(first, empty)
        // HMAC-SHA256 with an empty key and empty message, a widely published value.
        XCTAssertEqual(
            Hex.encode(HMACSHA256.authenticate(key: [], message: [])),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    /// Many threads, each with its own key, all get the right answer.
    func testConcurrentUseFromManyThreads() {
        let iterationsPerThread = 200
        let threadCount = 8
        let expected = (0..<threadCount).map { index in
            HMACSHA256.authenticate(key: [UInt8(index)], message: Array("payload".utf8))
        }
        let failures = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: threadCount) { index in
            for _ in 0..<iterationsPerThread
            where HMACSHA256.authenticate(key: [UInt8(index)], message: Array("payload".utf8)) != expected[index] {
                failures.increment()
            }
        }
        XCTAssertEqual(failures.value, 0)
    }
}

/// A counter safe to bump from concurrentPerform's threads.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
