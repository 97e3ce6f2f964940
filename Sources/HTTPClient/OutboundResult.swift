/// What `HTTPClient.send` gives back: an HTTP response of any status, or why there was none.
public enum OutboundResult: Sendable {
    /// `headers` keep the order received, with lower-case names; `elapsedMilliseconds` is libcurl's
    /// total time for the transfer.
    case response(status: Int, headers: [(String, String)], body: [UInt8], elapsedMilliseconds: Int)
    case failure(OutboundError)
}

/// A request that got no usable response. A struct with a code, so a new code breaks no caller.
public struct OutboundError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// Connect or TLS handshake took longer than the connect timeout: nothing was sent.
        case connectTimeout
        /// The total timeout passed after the request was (perhaps partly) sent.
        case timeout
        /// Refused, reset, unresolvable, or the connection broke.
        case connectionFailed
        /// The peer's certificate did not verify against the configured CA, or the handshake failed.
        case tlsFailure
        /// The destination policy or the scheme rule refused the address before any request was sent.
        case destinationRefused
        /// The response body (or its headers) passed the configured maximum.
        case responseTooLarge
        /// The request itself is unusable (bad URL, method, or a header with CR/LF): nothing was sent.
        case invalidRequest
        /// Any other libcurl result, by its CURLcode number.
        case other(curlCode: Int)
    }

    public let code: Code
    /// For logs: libcurl's explanation. Never holds request headers or bodies.
    public let message: String
    /// True only when the request certainly did not leave this process, so a retry cannot
    /// duplicate it. False means the peer may have processed it: a prepay that timed out may exist
    /// at the channel and must be resolved by query, not assumed absent.
    public let requestDefinitelyNotSent: Bool

    public init(code: Code, message: String, requestDefinitelyNotSent: Bool) {
        self.code = code
        self.message = message
        self.requestDefinitelyNotSent = requestDefinitelyNotSent
    }

    public var description: String {
        "\(code) (\(requestDefinitelyNotSent ? "not sent" : "maybe processed")): \(message)"
    }
}
