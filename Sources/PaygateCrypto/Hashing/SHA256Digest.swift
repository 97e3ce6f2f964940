import COpenSSL
import PaygateCore

/// SHA-256 through the digest fetched once in `Algorithms`.
public enum SHA256Digest {
    /// Length of every digest.
    public static let byteCount = 32

    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash(rawBytes: $0) }
    }

    /// Any byte collection, for example `body.utf8`; contiguous ones are read in place.
    public static func hash<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        withContiguousBytes(bytes) { hash(rawBytes: $0) }
    }

    /// Lower-case hex of the digest (64 characters).
    public static func hexHash(_ bytes: [UInt8]) -> String {
        Hex.encode(hash(bytes))
    }

    public static func hexHash<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        Hex.encode(hash(bytes))
    }

    static func hash(rawBytes: UnsafeRawBufferPointer) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: byteCount)
        var digestLength: UInt32 = 0
        let status = digest.withUnsafeMutableBufferPointer { output in
            EVP_Digest(rawBytes.baseAddress, rawBytes.count, output.baseAddress, &digestLength, Algorithms.shared.sha256, nil)
        }
        // EVP_Digest with a fetched SHA-256 can only fail if memory runs out.
        precondition(
            status == 1 && digestLength == UInt32(byteCount),
            "SHA-256 failed: \(OpenSSLErrorQueue.drain() ?? "no reason given")"
        )
        return digest
    }
}
