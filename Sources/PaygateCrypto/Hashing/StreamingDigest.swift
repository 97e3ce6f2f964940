import COpenSSL
import PaygateCore

/// SHA-1 or SHA-256 fed a chunk at a time, one OpenSSL digest context per hasher.
public class StreamingDigest {
    private let context: OpaquePointer
    private let byteCount: Int

    init(_ algorithm: OpaquePointer, byteCount: Int) {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, algorithm, nil) == 1 else {
            preconditionFailure("digest context: \(OpenSSLErrorQueue.drain() ?? "no reason given")")
        }
        self.context = context
        self.byteCount = byteCount
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    public func update(_ bytes: [UInt8]) {
        let status = bytes.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        precondition(status == 1, "digest update failed: \(OpenSSLErrorQueue.drain() ?? "no reason given")")
    }

    /// The digest of everything fed so far, as lower-case hex; the hasher is done after this.
    public func finishHex() -> String {
        var digest = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let status = digest.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        precondition(status == 1 && length == UInt32(byteCount), "digest final failed")
        return Hex.encode(digest)
    }
}

/// SHA-256 of a file read in chunks (a kept statement's own digest).
public final class SHA256Hasher: StreamingDigest {
    public init() { super.init(Algorithms.shared.sha256, byteCount: SHA256Digest.byteCount) }
}

/// SHA-1 fed a chunk at a time, for checking a downloaded file against the digest its channel
/// published (WeChat Pay's statements name a SHA-1) without holding the file in memory. SHA-1
/// is broken for signatures; here it only detects a file damaged or cut short in transit, and the
/// digest itself arrived in a signed answer.
///
/// One hasher per file, used by one thread (an OpenSSL digest context is not shareable).
public final class SHA1Hasher: StreamingDigest {
    public static let byteCount = 20

    public init() { super.init(Algorithms.shared.sha1, byteCount: Self.byteCount) }

    /// SHA-1 of `bytes` as lower-case hex (the sandbox's published digests, tests).
    public static func hexHash(_ bytes: [UInt8]) -> String {
        let hasher = SHA1Hasher()
        hasher.update(bytes)
        return hasher.finishHex()
    }
}
