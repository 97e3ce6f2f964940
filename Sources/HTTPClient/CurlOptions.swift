import CCurl

/// Sets options on one easy handle and remembers the first failure, so a long list of settings
/// reads as a list rather than a ladder of checks.
struct CurlOptions {
    let handle: UnsafeMutableRawPointer
    private(set) var firstFailure: CURLcode = CURLE_OK

    init(handle: UnsafeMutableRawPointer) {
        self.handle = handle
    }

    private mutating func record(_ code: CURLcode) {
        if firstFailure == CURLE_OK && code != CURLE_OK { firstFailure = code }
    }

    mutating func set(_ option: CURLoption, _ value: Int) {
        record(paygate_curl_setopt_long(handle, option, value))
    }

    mutating func set(_ option: CURLoption, _ value: String?) {
        record(paygate_curl_setopt_string(handle, option, value))
    }

    /// The options that hold for every request of a client.
    mutating func applyFixed(
        _ configuration: HTTPClientConfiguration,
        errorBuffer: UnsafeMutablePointer<CChar>,
        context: UnsafeMutableRawPointer
    ) {
        // libcurl's DNS timeouts use SIGALRM unless told not to, which is unsafe with threads.
        set(CURLOPT_NOSIGNAL, 1)
        record(paygate_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        let protocols = configuration.allowsPlainHTTP ? "http,https" : "https"
        set(CURLOPT_PROTOCOLS_STR, protocols)
        set(CURLOPT_REDIR_PROTOCOLS_STR, protocols)
        set(CURLOPT_FOLLOWLOCATION, 0)  // a redirect is an answer for the caller, not a hop to take
        // An empty proxy ignores http(s)_proxy from the environment: the destination policy must
        // see the real peer, and payment traffic must not take a path nobody configured.
        set(CURLOPT_PROXY, "")
        set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeoutMilliseconds)
        set(CURLOPT_TIMEOUT_MS, configuration.totalTimeoutMilliseconds)
        set(CURLOPT_SSL_VERIFYPEER, 1)
        set(CURLOPT_SSL_VERIFYHOST, 2)
        set(CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2)
        if let caFile = configuration.caFile {
            set(CURLOPT_CAINFO, caFile)
            set(CURLOPT_CAPATH, nil)  // trust only the configured file, not /etc/ssl/certs as well
        }
        // Refuses early when the peer announces a length; the write callback covers the rest.
        record(paygate_curl_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(configuration.responseBodyBytesMax)))
        set(CURLOPT_TCP_KEEPALIVE, 1)
        // HTTP/1.1, not HTTP/2 by ALPN: one request at a time per connection is all a blocking
        // client sends, and HTTP/2's framing and header compression cost CPU on both ends for
        // nothing here (nghttp2 was a visible share of the pool's profile under `make bench`).
        set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
        // The bound on the handle's connection cache. libcurl 7.88 copies it into the handle's
        // private multi handle at each perform and, when a finished transfer leaves more cached
        // connections than this, closes the oldest. curl_easy_reset puts back the default (5).
        set(CURLOPT_MAXCONNECTS, configuration.connectionCacheCountMax)
        record(paygate_curl_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, CurlCallbacks.write))
        record(paygate_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
        record(paygate_curl_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, CurlCallbacks.header))
        record(paygate_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
        record(paygate_curl_setopt_opensocket_function(handle, CurlCallbacks.openSocket))
        record(paygate_curl_setopt_pointer(handle, CURLOPT_OPENSOCKETDATA, context))
        record(paygate_curl_setopt_prereq_function(handle, CurlCallbacks.preRequest))
        record(paygate_curl_setopt_pointer(handle, CURLOPT_PREREQDATA, context))
    }

    /// URL, method, headers, body and timeout of one request. `headerList` must be freed by the
    /// caller after the transfer: libcurl reads it during perform without copying it.
    mutating func applyRequest(
        _ request: OutboundRequest,
        configuration: HTTPClientConfiguration,
        headerList: inout UnsafeMutablePointer<curl_slist>?
    ) {
        set(CURLOPT_URL, request.url)
        if let override = request.totalTimeoutMilliseconds {
            set(CURLOPT_TIMEOUT_MS, override)
        }
        let method = request.method.uppercased()
        if method == "HEAD" {
            set(CURLOPT_NOBODY, 1)
        } else if request.body.isEmpty && method != "POST" {
            set(CURLOPT_HTTPGET, 1)
            if method != "GET" { set(CURLOPT_CUSTOMREQUEST, method) }
        } else {
            // POSTFIELDSIZE must come first: COPYPOSTFIELDS copies that many bytes at once, so the
            // body needs no lifetime beyond this call.
            record(paygate_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            if request.body.isEmpty {
                set(CURLOPT_COPYPOSTFIELDS, "")
            } else {
                request.body.withUnsafeBytes { bytes in
                    record(
                        paygate_curl_setopt_pointer(
                            handle, CURLOPT_COPYPOSTFIELDS,
                            UnsafeMutableRawPointer(mutating: bytes.baseAddress)))
                }
            }
            if method != "POST" { set(CURLOPT_CUSTOMREQUEST, method) }
        }
        var lines = request.headers.map { name, value in
            // "Name:" would tell libcurl to drop a header; "Name;" sends it with an empty value.
            value.isEmpty ? "\(name);" : "\(name): \(value)"
        }
        // libcurl sends "Expect: 100-continue" for large bodies and then waits for the peer;
        // channels answer the request directly, so the wait is only delay.
        if !request.headers.contains(where: { $0.0.lowercased() == "expect" }) {
            lines.append("Expect:")
        }
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                record(CURLE_OUT_OF_MEMORY)
                return
            }
            headerList = appended
        }
        record(paygate_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
    }
}
