import COpenSSL

/// HMAC-SHA256 (RFC 2104) through OpenSSL's EVP_MAC interface.
///
/// Used for every merchant request signature and every webhook signature, so it avoids the
/// per-call algorithm lookups of the one-shot `HMAC()` (which in OpenSSL 3.0 fetches both the
/// MAC and the digest by name on each call): each thread keeps one context bound to SHA-256
/// and only sets a new key per call. See `HMACContextCache`.
public enum HMACSHA256 {
    /// Length of every result.
    public static let byteCount = 32

    public static func authenticate(key: [UInt8], message: [UInt8]) -> [UInt8] {
        key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                authenticate(keyBytes: keyBytes, messageBytes: messageBytes)
            }
        }
    }

    /// Any byte collections, for example `secret.utf8` and `stringToSign.utf8`: contiguous
    /// ones (arrays, native strings) are read in place without a copy.
    public static func authenticate<Key: Collection<UInt8>, Message: Collection<UInt8>>(
        key: Key,
        message: Message
    ) -> [UInt8] {
        withContiguousBytes(key) { keyBytes in
            withContiguousBytes(message) { messageBytes in
                authenticate(keyBytes: keyBytes, messageBytes: messageBytes)
            }
        }
    }

    /// Key and message as their UTF-8 bytes, as docs/API.md section 2 defines the signature.
    public static func authenticate(key: String, message: String) -> [UInt8] {
        authenticate(key: key.utf8, message: message.utf8)
    }

    /// A key kept in a `Secret`, read only for the duration of the call.
    public static func authenticate<Message: Collection<UInt8>>(key: Secret, message: Message) -> [UInt8] {
        key.withBytes { keyBytes in authenticate(key: keyBytes, message: message) }
    }

    static func authenticate(keyBytes: UnsafeRawBufferPointer, messageBytes: UnsafeRawBufferPointer) -> [UInt8] {
        let context = HMACContextCache.contextForCurrentThread()
        var result = [UInt8](repeating: 0, count: byteCount)
        var resultLength = 0
        let succeeded = withKeyPointer(keyBytes) { keyPointer in
            result.withUnsafeMutableBufferPointer { output in
                // A NULL key would tell OpenSSL to keep the previous key of this thread's
                // context, which is someone else's: withKeyPointer never passes NULL.
                EVP_MAC_init(context, keyPointer, keyBytes.count, nil) == 1
                    && EVP_MAC_update(context, messageBytes.unsignedChars, messageBytes.count) == 1
                    && EVP_MAC_final(context, output.baseAddress, &resultLength, output.count) == 1
            }
        }
        // With a valid context and SHA-256 these calls can only fail if memory runs out.
        precondition(
            succeeded && resultLength == byteCount,
            "HMAC-SHA256 failed: \(OpenSSLErrorQueue.drain() ?? "no reason given")"
        )
        return result
    }

    /// Passes a non-NULL pointer even for an empty key (HMAC with an empty key is defined).
    private static func withKeyPointer<Result>(
        _ keyBytes: UnsafeRawBufferPointer,
        _ body: (UnsafePointer<UInt8>) -> Result
    ) -> Result {
        if let pointer = keyBytes.unsignedChars {
            return body(pointer)
        }
        var placeholder: UInt8 = 0
        return withUnsafePointer(to: &placeholder) { body($0) }
    }
}
