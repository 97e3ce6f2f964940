/// One outbound HTTP request. Header values and the body may hold secrets (signatures, card data):
/// they never appear in an `OutboundError` message.
public struct OutboundRequest: Sendable {
    public var method: String
    public var url: String
    /// Sent in this order. Names and values must not contain CR, LF or NUL (checked before sending).
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Replaces the configuration's total timeout for this request only (e.g. a query that must
    /// answer within the caller's own deadline).
    public var totalTimeoutMilliseconds: Int?

    public init(
        method: String,
        url: String,
        headers: [(String, String)] = [],
        body: [UInt8] = [],
        totalTimeoutMilliseconds: Int? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.totalTimeoutMilliseconds = totalTimeoutMilliseconds
    }
}
