import CFastCGI
import Glibc
import Synchronization

/// One libfcgi request slot, owned by one thread for its whole life. The raw `FCGX_Request` never
/// leaves this type; it is heap-allocated because libfcgi keeps pointers into it between calls.
/// Not Sendable on purpose: libfcgi requests must not cross threads.
public final class FastCGIRequest {
    public enum AcceptResult: Equatable {
        /// A request is ready: read `parameters()`, the body, then `respond` and `finish`.
        case request
        /// The listen socket was shut down or `FastCGILibrary.shutdownPending()` was called.
        case shutdown
        /// Any other failure, with errno.
        case failed(errorNumber: Int32)
    }

    public enum BodyReadResult {
        case complete([UInt8])
        /// CONTENT_LENGTH was above the limit; the body was discarded, not read.
        case tooLarge(length: Int)
        /// The stream ended or failed before CONTENT_LENGTH bytes (nginx or the client gave up).
        case incomplete(received: Int, errorNumber: Int32)
    }

    public enum WriteResult: Equatable {
        case written
        /// The connection is gone (EPIPE and friends): the work is done, nothing to answer to.
        case connectionLost(errorNumber: Int32)
    }

    /// A refused body up to this size is read and thrown away so the kept-alive connection stays
    /// in step; a larger one closes the connection instead.
    public static let bodyDiscardBytesMax = 1 << 20
    private static let discardChunkBytes = 16_384

    private let request: UnsafeMutablePointer<FCGX_Request>
    /// The response head and body go out in one FCGX_PutStr; kept between requests to avoid an
    /// allocation per response.
    private var output: [UInt8] = []

    public init(listenDescriptor: Int32) throws(FastCGIError) {
        request = UnsafeMutablePointer<FCGX_Request>.allocate(capacity: 1)
        let result = FCGX_InitRequest(request, listenDescriptor, 0)
        guard result == 0 else {
            request.deallocate()
            throw FastCGIError(.requestInitFailed, errorNumber: -result, "FCGX_InitRequest failed")
        }
        output.reserveCapacity(4096)
    }

    deinit {
        FCGX_Free(request, 1)
        request.deallocate()
    }

    /// Waits for the next request: on the kept-alive connection if there is one, else on the listen
    /// socket. libfcgi returns a negative errno: -22 (EINVAL) once the listen socket is shut down,
    /// -4 (EINTR) or another value once shutdown is pending.
    public func accept() -> AcceptResult {
        let result = FCGX_Accept_r(request)
        if result >= 0 { return .request }
        if FastCGILibrary.isShutdownPending || result == -EINVAL { return .shutdown }
        return .failed(errorNumber: -result)
    }

    /// Copies the parameters out at once: libfcgi frees them at `finish`.
    public func parameters() -> FastCGIParameters {
        var parameters = FastCGIParameters()
        guard var entry = paygate_fcgi_envp(request) else { return parameters }
        while let text = entry.pointee {
            parameters.add(entry: text)
            entry += 1
        }
        return parameters
    }

    /// Reads exactly `length` bytes (CONTENT_LENGTH). nginx sends the length even for chunked
    /// uploads while request buffering is on.
    public func readBody(length: Int, lengthMax: Int) -> BodyReadResult {
        guard length > 0 else { return .complete([]) }
        guard length <= lengthMax else {
            discardBody(length: length)
            return .tooLarge(length: length)
        }
        let stream = paygate_fcgi_in(request)
        var received = 0
        let body = [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            buffer.withMemoryRebound(to: CChar.self) { characters in
                while received < length {
                    let got = FCGX_GetStr(characters.baseAddress! + received, Int32(length - received), stream)
                    if got <= 0 { break }
                    received += Int(got)
                }
            }
            count = received
        }
        let streamError = FCGX_GetError(stream)
        guard received == length, streamError == 0 else {
            return .incomplete(received: received, errorNumber: streamError)
        }
        return .complete(body)
    }

    private func discardBody(length: Int) {
        guard length <= Self.bodyDiscardBytesMax else {
            // Too much to read for nothing: close the connection after this answer instead.
            paygate_fcgi_drop_keep_connection(request)
            return
        }
        let stream = paygate_fcgi_in(request)
        var scratch = [CChar](repeating: 0, count: Self.discardChunkBytes)
        var remaining = length
        scratch.withUnsafeMutableBufferPointer { buffer in
            while remaining > 0 {
                let got = FCGX_GetStr(buffer.baseAddress!, Int32(min(remaining, buffer.count)), stream)
                if got <= 0 { break }
                remaining -= Int(got)
            }
        }
    }

    /// Writes `Status: 201 Created`, the headers, a blank line and the body in one buffer.
    public func respond(status: Int, headers: [(name: String, value: String)], body: [UInt8]) -> WriteResult {
        output.removeAll(keepingCapacity: true)
        output.append(contentsOf: "Status: ".utf8)
        FastCGIStatus.appendDecimal(status, to: &output)
        output.append(UInt8(ascii: " "))
        output.append(contentsOf: FastCGIStatus.reasonPhrase(status).utf8)
        output.append(contentsOf: "\r\n".utf8)
        for header in headers {
            output.append(contentsOf: header.name.utf8)
            output.append(contentsOf: ": ".utf8)
            output.append(contentsOf: header.value.utf8)
            output.append(contentsOf: "\r\n".utf8)
        }
        output.append(contentsOf: "Content-Length: ".utf8)
        FastCGIStatus.appendDecimal(body.count, to: &output)
        output.append(contentsOf: "\r\n\r\n".utf8)
        output.append(contentsOf: body)
        let stream = paygate_fcgi_out(request)
        let written = output.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { FCGX_PutStr($0.baseAddress!, Int32($0.count), stream) }
        }
        if written < 0 || FCGX_GetError(stream) != 0 {
            return .connectionLost(errorNumber: FCGX_GetError(stream))
        }
        return .written
    }

    /// Flushes the response and ends the request; a kept-alive connection stays open for the next.
    public func finish() {
        FCGX_Finish_r(request)
    }

    /// Whether a kept-alive connection from nginx is open: the next `accept` waits on it, not on
    /// the listen socket.
    public var hasOpenConnection: Bool { paygate_fcgi_has_connection(request) != 0 }

    /// Closes the connection (used when the thread stops): `FCGX_Free(request, 1)`.
    public func closeConnection() {
        FCGX_Free(request, 1)
    }
}
