import PaygateCore
import XCTest

@testable import PaygateCrypto

/// One published AES-256-GCM known answer, in hex as published, and what our wrapper makes of it.
struct AESGCMVector {
    let name: String
    let key: String
    let nonce: String
    let plaintext: String
    let associatedData: String
    let ciphertext: String
    let tag: String

    static func bytes(_ hex: String) throws -> [UInt8] {
        try XCTUnwrap(Hex.decode(hex), "not hex: \(hex)")
    }

    /// `AESGCM.seal` of the plaintext, as hex ciphertext + tag.
    func sealed() throws -> String {
        Hex.encode(
            try AESGCM.seal(
                key: try Self.bytes(key), nonce: try Self.bytes(nonce), plaintext: try Self.bytes(plaintext),
                associatedData: try Self.bytes(associatedData)))
    }

    /// `AESGCM.open` of `ciphertextAndTag` (the published one by default), as hex plaintext.
    func opened(_ ciphertextAndTag: [UInt8]? = nil) throws -> String {
        Hex.encode(
            try AESGCM.open(
                key: try Self.bytes(key), nonce: try Self.bytes(nonce),
                ciphertextAndTag: try ciphertextAndTag ?? Self.bytes(ciphertext + tag), associatedData: try Self.bytes(associatedData)))
    }
}
