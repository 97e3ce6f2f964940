import PaygateCore
import PaygateCrypto

/// Text sealed at rest in a TEXT column: the hex of a `SecretBox` value (version byte first, so
/// it starts with "0"). A value written before sealing began is JSON, starting with "{": it is
/// read as it is, and sealed by the next `paygate-admin keys rotate-master`.
enum SealedText {
    static func seal(_ text: String, associatedData: [UInt8], keys: KeyRing) throws -> String {
        Hex.encode(try keys.seal(Array(text.utf8), associatedData: associatedData))
    }

    static func open(_ stored: String, associatedData: [UInt8], keys: KeyRing, shard: String) throws -> String {
        if isPlaintext(stored) { return stored }
        guard let sealed = Hex.decode(stored) else { throw StorageError.corrupt(shard: shard, detail: "a sealed value is not hex") }
        return String(decoding: try keys.open(sealed, associatedData: associatedData), as: UTF8.self)
    }

    static func isPlaintext(_ stored: String) -> Bool {
        stored.utf8.first == UInt8(ascii: "{")
    }

    /// The hex every value sealed under key `id` starts with (version 2, then the id).
    static func hexPrefix(keyId id: UInt32) -> String {
        Hex.encode([SecretBox.version, UInt8(id >> 24), UInt8((id >> 16) & 0xFF), UInt8((id >> 8) & 0xFF), UInt8(id & 0xFF)])
    }
}

/// A payment's `payer` (ip, device_id, user_id: docs/API.md section 5), sealed with the payment
/// id as associated data, so a sealed payer copied onto another payment does not open.
public enum PayerSeal {
    public static func seal(_ json: String, paymentId: String, keys: KeyRing) throws -> String {
        try SealedText.seal(json, associatedData: Array(paymentId.utf8), keys: keys)
    }

    public static func open(_ stored: String, paymentId: String, keys: KeyRing) throws -> String {
        try SealedText.open(stored, associatedData: Array(paymentId.utf8), keys: keys, shard: "payments")
    }
}

/// A stored Idempotency-Key answer (docs/API.md section 7), sealed with its merchant and key as
/// associated data.
enum IdempotencyAnswerSeal {
    static func associatedData(merchantId: String, key: String) -> [UInt8] {
        Array(merchantId.utf8) + [0x1F] + Array(key.utf8)
    }
}
