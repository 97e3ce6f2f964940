import XCTest

@testable import PaygateCrypto

final class SecureRandomTests: XCTestCase {
    func testBytes() throws {
        XCTAssertEqual(try SecureRandom.bytes(0), [])
        let first = try SecureRandom.bytes(32)
        let second = try SecureRandom.bytes(32)
        XCTAssertEqual(first.count, 32)
        XCTAssertNotEqual(first, second)
        XCTAssertNotEqual(try SecureRandom.uint64(), try SecureRandom.uint64())
    }

    func testAlphanumeric() throws {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        XCTAssertEqual(try SecureRandom.alphanumeric(0), "")
        for count in [1, 16, 64, 1000] {
            let text = try SecureRandom.alphanumeric(count)
            XCTAssertEqual(text.count, count)
            XCTAssertTrue(text.allSatisfy(allowed.contains), text)
        }
        // 5000 characters from 62: every character appears (missing one has odds below 1e-30).
        XCTAssertEqual(Set(try SecureRandom.alphanumeric(5000)), allowed)
    }
}

final class SecretTests: XCTestCase {
    func testTextualFormsAreRedacted() {
        let secret = Secret(utf8: "sk_live_do_not_print")
        XCTAssertEqual(secret.description, "<redacted>")
        XCTAssertEqual("\(secret)", "<redacted>")
        XCTAssertFalse(String(reflecting: secret).contains("sk_live"))
        var dumped = ""
        dump(secret, to: &dumped)
        XCTAssertFalse(dumped.contains("sk_live"))
        XCTAssertFalse(dumped.contains("115"))  // the byte 's' printed as a number
        XCTAssertFalse("\([secret])".contains("sk_live"))
    }

    func testExplicitReadsReturnTheBytes() {
        let secret = Secret([1, 2, 3])
        XCTAssertEqual(secret.reveal(), [1, 2, 3])
        XCTAssertEqual(secret.withBytes { $0.count }, 3)
        XCTAssertEqual(secret.count, 3)
    }

    func testCryptoErrorDescriptionCarriesCodeAndMessage() {
        let error = CryptoError(.authenticationFailed, "sealed data failed authentication")
        XCTAssertTrue(error.description.contains("authenticationFailed"))
        XCTAssertEqual(error.code.rawValue, 4)
    }
}
