#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `HTTPClient.download` gives back: the response's status and headers with its body in
/// the file, or why there was none (and then no file is left behind).
public enum DownloadResult: Sendable {
    case saved(status: Int, headers: [(String, String)], byteCount: Int, elapsedMilliseconds: Int)
    case failure(OutboundError)
}

extension HTTPClient {
    /// curl's "failed writing received data" code, used for a file that cannot be written.
    static let writeErrorCode = 23

    /// Sends `request` and writes the response body to `path` as it arrives, so a large file
    /// (a channel's statement) never sits in memory. The file is created (or truncated) with mode
    /// 0600, since it holds the merchant's transactions; a body over `bodyBytesMax` bytes, like
    /// any failure, removes it. Every status is saved: the caller decides what a 4xx body means.
    public func download(_ request: OutboundRequest, toFile path: String, bodyBytesMax: Int) -> DownloadResult {
        precondition(bodyBytesMax > 0, "bodyBytesMax must be positive")
        if let problem = OutboundRequestCheck.problem(in: request) {
            return .failure(OutboundError(code: .invalidRequest, message: problem, requestDefinitelyNotSent: true))
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            return .failure(fileError("cannot create \(path): errno \(errno)", notSent: true))
        }
        // An existing file keeps its mode through O_CREAT: make it owner-only either way.
        guard fchmod(descriptor, 0o600) == 0 else {
            close(descriptor)
            unlink(path)
            return .failure(fileError("cannot restrict \(path) to its owner: errno \(errno)", notSent: true))
        }
        let context = TransferContext(
            destinationPolicy: configuration.destinationPolicy, bodyBytesMax: bodyBytesMax,
            headerBytesMax: configuration.responseHeaderBytesMax, fileDescriptor: descriptor)
        let result = onHandle(request.url) { transfer(request, on: $0, context: context) }
        let closed = close(descriptor) == 0
        switch result {
        case .response(let status, let headers, _, let elapsed) where closed:
            return .saved(status: status, headers: headers, byteCount: context.bodyByteCount, elapsedMilliseconds: elapsed)
        case .response:
            unlink(path)
            return .failure(fileError("cannot close \(path)", notSent: false))
        case .failure(let error):
            unlink(path)
            if let written = context.fileWriteErrno { return .failure(fileError("cannot write \(path): errno \(written)", notSent: false)) }
            return .failure(error)
        }
    }

    private func fileError(_ message: String, notSent: Bool) -> OutboundError {
        OutboundError(code: .other(curlCode: Self.writeErrorCode), message: message, requestDefinitelyNotSent: notSent)
    }
}
