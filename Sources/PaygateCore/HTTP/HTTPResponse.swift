/// What a handler answers. The pool writes it as a FastCGI `Status:` line, headers and body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON answer; `body` must already be serialized JSON.
    public static func json(status: Int, body: [UInt8], headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// The error body of docs/API.md section 3.
    public static func error(_ error: APIError, requestId: String) -> HTTPResponse {
        json(status: error.code.httpStatus, body: error.jsonBody(requestId: requestId))
    }
}

/// Serves requests on one thread. Not shared between threads: each pool thread gets its own from
/// a `RequestHandlerFactory`, so it can hold per-thread resources such as database connections.
public protocol RequestHandler: AnyObject {
    func handle(_ request: HTTPRequest) -> HTTPResponse
    /// Called after the answer has been handed to nginx: for housekeeping that must not add to
    /// any request's latency.
    func afterResponse()
}

extension RequestHandler {
    public func afterResponse() {}
}

/// Made once per worker process (after fork) and asked for one handler per thread.
public protocol RequestHandlerFactory: Sendable {
    /// Called once in each worker process right after fork, before its threads start
    /// (one-time C library initialisation belongs here).
    func workerDidStart()
    func makeHandler() -> any RequestHandler
}

extension RequestHandlerFactory {
    public func workerDidStart() {}
}
