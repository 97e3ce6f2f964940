extension X509Certificate {
    /// RFC 5280 allows serial numbers of at most 20 bytes.
    public static let serialNumberBytesMax = 20
    /// Ten years: the local stack's certificates outlive any test run or demo.
    public static let validityDaysMax = 3650
    /// The X.509 upper bound for a common name, in characters.
    public static let commonNameCharactersMax = 64

    /// A version 3 certificate for `key`, signed by `key` itself with SHA256withRSA, with
    /// subject and issuer `CN=commonName`, valid from `notBeforeUnixSeconds` for
    /// `validityDays`, with `extensions` (none by default). For the local stack's channel
    /// accounts and for tests, never for TLS.
    ///
    /// `serialNumber` is as `CertificateTemplate.serialNumber` says. The result is the
    /// certificate as read back from its own PEM, exactly what a peer will parse.
    public static func selfSigned(
        key: RSAPrivateKey,
        commonName: String,
        serialNumber: [UInt8],
        notBeforeUnixSeconds: Int64,
        validityDays: Int,
        extensions: [CertificateExtension] = []
    ) throws(CryptoError) -> X509Certificate {
        let template = CertificateTemplate(
            commonName: commonName, serialNumber: serialNumber, notBeforeUnixSeconds: notBeforeUnixSeconds,
            validityDays: validityDays, extensions: extensions)
        return try X509Certificate(pem: CertificateBuilder.issue(template, key: .rsa(key)))
    }

    /// `serialNumber` as an unsigned 64-bit number, big-endian without leading zero bytes.
    public static func selfSigned(
        key: RSAPrivateKey,
        commonName: String,
        serialNumber: UInt64,
        notBeforeUnixSeconds: Int64,
        validityDays: Int
    ) throws(CryptoError) -> X509Certificate {
        let bytes = (0..<8).reversed().map { UInt8(truncatingIfNeeded: serialNumber >> ($0 * 8)) }
        let significant = Array(bytes.drop { $0 == 0 })
        return try selfSigned(
            key: key, commonName: commonName, serialNumber: significant.isEmpty ? [0] : significant,
            notBeforeUnixSeconds: notBeforeUnixSeconds, validityDays: validityDays)
    }
}
