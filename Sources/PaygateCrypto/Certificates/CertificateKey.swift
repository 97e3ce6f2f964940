import COpenSSL

/// A private key a certificate is made for and signed with: RSA for the channel accounts'
/// certificates, EC P-256 for the local TLS CA and server certificate.
public enum CertificateKey: Sendable {
    case rsa(RSAPrivateKey)
    case ecP256(ECPrivateKey)

    /// The `EVP_PKEY` behind the key, alive as long as the value is.
    var pointer: OpaquePointer {
        switch self {
        case .rsa(let key): key.handle.pointer
        case .ecP256(let key): key.handle.pointer
        }
    }
}
