import COpenSSL

/// A CA that signs other certificates: its certificate and its private key, checked to belong
/// together. The certificate may carry any key type `CertificateKey` has (the local TLS CA is
/// EC), which is why this is not an `X509Certificate` (RSA only, for the channels).
public struct CertificateIssuer: Sendable {
    let certificate: CertificateHandle
    let key: CertificateKey

    /// Reads the first certificate of `certificatePEM`; refused (`certificateUnreadable`) when
    /// it is none, or when `key` is not the certificate's own key.
    public init(certificatePEM: [UInt8], key: CertificateKey) throws(CryptoError) {
        let handle = try MemoryBIO.reading(certificatePEM, failure: .certificateUnreadable) { (bio) throws(CryptoError) in
            guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else {
                throw OpenSSLErrorQueue.error(.certificateUnreadable, "reading a PEM certificate failed")
            }
            return CertificateHandle(certificate)
        }
        guard X509_check_private_key(handle.pointer, key.pointer) == 1 else {
            _ = OpenSSLErrorQueue.drain()
            throw CryptoError(.certificateUnreadable, "the issuer's key does not belong to its certificate")
        }
        certificate = handle
        self.key = key
    }
}
