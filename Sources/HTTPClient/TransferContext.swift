#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one `send` collects while libcurl runs: the response and the facts needed to classify a
/// failure. libcurl reaches it from its callbacks through an unretained pointer; `send` keeps it
/// alive across `curl_easy_perform`, and no callback runs outside that call.
final class TransferContext {
    let destinationPolicy: DestinationPolicy
    let bodyBytesMax: Int
    let headerBytesMax: Int
    /// Set for a download: the body is written here as it arrives instead of kept in `body`.
    let fileDescriptor: Int32?

    var body: [UInt8] = []
    /// Body bytes received (kept or written).
    var bodyByteCount = 0
    /// errno of a failed write to `fileDescriptor`.
    var fileWriteErrno: Int32?
    /// Headers of the last response only: a `100 Continue` before the final answer is dropped.
    var headers: [(String, String)] = []
    var headerBytes = 0
    var responseTooLarge = false
    /// The address the policy refused, for the error message.
    var refusedAddress: String?
    /// Set when the pre-request callback let the request go: before that, nothing was sent.
    var requestReleased = false

    init(destinationPolicy: DestinationPolicy, bodyBytesMax: Int, headerBytesMax: Int, fileDescriptor: Int32? = nil) {
        self.destinationPolicy = destinationPolicy
        self.bodyBytesMax = bodyBytesMax
        self.headerBytesMax = headerBytesMax
        self.fileDescriptor = fileDescriptor
    }

    /// Returns false to make libcurl stop with CURLE_WRITE_ERROR.
    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bodyByteCount + bytes.count <= bodyBytesMax else {
            responseTooLarge = true
            return false
        }
        bodyByteCount += bytes.count
        guard let fileDescriptor else {
            body.append(contentsOf: bytes)
            return true
        }
        var written = 0
        while written < bytes.count {
            let result = write(fileDescriptor, bytes.baseAddress! + written, bytes.count - written)
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                fileWriteErrno = errno
                return false
            }
            written += result
        }
        return true
    }

    /// libcurl passes one complete header line at a time, status lines and the final empty line
    /// included. Returns false to make libcurl stop with CURLE_WRITE_ERROR.
    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        headerBytes += bytes.count
        guard headerBytes <= headerBytesMax else {
            responseTooLarge = true
            return false
        }
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers.removeAll()  // a new response starts (after 1xx)
            return true
        }
        guard let colon = line.firstIndex(of: ":") else { return true }  // the empty line ending headers
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingWhitespace()
        headers.append((name, value))
        return true
    }

    /// Called before each connect and before each request (on a reused connection too).
    func allows(address: IPAddress?, text: String) -> Bool {
        if destinationPolicy == .any { return true }
        if let address, destinationPolicy.allows(address) { return true }
        refusedAddress = text  // an address we cannot parse is refused: fail closed
        return false
    }
}

extension Substring {
    /// Works on bytes: "\r\n" is one Character in Swift, so a Character test would miss it.
    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
            let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
