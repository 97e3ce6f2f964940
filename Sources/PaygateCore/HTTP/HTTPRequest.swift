/// One request as the FastCGI pool hands it to the gateway. Everything is copied out of libfcgi's
/// buffers before the request is finished, so this value owns all of its bytes.
public struct HTTPRequest: Sendable {
    /// "GET", "POST", ...
    public var method: String
    /// Path and query exactly as the client sent them (FastCGI `REQUEST_URI`): signatures cover it.
    public var requestURI: String
    /// Request headers with lower-cased names ("authorization", "content-type", "idempotency-key").
    public var headers: [String: String]
    public var body: [UInt8]
    /// The id nginx generated (`$request_id`); echoed in error bodies and written in our logs.
    public var requestId: String
    public var remoteAddress: String

    public init(
        method: String, requestURI: String, headers: [String: String] = [:], body: [UInt8] = [],
        requestId: String = "", remoteAddress: String = ""
    ) {
        self.method = method
        self.requestURI = requestURI
        self.headers = headers
        self.body = body
        self.requestId = requestId
        self.remoteAddress = remoteAddress
    }

    /// The path part of `requestURI`, without the query.
    public var path: Substring {
        if let mark = requestURI.firstIndex(of: "?") { return requestURI[..<mark] }
        return requestURI[...]
    }

    /// The raw query string after `?`, or "" when there is none.
    public var query: Substring {
        if let mark = requestURI.firstIndex(of: "?") { return requestURI[requestURI.index(after: mark)...] }
        return ""
    }
}
