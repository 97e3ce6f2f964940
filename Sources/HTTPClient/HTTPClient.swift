import CCurl

/// Outbound HTTP(S) over libcurl, for channel calls and merchant webhooks.
///
/// One client per thread: it owns one libcurl easy handle, and a handle must never be used by two
/// threads at once, so the type is deliberately not `Sendable`. Reusing the handle keeps its
/// connections (and TLS sessions) open between requests, so a thread that calls the same channel
/// again skips the TCP and TLS handshakes.
public final class HTTPClient {
    private let configuration: HTTPClientConfiguration
    private let handle: UnsafeMutableRawPointer
    /// libcurl writes its detailed error text here during a transfer; it lives as long as the handle.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Bytes libcurl's error buffer must have (CURL_ERROR_SIZE, a macro Swift does not import).
    private static let errorBufferBytes = 256

    private static let globalInitialization: CURLcode = curl_global_init(paygate_curl_global_default())

    /// Initializes libcurl (and through it OpenSSL) once per process. libcurl only promises this
    /// is safe while no other thread uses libcurl or OpenSSL, so call it in `main` and at the start
    /// of each forked worker before any thread starts. Later calls do nothing; a failure here means
    /// the process cannot make outbound calls at all, so it stops.
    public static func initializeOnce() {
        precondition(globalInitialization == CURLE_OK, "curl_global_init failed: \(globalInitialization.rawValue)")
    }

    public init(configuration: HTTPClientConfiguration) {
        HTTPClient.initializeOnce()
        guard let handle = curl_easy_init() else {
            preconditionFailure("curl_easy_init failed: out of memory")
        }
        self.configuration = configuration
        self.handle = handle
        self.errorBuffer = .allocate(capacity: HTTPClient.errorBufferBytes)
        self.errorBuffer.initialize(repeating: 0, count: HTTPClient.errorBufferBytes)
    }

    deinit {
        curl_easy_cleanup(handle)  // closes the kept-alive connections
        errorBuffer.deallocate()
    }

    /// Sends one request and waits for the whole response (or the failure). Never throws: every
    /// outcome, including a refused destination, is an `OutboundResult`.
    public func send(_ request: OutboundRequest) -> OutboundResult {
        if let problem = OutboundRequestCheck.problem(in: request) {
            return .failure(OutboundError(code: .invalidRequest, message: problem, requestDefinitelyNotSent: true))
        }
        let context = TransferContext(
            destinationPolicy: configuration.destinationPolicy,
            bodyBytesMax: configuration.responseBodyBytesMax,
            headerBytesMax: configuration.responseHeaderBytesMax)
        // curl_easy_reset clears every option of the previous request (its headers, body, method
        // and callback pointers) but keeps the open connections, so reuse survives it.
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        let code: CURLcode = withExtendedLifetime(context) {
            // The callbacks get the context unretained: withExtendedLifetime keeps it alive for the
            // whole perform, and libcurl calls them only inside curl_easy_perform.
            let contextPointer = Unmanaged.passUnretained(context).toOpaque()
            let setup = applyOptions(for: request, context: contextPointer, headerList: &headerList)
            guard setup == CURLE_OK else { return setup }
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            return .failure(OutboundError(curlCode: code, context: context, detail: errorText(code)))
        }
        var status = 0
        var totalMicroseconds: curl_off_t = 0
        _ = paygate_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        _ = paygate_curl_getinfo_off(handle, CURLINFO_TOTAL_TIME_T, &totalMicroseconds)
        return .response(status: status, headers: context.headers, body: context.body,
                         elapsedMilliseconds: Int(totalMicroseconds / 1000))
    }

    /// libcurl's own sentence when it wrote one (it names hosts and reasons, never request
    /// content), else the generic text of the code.
    private func errorText(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        return "curl \(code.rawValue): \(text)"
    }

    /// Everything set on the handle for one request, re-applied after each reset.
    private func applyOptions(
        for request: OutboundRequest,
        context: UnsafeMutableRawPointer,
        headerList: inout UnsafeMutablePointer<curl_slist>?
    ) -> CURLcode {
        var options = CurlOptions(handle: handle)
        options.applyFixed(configuration, errorBuffer: errorBuffer, context: context)
        options.applyRequest(request, configuration: configuration, headerList: &headerList)
        return options.firstFailure
    }
}

/// The client holds a raw libcurl handle that is bound to one thread at a time.
@available(*, unavailable)
extension HTTPClient: Sendable {}
