/// Everything an `HTTPClient` needs, fixed for the client's life. Built once in `main` (or a worker's
/// start) from the configuration file and passed to each thread's client.
public struct HTTPClientConfiguration: Sendable {
    /// PEM file of the certificate authorities to trust. `nil` means the system store
    /// (/etc/ssl/certs), which real channels need; the local stack passes its own ROOT/tls/ca.pem,
    /// and then only that file is trusted (the system directory is switched off).
    public var caFile: String?
    /// TCP connect plus TLS handshake. Failing here means the request was never sent.
    public var connectTimeoutMilliseconds: Int
    /// The whole exchange, connect included. Failing after the connect means the peer may have
    /// processed the request.
    public var totalTimeoutMilliseconds: Int
    /// Larger responses fail with `.responseTooLarge` rather than grow memory without bound.
    public var responseBodyBytesMax: Int
    /// Response header lines taken together; a guard against a peer that never ends its headers.
    public var responseHeaderBytesMax: Int
    /// Which addresses a request may connect to, checked on the address actually connected to.
    public var destinationPolicy: DestinationPolicy
    /// Plain `http://` is for the local stack only; by default only `https://` is allowed.
    public var allowsPlainHTTP: Bool
    /// Idle connections one libcurl easy handle keeps open for reuse (CURLOPT_MAXCONNECTS); when a
    /// finished transfer leaves more, libcurl closes the oldest. One per origin the client calls:
    /// a worker thread calls a few channel gateways.
    public var connectionCacheCountMax: Int

    /// Defaults suit a channel call: 3 s to connect, 10 s in all (the webhook timeout of docs/API.md
    /// section 8), 1 MiB of body, 64 KiB of headers, any destination, https only, 4 idle
    /// connections per handle (libcurl's own default is 5).
    public init(
        caFile: String? = nil,
        connectTimeoutMilliseconds: Int = 3_000,
        totalTimeoutMilliseconds: Int = 10_000,
        responseBodyBytesMax: Int = 1 << 20,
        responseHeaderBytesMax: Int = 64 << 10,
        destinationPolicy: DestinationPolicy = .any,
        allowsPlainHTTP: Bool = false,
        connectionCacheCountMax: Int = 4
    ) {
        // Programmer errors: a configuration like this would make every request fail or hang.
        precondition(connectTimeoutMilliseconds > 0, "connectTimeoutMilliseconds must be positive")
        precondition(
            totalTimeoutMilliseconds >= connectTimeoutMilliseconds,
            "totalTimeoutMilliseconds must cover connectTimeoutMilliseconds")
        precondition(responseBodyBytesMax > 0, "responseBodyBytesMax must be positive")
        precondition(responseHeaderBytesMax > 0, "responseHeaderBytesMax must be positive")
        precondition(connectionCacheCountMax > 0, "connectionCacheCountMax must be positive")
        self.caFile = caFile
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.totalTimeoutMilliseconds = totalTimeoutMilliseconds
        self.responseBodyBytesMax = responseBodyBytesMax
        self.responseHeaderBytesMax = responseHeaderBytesMax
        self.destinationPolicy = destinationPolicy
        self.allowsPlainHTTP = allowsPlainHTTP
        self.connectionCacheCountMax = connectionCacheCountMax
    }
}
