import Foundation
import HTTPClient

struct UnexpectedResult: Error, CustomStringConvertible {
    let description: String
}

struct Response {
    let status: Int
    let headers: [(String, String)]
    let body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0 == name }?.1
    }

    /// The test server's /echo answer.
    func echo() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw UnexpectedResult(description: "echo body is not a JSON object")
        }
        return object
    }
}

extension OutboundResult {
    func response() throws -> Response {
        switch self {
        case .response(let status, let headers, let body, let elapsedMilliseconds):
            guard elapsedMilliseconds >= 0 else { throw UnexpectedResult(description: "negative elapsed time") }
            return Response(status: status, headers: headers, body: body)
        case .failure(let error):
            throw UnexpectedResult(description: "expected a response, got \(error)")
        }
    }

    func failure() throws -> OutboundError {
        switch self {
        case .response(let status, _, _, _):
            throw UnexpectedResult(description: "expected a failure, got status \(status)")
        case .failure(let error):
            return error
        }
    }
}

extension TestServers {
    /// A configuration trusting the test CA, as the local stack configures one.
    func configuration(
        caFile: String? = nil,
        connectTimeoutMilliseconds: Int = 2_000,
        totalTimeoutMilliseconds: Int = 5_000,
        responseBodyBytesMax: Int = 64 << 10,
        destinationPolicy: DestinationPolicy = .any,
        allowsPlainHTTP: Bool = false
    ) -> HTTPClientConfiguration {
        HTTPClientConfiguration(
            caFile: caFile ?? self.caFile,
            connectTimeoutMilliseconds: connectTimeoutMilliseconds,
            totalTimeoutMilliseconds: totalTimeoutMilliseconds,
            responseBodyBytesMax: responseBodyBytesMax,
            destinationPolicy: destinationPolicy,
            allowsPlainHTTP: allowsPlainHTTP)
    }

    /// A client of its own (no share) with `configuration`'s settings.
    func client(
        caFile: String? = nil,
        connectTimeoutMilliseconds: Int = 2_000,
        totalTimeoutMilliseconds: Int = 5_000,
        responseBodyBytesMax: Int = 64 << 10,
        destinationPolicy: DestinationPolicy = .any,
        allowsPlainHTTP: Bool = false
    ) -> HTTPClient {
        HTTPClient(
            configuration: configuration(
                caFile: caFile,
                connectTimeoutMilliseconds: connectTimeoutMilliseconds,
                totalTimeoutMilliseconds: totalTimeoutMilliseconds,
                responseBodyBytesMax: responseBodyBytesMax,
                destinationPolicy: destinationPolicy,
                allowsPlainHTTP: allowsPlainHTTP))
    }
}

/// What the test server's /echo says about the connection that carried a request.
struct ConnectionSeen: Sendable, Equatable {
    /// The server numbers its connections from 1 as it accepts them.
    let number: Int
    /// The TLS handshake of that connection resumed an earlier session.
    let sessionReused: Bool
}

extension HTTPClient {
    /// GETs an /echo URL and reads which connection carried it.
    func connectionSeen(_ url: String) throws -> ConnectionSeen {
        let echo = try send(OutboundRequest(method: "GET", url: url)).response().echo()
        guard let number = echo["connection"] as? Int, let reused = echo["session_reused"] as? Bool else {
            throw UnexpectedResult(description: "echo without connection facts: \(echo)")
        }
        return ConnectionSeen(number: number, sessionReused: reused)
    }
}
