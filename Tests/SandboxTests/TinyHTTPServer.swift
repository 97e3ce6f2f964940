import Foundation
import PaygateCore
import Synchronization

/// A plain-HTTP server on 127.0.0.1 for the dispatcher tests: one request per connection,
/// answered by `respond(attemptIndex, request)`, every request recorded. Plain HTTP keeps the
/// test free of certificates; the TLS path of `HTTPClient` has its own tests.
final class TinyHTTPServer: Sendable {
    /// Requests larger than this are cut: callbacks are a few kilobytes.
    static let requestBytesMax = 256 * 1024

    let port: Int
    private let listener: Int32
    private let received = Mutex<[HTTPRequest]>([])
    private let respond: @Sendable (Int, HTTPRequest) -> (status: Int, body: String)

    init(respond: @escaping @Sendable (Int, HTTPRequest) -> (status: Int, body: String)) throws {
        self.respond = respond
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw ServerError(message: "socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw ServerError(message: "bind/listen: \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    var requests: [HTTPRequest] { received.withLock { $0 } }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            if let request = Self.read(connection) {
                let index = received.withLock { list in
                    list.append(request)
                    return list.count - 1
                }
                let answer = respond(index, request)
                let text =
                    "HTTP/1.1 \(answer.status) X\r\nContent-Length: \(answer.body.utf8.count)\r\nConnection: close\r\n\r\n\(answer.body)"
                _ = Array(text.utf8).withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
            close(connection)
        }
    }

    private static func read(_ connection: Int32) -> HTTPRequest? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        var contentLength = 0
        while bytes.count < requestBytesMax {
            if let end = headerEnd, bytes.count >= end + contentLength { break }
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            bytes += buffer[0..<count]
            if headerEnd == nil, let end = bytes.indices.dropLast(3).first(where: { bytes[$0...$0 + 3] == [13, 10, 13, 10] }) {
                headerEnd = end + 4
                for line in String(decoding: bytes[0..<end], as: UTF8.self).split(separator: "\r\n")
                where line.lowercased().hasPrefix("content-length:") {
                    contentLength = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
        }
        guard let end = headerEnd else { return nil }
        let lines = String(decoding: bytes[0..<(end - 4)], as: UTF8.self).split(separator: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return HTTPRequest(
            method: requestLine.count > 0 ? String(requestLine[0]) : "", requestURI: requestLine.count > 1 ? String(requestLine[1]) : "",
            headers: headers, body: Array(bytes[end..<min(bytes.count, end + contentLength)]))
    }
}

struct ServerError: Error {
    let message: String
}
