import CMariaDB

/// TLS settings of one connection, as Connector/C takes them.
public struct ConnectionTLS: Sendable, Equatable {
    public var caFile: String
    public var certificateFile: String?
    public var keyFile: String?
    public var verifyServerCertificate: Bool

    public init(caFile: String, certificateFile: String?, keyFile: String?, verifyServerCertificate: Bool) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.verifyServerCertificate = verifyServerCertificate
    }
}

extension Connection {
    /// Connector/C's TLS options, set before connecting. `MYSQL_OPT_SSL_ENFORCE` makes a server
    /// that does not offer TLS a failed connect rather than a plain one; with
    /// `MYSQL_OPT_SSL_VERIFY_SERVER_CERT` the server's certificate must chain to `caFile` and name
    /// the host connected to, so a machine in the middle cannot answer in its place.
    static func applyTLS(_ tls: ConnectionTLS, to mysql: UnsafeMutablePointer<MYSQL>) {
        mysql_options(mysql, MYSQL_OPT_SSL_CA, tls.caFile)
        if let certificateFile = tls.certificateFile { mysql_options(mysql, MYSQL_OPT_SSL_CERT, certificateFile) }
        if let keyFile = tls.keyFile { mysql_options(mysql, MYSQL_OPT_SSL_KEY, keyFile) }
        var enforce: my_bool = 1
        mysql_options(mysql, MYSQL_OPT_SSL_ENFORCE, &enforce)
        var verify: my_bool = tls.verifyServerCertificate ? 1 : 0
        mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify)
    }
}
