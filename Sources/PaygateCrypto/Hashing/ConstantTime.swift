import COpenSSL

/// Comparison whose duration does not depend on where the inputs differ.
///
/// Use it for every comparison of a MAC, signature or token against an expected value: an
/// early-exit `==` would let an attacker learn the expected value byte by byte from timing.
public enum ConstantTime {
    /// True when both have the same length and the same bytes. Lengths are not secret (a MAC
    /// has a fixed length), so a length mismatch returns false at once.
    public static func equals(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else {
            return false
        }
        guard !left.isEmpty else {
            return true
        }
        return left.withUnsafeBytes { leftBytes in
            right.withUnsafeBytes { rightBytes in
                CRYPTO_memcmp(leftBytes.baseAddress, rightBytes.baseAddress, leftBytes.count) == 0
            }
        }
    }
}
