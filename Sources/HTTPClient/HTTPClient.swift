import CCurl

/// Outbound HTTP(S) over libcurl, for channel calls and merchant webhooks.
///
/// One client per thread: a libcurl easy handle must never be used by two threads at once, so the
/// type is deliberately not `Sendable`. Without a share the client owns one handle, whose
/// connections (and TLS sessions) stay open between requests, so a thread that calls the same
/// channel again skips the TCP and TLS handshakes. With an `HTTPClientShare` it borrows a handle
/// from the share for each request instead, so those savings carry over between the threads of a
/// process (see `HTTPClientShare`).
public final class HTTPClient {
    let configuration: HTTPClientConfiguration
    private let handles: Handles
    /// libcurl writes its detailed error text here during a transfer. The client outlives every
    /// transfer it runs, and a handle is reset (forgetting this address) when the transfer ends.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Where the easy handle of a request comes from.
    private enum Handles {
        /// Cleaned up in `deinit`, which closes its kept-alive connections.
        case own(UnsafeMutableRawPointer)
        /// Held strongly: the share, its handles and its libcurl share handle live at least as long
        /// as this client (the order `HTTPClientShare.deinit` relies on).
        case shared(HTTPClientShare)
    }

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

    /// A client that owns its handle and keeps its connections to itself. Its own initializer
    /// rather than a default argument: the symbol stays, so dependent targets built earlier link.
    public convenience init(configuration: HTTPClientConfiguration) {
        self.init(configuration: configuration, share: nil)
    }

    /// Without a `share` the client owns its handle and keeps its connections to itself. With one,
    /// `configuration` must agree with the configuration the share was made for on
    /// `destinationPolicy`, `caFile`, `allowsPlainHTTP` and `connectionCacheCountMax`, because the
    /// share's handles carry connections opened under those settings to every client of the
    /// share. A mismatch is a programmer error and stops the process. Timeouts and response limits
    /// may differ between clients.
    public init(configuration: HTTPClientConfiguration, share: HTTPClientShare?) {
        HTTPClient.initializeOnce()
        if let share {
            precondition(
                share.scope == HTTPClientShare.Scope(configuration),
                "an HTTPClient must use the destination policy, CA file, plain-HTTP setting and connection cache size of its HTTPClientShare"
            )
            self.handles = .shared(share)
        } else {
            guard let handle = curl_easy_init() else {
                preconditionFailure("curl_easy_init failed: out of memory")
            }
            self.handles = .own(handle)
        }
        self.configuration = configuration
        self.errorBuffer = .allocate(capacity: HTTPClient.errorBufferBytes)
        self.errorBuffer.initialize(repeating: 0, count: HTTPClient.errorBufferBytes)
    }

    deinit {
        if case .own(let handle) = handles {
            curl_easy_cleanup(handle)  // closes the kept-alive connections
        }
        errorBuffer.deallocate()
    }

    /// Sends one request and waits for the whole response (or the failure). Never throws: every
    /// outcome, including a refused destination, is an `OutboundResult`.
    public func send(_ request: OutboundRequest) -> OutboundResult {
        if let problem = OutboundRequestCheck.problem(in: request) {
            return .failure(OutboundError(code: .invalidRequest, message: problem, requestDefinitelyNotSent: true))
        }
        let context = TransferContext(
            destinationPolicy: configuration.destinationPolicy, bodyBytesMax: configuration.responseBodyBytesMax,
            headerBytesMax: configuration.responseHeaderBytesMax)
        return onHandle(request.url) { transfer(request, on: $0, context: context) }
    }

    /// Runs `body` on this client's handle, or on one borrowed from the share for `url`.
    func onHandle<Result>(_ url: String, _ body: (UnsafeMutableRawPointer) -> Result) -> Result {
        switch handles {
        case .own(let handle):
            return body(handle)
        case .shared(let share):
            let lease = share.borrow(for: url)
            defer { share.giveBack(lease) }
            return body(lease.handle)
        }
    }

    /// One request on a handle in its reset state: new from curl_easy_init, or reset at the end of
    /// the transfer before. Resetting at the end rather than the start means a handle resting in a
    /// share's pool keeps no pointer into this client (error buffer, context, header list).
    func transfer(_ request: OutboundRequest, on handle: UnsafeMutableRawPointer, context: TransferContext) -> OutboundResult {
        errorBuffer[0] = 0
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        // curl_easy_reset clears every option of this request (its headers, body, method and
        // callback pointers) but keeps the open connections, the TLS session cache and the share,
        // so reuse survives it. Runs before the header list is freed (defers run last first).
        defer { curl_easy_reset(handle) }
        let code: CURLcode = withExtendedLifetime(context) {
            // The callbacks get the context unretained: withExtendedLifetime keeps it alive for the
            // whole perform, and libcurl calls them only inside curl_easy_perform.
            let contextPointer = Unmanaged.passUnretained(context).toOpaque()
            var setup = applyOptions(for: request, on: handle, context: contextPointer, headerList: &headerList)
            if setup == CURLE_OK, context.bodyBytesMax != configuration.responseBodyBytesMax {
                setup = paygate_curl_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(context.bodyBytesMax))
            }
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
        return .response(
            status: status, headers: context.headers, body: context.body,
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
        on handle: UnsafeMutableRawPointer,
        context: UnsafeMutableRawPointer,
        headerList: inout UnsafeMutablePointer<curl_slist>?
    ) -> CURLcode {
        var options = CurlOptions(handle: handle)
        options.applyFixed(configuration, errorBuffer: errorBuffer, context: context)
        options.applyRequest(request, configuration: configuration, headerList: &headerList)
        return options.firstFailure
    }
}

/// A client is bound to one thread at a time: it owns a raw libcurl handle or borrows one for the
/// span of a send, and libcurl writes into its error buffer during that send.
@available(*, unavailable)
extension HTTPClient: Sendable {}
