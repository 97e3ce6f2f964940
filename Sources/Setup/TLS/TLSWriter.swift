import PaygateCrypto

/// ROOT/tls: a local CA and, signed by it, nginx's server certificate for 127.0.0.1 and
/// localhost. Keys are EC P-256. Each is made only when missing, so clients that trust ca.pem
/// keep trusting the stack across restarts; a new CA also makes a new server certificate.
enum TLSWriter {
    /// Ten years: the CA outlives any local stack.
    static let caValidityDays = 3650
    /// 825 days is the longest leaf lifetime that browsers and Apple's TLS stack still accept.
    static let serverValidityDays = 825
    /// Random serials, as a CA must make them unpredictable (CA/Browser Forum: at least 64 bits).
    static let serialNumberBytes = 16
    /// The PEM of a P-256 key is a few hundred bytes.
    static let keyFileBytesMax = 64 * 1024

    static let caCommonName = "paygate local development CA"
    static let serverCommonName = "localhost"
    static let serverIPAddresses = ["127.0.0.1"]
    static let serverDNSNames = ["localhost"]

    static func ensure(_ layout: StackLayout, now: Int64, notes: inout [String]) throws(SetupError) {
        // Listable, so tools and tests can read ca.pem; the keys themselves are 0600.
        try SetupFiles.directory(layout.tlsDirectory, mode: SetupFiles.listableDirectoryMode)
        if !(SetupFiles.hasContents(layout.caCertificateFile) && SetupFiles.hasContents(layout.caKeyFile)) {
            notes.append("generating a local CA in \(layout.tlsDirectory)")
            try makeCA(layout, now: now)
            // A certificate signed by an older CA would no longer verify.
            try SetupFiles.remove(layout.serverCertificateFile)
        }
        if !(SetupFiles.hasContents(layout.serverCertificateFile) && SetupFiles.hasContents(layout.serverKeyFile)) {
            notes.append("generating the server certificate for 127.0.0.1 and localhost")
            try makeServer(layout, now: now)
        }
        // Kept as the scripts left them, whoever made the files.
        try SetupFiles.setMode(layout.caKeyFile, ProtectedFile.mode(for: .ownerOnly))
        try SetupFiles.setMode(layout.serverKeyFile, ProtectedFile.mode(for: .ownerOnly))
        try SetupFiles.setMode(layout.caCertificateFile, ProtectedFile.mode(for: .anyone))
        try SetupFiles.setMode(layout.serverCertificateFile, ProtectedFile.mode(for: .anyone))
    }

    private static func makeCA(_ layout: StackLayout, now: Int64) throws(SetupError) {
        let key = try SetupFiles.crypto("generating the CA key") { () throws(CryptoError) in try ECPrivateKey.generateP256() }
        let template = CertificateTemplate(
            commonName: caCommonName, serialNumber: try SerialNumber.random(bytes: serialNumberBytes), notBeforeUnixSeconds: now,
            validityDays: caValidityDays,
            extensions: [
                .basicConstraints(certificateAuthority: true, pathLength: 0), .keyUsage([.keyCertSign, .cRLSign]), .subjectKeyIdentifier,
            ])
        let pem = try SetupFiles.crypto("making the CA certificate") { () throws(CryptoError) in
            try CertificateBuilder.issue(template, key: .ecP256(key))
        }
        try SetupFiles.write(
            layout.caKeyFile, try SetupFiles.crypto("exporting the CA key") { () throws(CryptoError) in try key.pemPKCS8() }, .ownerOnly)
        try SetupFiles.write(layout.caCertificateFile, text: pem, .anyone)
    }

    private static func makeServer(_ layout: StackLayout, now: Int64) throws(SetupError) {
        let issuer = try readCA(layout)
        let key = try SetupFiles.crypto("generating the server key") { () throws(CryptoError) in try ECPrivateKey.generateP256() }
        let template = CertificateTemplate(
            commonName: serverCommonName, serialNumber: try SerialNumber.random(bytes: serialNumberBytes), notBeforeUnixSeconds: now,
            validityDays: serverValidityDays,
            extensions: [
                .basicConstraints(certificateAuthority: false, pathLength: nil), .keyUsage([.digitalSignature]),
                .extendedKeyUsageServerAuthentication,
                .subjectAlternativeNames(ipAddresses: serverIPAddresses, dnsNames: serverDNSNames),
                .subjectKeyIdentifier, .authorityKeyIdentifier,
            ])
        let pem = try SetupFiles.crypto("making the server certificate") { () throws(CryptoError) in
            try CertificateBuilder.issue(template, key: .ecP256(key), issuer: issuer)
        }
        try SetupFiles.write(
            layout.serverKeyFile, try SetupFiles.crypto("exporting the server key") { () throws(CryptoError) in try key.pemPKCS8() },
            .ownerOnly)
        try SetupFiles.write(layout.serverCertificateFile, text: pem, .anyone)
    }

    /// The CA as the files hold it (made now, or by an earlier init or the old scripts).
    private static func readCA(_ layout: StackLayout) throws(SetupError) -> CertificateIssuer {
        let keyPEM = try SetupFiles.readPrivate(layout.caKeyFile, bytesMax: keyFileBytesMax)
        guard let certificatePEM = SetupFiles.read(layout.caCertificateFile) else {
            throw SetupError(.fileSystemFailed, "cannot read \(layout.caCertificateFile)")
        }
        return try SetupFiles.crypto("reading the CA in \(layout.tlsDirectory)") { () throws(CryptoError) in
            try CertificateIssuer(certificatePEM: certificatePEM, key: .ecP256(ECPrivateKey(pem: keyPEM)))
        }
    }
}
