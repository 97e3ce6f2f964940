import COpenSSL

/// Unpredictable bytes from OpenSSL's CSPRNG, for secrets, nonces and ids.
///
/// OpenSSL 3 keeps its generators per thread and reseeds after `fork`, so this is safe from
/// any thread of any worker process.
public enum SecureRandom {
    /// One call never asks for more than this; larger requests are a programmer error.
    public static let bytesPerCallMax = 1 << 20

    static let alphanumericCharacters: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// Random bytes drawn until every character is chosen; the largest multiple of 62 in a
    /// byte is 248, and bytes at or above it are drawn again so no character is more likely.
    static let alphanumericAcceptedBelow = UInt8(256 / 62 * 62)

    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        precondition(count >= 0 && count <= bytesPerCallMax, "random byte count \(count) outside 0...\(bytesPerCallMax)")
        var bytes = [UInt8](repeating: 0, count: count)
        try fill(&bytes)
        return bytes
    }

    public static func uint64() throws(CryptoError) -> UInt64 {
        let bytes = try bytes(8)
        return bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// `count` characters of `[A-Za-z0-9]`, each uniformly chosen: merchant secrets and nonces.
    public static func alphanumeric(_ count: Int) throws(CryptoError) -> String {
        precondition(count >= 0 && count <= bytesPerCallMax, "alphanumeric count \(count) outside 0...\(bytesPerCallMax)")
        var characters: [UInt8] = []
        characters.reserveCapacity(count)
        // About 3% of bytes are drawn again, so one batch with a little extra nearly always suffices.
        var pool: [UInt8] = []
        while characters.count < count {
            pool = try bytes(min(count - characters.count + 8, bytesPerCallMax))
            for byte in pool where byte < alphanumericAcceptedBelow && characters.count < count {
                characters.append(alphanumericCharacters[Int(byte % 62)])
            }
        }
        return String(decoding: characters, as: UTF8.self)
    }

    static func fill(_ bytes: inout [UInt8]) throws(CryptoError) {
        if bytes.isEmpty {
            return
        }
        let status = bytes.withUnsafeMutableBufferPointer { buffer in
            RAND_bytes(buffer.baseAddress, Int32(buffer.count))
        }
        guard status == 1 else {
            throw OpenSSLErrorQueue.error(.randomUnavailable, "RAND_bytes failed")
        }
    }
}
