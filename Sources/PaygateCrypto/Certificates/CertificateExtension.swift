import COpenSSL

/// The X.509 v3 extensions the stack's certificates carry (RFC 5280 section 4.2), each written
/// for OpenSSL as the configuration text `openssl req`'s extension sections use.
public enum CertificateExtension: Sendable, Equatable {
    public enum KeyUsage: String, Sendable {
        case digitalSignature, nonRepudiation, keyCertSign, cRLSign
    }

    /// Critical. `pathLength` only for a CA: how many intermediate CAs may follow it.
    case basicConstraints(certificateAuthority: Bool, pathLength: Int?)
    /// Critical.
    case keyUsage([KeyUsage])
    /// Not critical: the certificate authenticates a TLS server.
    case extendedKeyUsageServerAuthentication
    /// Not critical: the names a TLS client checks the server against.
    case subjectAlternativeNames(ipAddresses: [String], dnsNames: [String])
    /// The SHA-1 of the public key, as RFC 5280 method 1 computes it.
    case subjectKeyIdentifier
    /// The issuer's subject key identifier.
    case authorityKeyIdentifier

    var nid: Int32 {
        switch self {
        case .basicConstraints: NID_basic_constraints
        case .keyUsage: NID_key_usage
        case .extendedKeyUsageServerAuthentication: NID_ext_key_usage
        case .subjectAlternativeNames: NID_subject_alt_name
        case .subjectKeyIdentifier: NID_subject_key_identifier
        case .authorityKeyIdentifier: NID_authority_key_identifier
        }
    }

    /// The value in OpenSSL's configuration syntax.
    var configurationText: String {
        switch self {
        case .basicConstraints(let authority, let pathLength):
            guard authority else { return "critical,CA:FALSE" }
            return "critical,CA:TRUE" + (pathLength.map { ",pathlen:\($0)" } ?? "")
        case .keyUsage(let usages):
            return "critical," + usages.map(\.rawValue).joined(separator: ",")
        case .extendedKeyUsageServerAuthentication:
            return "serverAuth"
        case .subjectAlternativeNames(let addresses, let names):
            return (addresses.map { "IP:" + $0 } + names.map { "DNS:" + $0 }).joined(separator: ",")
        case .subjectKeyIdentifier:
            return "hash"
        case .authorityKeyIdentifier:
            return "keyid"
        }
    }
}
