import PaygateCore
import XCTest

@testable import PaygateCrypto

/// Known answers for AES-256-GCM published by NIST, beside the McGrew–Viega cases of
/// `AESGCMKnownAnswerTests`, each recomputed with python-cryptography's AESGCM before it was
/// written here:
/// - CAVP `gcmEncryptExtIV256.rsp` and `gcmDecrypt256.rsp` (GCMVS, 96-bit IVs), including a
///   decrypt case the response file marks FAIL, which must be refused;
/// - two vectors with a 128-bit (16-byte) IV from the "AES-GCM NIST Validation (AES-256,128,...)"
///   set as Mbed TLS publishes it (`tests/suites/test_suite_gcm.aes256_en.data`). A nonce that is
///   not 12 bytes is not used as the counter block: GCM derives it with GHASH (SP 800-38D, 7.1
///   step 2), which `GCM.start` asks OpenSSL for by setting the nonce length first. A wrapper that
///   skipped that call, or passed only 12 of the 16 bytes, would still agree with itself and with
///   every 96-bit vector; these two catch it.
final class AESGCMNISTVectorTests: XCTestCase {
    typealias Vector = AESGCMVector

    static let passing = [
        Vector(
            name: "gcmEncryptExtIV256 [IVlen 96, PTlen 0, AADlen 0] Count 0",
            key: "b52c505a37d78eda5dd34f20c22540ea1b58963cf8e5bf8ffa85f9f2492505b4", nonce: "516c33929df5a3284ff463d7",
            plaintext: "", associatedData: "", ciphertext: "", tag: "bdc1ac884d332457a1d2664f168c76f0"),
        Vector(
            name: "gcmEncryptExtIV256 [IVlen 96, PTlen 128, AADlen 160]",
            key: "83688deb4af8007f9b713b47cfa6c73e35ea7a3aa4ecdb414dded03bf7a0fd3a", nonce: "0b459724904e010a46901cf3",
            plaintext: "33d893a2114ce06fc15d55e454cf90c3", associatedData: "794a14ccd178c8ebfd1379dc704c5e208f9d8424",
            ciphertext: "cc66bee423e3fcd4c0865715e9586696", tag: "0fb291bd3dba94a1dfd8b286cfb97ac5"),
        Vector(
            name: "gcmDecrypt256 [IVlen 96, PTlen 128, AADlen 128] Count 0",
            key: "54e352ea1d84bfe64a1011096111fbe7668ad2203d902a01458c3bbd85bfce14", nonce: "df7c3bca00396d0c018495d9",
            plaintext: "85fc3dfad9b5a8d3258e4fc44571bd3b", associatedData: "7e968d71b50c1f11fd001f3fef49d045",
            ciphertext: "426e0efc693b7be1f3018db7ddbb7e4d", tag: "ee8257795be6a1164d7e1d2d6cac77a7"),
        Vector(
            name: "NIST Validation (AES-256,128,0,0,128) #0: 128-bit IV, nothing but the tag",
            key: "fb8094dd2eddb3d8004bb79134023ca2be4de9b668a9e4608abdf2130e8becb8", nonce: "491a14e13b591cf2f39da96b6882b5e5",
            plaintext: "", associatedData: "", ciphertext: "", tag: "80883f2c925434a5edfcefd5b123d520"),
        Vector(
            name: "NIST Validation (AES-256,128,1024,1024,128) #0: 128-bit IV, 128 bytes of text and of associated data",
            key: "cd8ec237009eab590dbd9b31e76513dfa3501701b1a706982944441d996e1839", nonce: "a3cae7aa59edb5f91ee21231002db8e2",
            plaintext: "9eef7c9a0fa3e9a7fcc4b2f9d210a97d6653ded7913f2fb2de825a0dfd78ae1cca68c040f2328009fffe62937d630ee9"
                + "d6e0e67bc12c38c0b3d035697d4c2311371aacf41cce0d523016ee436a47d93af0df77011131856d072c718c310f0995"
                + "b71530d70a3da881481f46f21dda62e3e4c898bb9f819b22f816b7c4e2fb6729",
            associatedData: "45fa52a0e8321d82caea95bd9506f7331923e2aa95e9238908f3ff30e17a96389dfea75e225e34e1605354eaaf999a95"
                + "0f469c6e2e8722da5ad9daded6722baca00e5d1b8e63266ad1b42cae161b9c089f4ffdfbbaa2f1fb0245d1a4c306d46e"
                + "215e8c6c6ae37652a8f6016f92adb7695d40bde8c202ab9c2d70a96220b4b01b",
            ciphertext: "833d58f0bbd735c6164ecaa295e95ad1143c564d24817d5f6dded5d2d9b2bed2dc05da4a8a16e20fdf90f839370832f9"
                + "ddc94e4e564db3ae647068537669b168cc418ea7d0e55b2bb8fd861f9f893a3fdba6aace498bc6afe400fea6b2a8c589"
                + "24c71ce5db98cfce835161a5cf6187870aa32f522d406c52f91c30543ea6aa16",
            tag: "c1df4ee60b10f79173032e9baaf04d3f"),
    ]

    /// gcmDecrypt256.rsp [IVlen 96, PTlen 128, AADlen 128] Count 2, marked FAIL: no plaintext.
    static let failing = Vector(
        name: "gcmDecrypt256 [IVlen 96, PTlen 128, AADlen 128] Count 2 (FAIL)",
        key: "9a0343f850a6427120f764789ffec6d237447b898fbf51d2182f065d3861497d", nonce: "3deef6f453dd70d92143adcd",
        plaintext: "", associatedData: "dbb8226a624520863db6897017b2a4f8",
        ciphertext: "e93165935ac18e3a2845d15fe31a9286", tag: "f5fc50d18766bc3d9e16dd136d45816b")

    func testTheVectorsCoverBothNonceLengths() throws {
        let nonceByteCounts = Set(try Self.passing.map { try Vector.bytes($0.nonce).count })
        XCTAssertEqual(nonceByteCounts, [GCM.standardNonceByteCount, 16])
    }

    func testSealGivesThePublishedCiphertextAndTag() throws {
        for vector in Self.passing {
            XCTAssertEqual(try vector.sealed(), vector.ciphertext + vector.tag, vector.name)
        }
    }

    func testOpenGivesThePublishedPlaintext() throws {
        for vector in Self.passing {
            XCTAssertEqual(try vector.opened(), vector.plaintext, vector.name)
        }
    }

    func testOpenRefusesTheVectorNISTMarksFail() throws {
        XCTAssertThrowsError(try Self.failing.opened()) { error in
            XCTAssertEqual((error as? CryptoError)?.code, .authenticationFailed, "\(error)")
        }
    }

    /// The 16-byte nonce is used whole: its first 12 bytes alone give another tag.
    func testASixteenByteNonceIsNotCutToTwelve() throws {
        let vector = Self.passing[3]
        let cut = try AESGCM.seal(
            key: try Vector.bytes(vector.key), nonce: Array(try Vector.bytes(vector.nonce).prefix(GCM.standardNonceByteCount)),
            plaintext: [],
            associatedData: [])
        XCTAssertNotEqual(Hex.encode(cut), vector.tag)
    }
}
