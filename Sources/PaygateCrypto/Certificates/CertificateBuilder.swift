import COpenSSL

/// What a new certificate says: its subject, serial, validity and extensions.
public struct CertificateTemplate: Sendable {
    /// Subject `CN=commonName`; the only name the stack's certificates carry.
    public var commonName: String
    /// An unsigned big-endian number, not zero, whose DER encoding fits in
    /// `X509Certificate.serialNumberBytesMax` bytes (so 20 bytes only when the first is below
    /// 0x80: DER adds a sign byte above).
    public var serialNumber: [UInt8]
    public var notBeforeUnixSeconds: Int64
    /// 1...`X509Certificate.validityDaysMax`.
    public var validityDays: Int
    public var extensions: [CertificateExtension]

    public init(
        commonName: String, serialNumber: [UInt8], notBeforeUnixSeconds: Int64, validityDays: Int, extensions: [CertificateExtension]
    ) {
        self.commonName = commonName
        self.serialNumber = serialNumber
        self.notBeforeUnixSeconds = notBeforeUnixSeconds
        self.validityDays = validityDays
        self.extensions = extensions
    }
}

/// Makes version 3 certificates signed with SHA-256 (RSA PKCS#1 v1.5 or ECDSA, after the
/// signer's key): the local stack's channel certificates, its TLS CA and server certificate.
/// Production certificates come from the channels and a real CA, never from here.
public enum CertificateBuilder {
    /// A certificate for `key` from `template`, signed by `issuer`, or by `key` itself when
    /// `issuer` is nil (self-signed: issuer and subject are the same name). Returns its PEM.
    public static func issue(
        _ template: CertificateTemplate, key: CertificateKey, issuer: CertificateIssuer? = nil
    ) throws(CryptoError) -> String {
        try check(template)
        guard let certificate = X509_new() else {
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "X509_new failed")
        }
        let handle = CertificateHandle(certificate)
        try fill(certificate, template, key: key, issuerName: issuer.map { X509_get_subject_name($0.certificate.pointer) })
        let issuerCertificate = issuer?.certificate.pointer ?? certificate
        for entry in template.extensions {
            guard paygate_x509_add_extension(certificate, issuerCertificate, entry.nid, entry.configurationText) == 1 else {
                throw OpenSSLErrorQueue.error(.certificateCreationFailed, "adding the extension \(entry.configurationText) failed")
            }
        }
        let signer = issuer?.key ?? key
        guard X509_sign(certificate, signer.pointer, Algorithms.shared.sha256) > 0 else {
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "X509_sign failed")
        }
        let pem = try MemoryBIO.writing(secure: false, "PEM_write_bio_X509") { bio in PEM_write_bio_X509(bio, handle.pointer) }
        return String(decoding: pem, as: UTF8.self)
    }

    private static func check(_ template: CertificateTemplate) throws(CryptoError) {
        let significant = template.serialNumber.drop { $0 == 0 }
        let encodedCount = significant.count + ((significant.first ?? 0) >= 0x80 ? 1 : 0)
        guard !significant.isEmpty && encodedCount <= X509Certificate.serialNumberBytesMax else {
            throw CryptoError(
                .certificateCreationFailed,
                "a serial number is not zero and encodes in at most \(X509Certificate.serialNumberBytesMax) bytes")
        }
        guard template.validityDays >= 1 && template.validityDays <= X509Certificate.validityDaysMax else {
            throw CryptoError(
                .certificateCreationFailed, "validity of \(template.validityDays) days is outside 1...\(X509Certificate.validityDaysMax)")
        }
        guard !template.commonName.isEmpty && template.commonName.count <= X509Certificate.commonNameCharactersMax else {
            throw CryptoError(.certificateCreationFailed, "a common name has 1 to \(X509Certificate.commonNameCharactersMax) characters")
        }
    }

    /// Version, serial, names, validity and public key: everything but extensions and signature.
    private static func fill(
        _ certificate: OpaquePointer, _ template: CertificateTemplate, key: CertificateKey, issuerName: OpaquePointer?
    ) throws(CryptoError) {
        guard X509_set_version(certificate, 2) == 1 else {  // 2 means version 3
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "X509_set_version failed")
        }
        guard let number = BN_bin2bn(template.serialNumber, Int32(template.serialNumber.count), nil) else {
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "BN_bin2bn failed")
        }
        defer { BN_free(number) }
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil else {
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "setting the serial number failed")
        }
        guard let name = X509_get_subject_name(certificate),
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, template.commonName, -1, -1, 0) == 1,
            X509_set_issuer_name(certificate, issuerName ?? name) == 1
        else {
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "setting the subject and issuer failed")
        }
        let start = time_t(template.notBeforeUnixSeconds)
        guard ASN1_TIME_set(X509_getm_notBefore(certificate), start) != nil,
            ASN1_TIME_adj(X509_getm_notAfter(certificate), start, Int32(template.validityDays), 0) != nil
        else {
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "setting the validity failed")
        }
        // Only the public half is written into the certificate.
        guard X509_set_pubkey(certificate, key.pointer) == 1 else {
            throw OpenSSLErrorQueue.error(.certificateCreationFailed, "X509_set_pubkey failed")
        }
    }
}
