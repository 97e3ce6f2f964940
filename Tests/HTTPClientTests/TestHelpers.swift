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
    /// A client trusting the test CA, as the local stack configures one.
    func client(
        caFile: String? = nil,
        connectTimeoutMilliseconds: Int = 2_000,
        totalTimeoutMilliseconds: Int = 5_000,
        responseBodyBytesMax: Int = 64 << 10,
        destinationPolicy: DestinationPolicy = .any,
        allowsPlainHTTP: Bool = false
    ) -> HTTPClient {
        HTTPClient(configuration: HTTPClientConfiguration(
            caFile: caFile ?? self.caFile,
            connectTimeoutMilliseconds: connectTimeoutMilliseconds,
            totalTimeoutMilliseconds: totalTimeoutMilliseconds,
            responseBodyBytesMax: responseBodyBytesMax,
            destinationPolicy: destinationPolicy,
            allowsPlainHTTP: allowsPlainHTTP))
    }
}
