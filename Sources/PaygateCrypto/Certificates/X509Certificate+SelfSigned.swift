import COpenSSL

extension X509Certificate {
    /// RFC 5280 allows serial numbers of at most 20 bytes.
    public static let serialNumberBytesMax = 20
    /// Ten years: the local stack's certificates outlive any test run or demo.
    public static let validityDaysMax = 3650
    /// The X.509 upper bound for a common name, in characters.
    public static let commonNameCharactersMax = 64

    /// A version 3 certificate for `key`, signed by `key` itself with SHA256withRSA, with
    /// subject and issuer `CN=commonName`, valid from `notBeforeUnixSeconds` for
    /// `validityDays`. For the local stack's channel accounts and for tests, never for TLS.
    ///
    /// `serialNumber` is an unsigned big-endian number, not zero, whose DER encoding fits in 20
    /// bytes (so 20 bytes only when the first is below 0x80: DER adds a sign byte above). The
    /// result is the certificate as read back from its own PEM, exactly what a peer will parse.
    public static func selfSigned(
        key: RSAPrivateKey,
        commonName: String,
        serialNumber: [UInt8],
        notBeforeUnixSeconds: Int64,
        validityDays: Int
    ) throws(CryptoError) -> X509Certificate {
        try checkParameters(commonName: commonName, serialNumber: serialNumber, validityDays: validityDays)
        guard let certificate = X509_new() else {
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "X509_new failed")
        }
        let handle = CertificateHandle(certificate)
        try fill(certificate, key: key, commonName: commonName, serialNumber: serialNumber,
                 notBeforeUnixSeconds: notBeforeUnixSeconds, validityDays: validityDays)
        guard X509_sign(certificate, key.handle.pointer, Algorithms.shared.sha256) > 0 else {
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "X509_sign failed")
        }
        let pem = try MemoryBIO.writing(secure: false, "PEM_write_bio_X509") { bio in PEM_write_bio_X509(bio, handle.pointer) }
        return try X509Certificate(pem: pem)
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

    private static func checkParameters(commonName: String, serialNumber: [UInt8], validityDays: Int) throws(CryptoError) {
        let significant = serialNumber.drop { $0 == 0 }
        let encodedCount = significant.count + ((significant.first ?? 0) >= 0x80 ? 1 : 0)
        guard !significant.isEmpty && encodedCount <= serialNumberBytesMax else {
            throw CryptoError(.certificateCreationFailed, "a serial number is not zero and encodes in at most \(serialNumberBytesMax) bytes")
        }
        guard validityDays >= 1 && validityDays <= validityDaysMax else {
            throw CryptoError(.certificateCreationFailed, "validity of \(validityDays) days is outside 1...\(validityDaysMax)")
        }
        guard !commonName.isEmpty && commonName.count <= commonNameCharactersMax else {
            throw CryptoError(.certificateCreationFailed, "a common name has 1 to \(commonNameCharactersMax) characters")
        }
    }

    private static func fill(
        _ certificate: OpaquePointer,
        key: RSAPrivateKey,
        commonName: String,
        serialNumber: [UInt8],
        notBeforeUnixSeconds: Int64,
        validityDays: Int
    ) throws(CryptoError) {
        guard X509_set_version(certificate, 2) == 1 else {  // 2 means version 3
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "X509_set_version failed")
        }
        guard let number = BN_bin2bn(serialNumber, Int32(serialNumber.count), nil) else {
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "BN_bin2bn failed")
        }
        defer { BN_free(number) }
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil else {
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "setting the serial number failed")
        }
        guard let name = X509_get_subject_name(certificate),
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, commonName, -1, -1, 0) == 1,
              X509_set_issuer_name(certificate, name) == 1
        else {
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "setting the subject and issuer failed")
        }
        guard ASN1_TIME_set(X509_getm_notBefore(certificate), time_t(notBeforeUnixSeconds)) != nil,
              ASN1_TIME_adj(X509_getm_notAfter(certificate), time_t(notBeforeUnixSeconds), Int32(validityDays), 0) != nil
        else {
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "setting the validity failed")
        }
        // Only the public half is written into the certificate.
        guard X509_set_pubkey(certificate, key.handle.pointer) == 1 else {
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "X509_set_pubkey failed")
        }
    }
}
