import PaygateCore
import XCTest

@testable import PaygateCrypto

/// Known answers from outside this project: the AES-256 test cases 13 to 16 of McGrew and Viega,
/// "The Galois/Counter Mode of Operation (GCM)", the submission NIST's SP 800-38D standardised
/// (96-bit IVs; with and without plaintext and associated data). The other AES-GCM tests compare
/// with values computed here; these would catch a wrapper that is consistent with itself and
/// wrong (a swapped key and nonce, a tag taken from the wrong place, associated data ignored).
final class AESGCMKnownAnswerTests: XCTestCase {
    typealias Vector = AESGCMVector

    static let key15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
    static let plaintext15 =
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
    static let ciphertext15 =
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"

    static let vectors = [
        Vector(
            name: "13: empty", key: String(repeating: "0", count: 64), nonce: String(repeating: "0", count: 24),
            plaintext: "", associatedData: "", ciphertext: "", tag: "530f8afbc74536b9a963b4f1c4cb738b"),
        Vector(
            name: "14: one zero block", key: String(repeating: "0", count: 64), nonce: String(repeating: "0", count: 24),
            plaintext: String(repeating: "0", count: 32), associatedData: "",
            ciphertext: "cea7403d4d606b6e074ec5d3baf39d18", tag: "d0d1c8a799996bf0265b98b5d48ab919"),
        Vector(
            name: "15: four blocks", key: key15, nonce: "cafebabefacedbaddecaf888",
            plaintext: plaintext15, associatedData: "", ciphertext: ciphertext15, tag: "b094dac5d93471bdec1a502270e3cc6c"),
        Vector(
            name: "16: partial block and associated data", key: key15, nonce: "cafebabefacedbaddecaf888",
            plaintext: String(plaintext15.dropLast(8)), associatedData: "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            ciphertext: String(ciphertext15.dropLast(8)), tag: "76fc6ece0f4e1768cddf8853bb2d551b"),
    ]

    func testSealGivesThePublishedCiphertextAndTag() throws {
        for vector in Self.vectors {
            XCTAssertEqual(try vector.sealed(), vector.ciphertext + vector.tag, vector.name)
        }
    }

    func testOpenTakesThePublishedCiphertextAndRefusesAnotherTag() throws {
        for vector in Self.vectors {
            XCTAssertEqual(try vector.opened(), vector.plaintext, vector.name)
            var forged = try Vector.bytes(vector.ciphertext + vector.tag)
            forged[forged.count - 1] ^= 0x80
            XCTAssertThrowsError(try vector.opened(forged), vector.name)
        }
    }
}
