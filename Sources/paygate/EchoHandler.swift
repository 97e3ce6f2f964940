// TEMPORARY: a handler without a database, to exercise the pool end to end. Delete with main.swift's
// factory once the gateway serves requests.
import PaygateCore

struct EchoHandlerFactory: RequestHandlerFactory {
    func makeHandler() -> any RequestHandler { EchoHandler() }
}

final class EchoHandler: RequestHandler {
    private static let liveBody = Array(#"{"status":"ok"}"#.utf8)

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        if request.path == "/healthz/live" {
            return .json(status: 200, body: Self.liveBody)
        }
        if request.path == "/crash" {
            // Lets the end-to-end check see a crashing handler take down only its worker.
            fatalError("crash requested")
        }
        var writer = JSONWriter(reservingCapacity: 256)
        writer.objectOpen()
        writer.member("method", request.method)
        writer.member("uri", request.requestURI)
        writer.member("request_id", request.requestId)
        writer.member("body_length", request.body.count)
        writer.member("content_type", request.headers["content-type"])
        writer.objectClose()
        return .json(status: 200, body: writer.bytes)
    }
}
