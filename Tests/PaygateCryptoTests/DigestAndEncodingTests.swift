import PaygateCore
import XCTest

@testable import PaygateCrypto

final class SHA256DigestTests: XCTestCase {
    // FIPS 180-2 appendix B.1 and the empty-input digest.
    func testKnownDigests() {
        XCTAssertEqual(SHA256Digest.hexHash(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256Digest.hexHash("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256Digest.hexHash([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256Digest.hash(Array("abc".utf8)).count, SHA256Digest.byteCount)
    }
}

final class ConstantTimeTests: XCTestCase {
    func testEquals() {
        XCTAssertTrue(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        XCTAssertTrue(ConstantTime.equals([], []))
        XCTAssertFalse(ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(ConstantTime.equals([0, 2, 3], [1, 2, 3]))
        XCTAssertFalse(ConstantTime.equals([1, 2, 3], [1, 2]))
        XCTAssertFalse(ConstantTime.equals([], [0]))
    }
}

final class Base64Tests: XCTestCase {
    // RFC 4648 section 10.
    let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    func testRFC4648Vectors() {
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(Base64.decode(encoded), Array(plain.utf8))
        }
    }

    func testRoundTripsEveryLengthAndByte() throws {
        let allBytes = (0...255).map { UInt8($0) }
        for length in 0...70 {
            let bytes = Array((allBytes + allBytes.reversed()).shuffled().prefix(length))
            let encoded = Base64.encode(bytes)
            XCTAssertEqual(encoded.utf8.count % 4, 0)
            XCTAssertEqual(Base64.decode(encoded), bytes, "length \(length)")
        }
        XCTAssertEqual(Base64.decode(Base64.encode(allBytes)), allBytes)
        let random = try SecureRandom.bytes(1000)
        XCTAssertEqual(Base64.decode(Base64.encode(random)), random)
    }

    func testAlphabetEdges() {
        XCTAssertEqual(Base64.encode([0xfb, 0xff, 0xbf]), "+/+/")
        XCTAssertEqual(Base64.decode("+/+/"), [0xfb, 0xff, 0xbf])
    }

    func testRejectsInvalidInput() {
        let invalid = [
            "Zg", "Zg=", "Zm9", "Zm9vY",  // length not a multiple of 4
            "Zg=a", "Z===", "====", "=Zm8",  // padding in the wrong place
            "Zm9v Yg==", "Zm9v\nYmFy", " Zm9v",  // whitespace
            "Zm-_", "Zm9v!A==", "Zm9vYmF\u{e9}",  // URL-safe or foreign characters
            "Zh==", "Zm9=",  // unused bits not zero: not canonical
            "Zm9vYg==Zm9v",  // padding before more data
        ]
        for text in invalid {
            XCTAssertNil(Base64.decode(text), "accepted \(text.debugDescription)")
        }
    }

    func testDecodesNonContiguousUTF8() {
        let text = "Zm9vYmFy"
        XCTAssertEqual(Base64.decode(utf8: text.utf8.lazy.map { $0 }), Array("foobar".utf8))
    }
}

final class HexTests: XCTestCase {
    func testEncodeAndDecode() {
        XCTAssertEqual(Hex.encode([]), "")
        XCTAssertEqual(Hex.encode([0x00, 0x01, 0xab, 0xff]), "0001abff")
        XCTAssertEqual(Hex.decode("0001abff"), [0x00, 0x01, 0xab, 0xff])
        XCTAssertEqual(Hex.decode("0001ABFF"), [0x00, 0x01, 0xab, 0xff])
        XCTAssertEqual(Hex.decode(""), [])
        let allBytes = (0...255).map { UInt8($0) }
        XCTAssertEqual(Hex.decode(Hex.encode(allBytes)), allBytes)
    }

    func testRejectsInvalidInput() {
        for text in ["0", "abc", "0g", "zz", " 00", "00 ", "0x00", "é0"] {
            XCTAssertNil(Hex.decode(text), "accepted \(text.debugDescription)")
        }
    }
}
