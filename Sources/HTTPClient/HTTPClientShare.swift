import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lets the clients of one process reuse connections and TLS sessions across threads: a pool of
/// idle libcurl easy handles, each keeping its open connections and its TLS session cache, plus
/// one libcurl share handle for the DNS cache. Built once per process (per forked worker) and
/// passed to each thread's `HTTPClient`.
///
/// A client borrows a handle for one `send` and gives it back when the send ends, so a thread that
/// calls a channel after another thread did takes over the warm handle: the same TCP connection,
/// no handshake, and a new connection on that handle resumes the TLS session the handle cached.
/// The number of handles follows the sends in flight at the busiest moment, not the thread count.
///
/// Why a pool of handles and not libcurl's shared caches (CURL_LOCK_DATA_CONNECT and
/// CURL_LOCK_DATA_SSL_SESSION) between threads, with libcurl 7.88.1 (Debian 12):
/// - A connection cache shared by concurrent threads is not supported: KNOWN_BUGS 11.11 of that
///   release, and CURLSHOPT_SHARE(3) still says so today; the reports are data races and crashes
///   (curl issues 4915, 8111, 13840).
/// - With OpenSSL, a shared TLS session cache hands one SSL_SESSION object to concurrent
///   handshakes, and OpenSSL writes to it during the handshake; curl removed that data race only in
///   8.10.0, by caching sessions serialized.
/// An easy handle used by one thread at a time is the model libcurl supports, and the pool lends
/// each handle to one `send` at a time. The DNS cache is the part libcurl shares safely between
/// threads, given lock callbacks (`CurlShareLocks`).
///
/// Limits: at most `idleHandleCountMax` handles wait in the pool; a handle given back beyond that
/// closes the oldest idle one with its connections. Each handle keeps at most
/// `HTTPClientConfiguration.connectionCacheCountMax` connections, so a share keeps at most
/// `idleConnectionCountMax` idle connections. Borrowing never waits: with no idle handle a new one
/// is made, so the handles in use are bounded by the sends in flight (at most the thread count).
///
/// One configuration per share: the destination policy is checked when a connection is opened (the
/// open-socket callback), and a handle of the pool serves every client of its share with the
/// connections it holds. All clients of a share must therefore use the `destinationPolicy`,
/// `caFile`, `allowsPlainHTTP` and `connectionCacheCountMax` the share was made for, and
/// `HTTPClient.init` stops the process otherwise (a programmer error): webhooks (public
/// destinations only) and channel calls each get their own share. The pre-request callback checks
/// the policy again on every reuse, as a second line.
///
/// Lifetime: each client holds its share strongly and gives a borrowed handle back before `send`
/// returns, so `deinit` runs only when no client is left and no handle is lent. It cleans up the
/// idle handles first (each detaches from the share handle), then the share handle, which libcurl
/// refuses (CURLSHE_IN_USE) while any easy handle is still attached to it.
public final class HTTPClientShare: @unchecked Sendable {
    // @unchecked: the only mutable field, `idle`, is read and written with `mutex` held. A handle
    // leaves `idle` for exactly one borrower and comes back through the same mutex, so it has one
    // user at a time, as libcurl requires. libcurl guards the share handle's own data by calling
    // the lock callbacks of `locks`.

    /// Idle handles kept beyond this are closed when given back.
    public let idleHandleCountMax: Int
    /// `idleHandleCountMax` × `connectionCacheCountMax`: the idle connections a share may keep.
    public let idleConnectionCountMax: Int
    let scope: Scope
    private let shareHandle: UnsafeMutableRawPointer
    private let locks = CurlShareLocks()
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// Oldest given back first.
    private var idle: [IdleHandle] = []

    /// The parts of a configuration that decide which connections may be opened and kept.
    struct Scope: Equatable {
        let destinationPolicy: DestinationPolicy
        let caFile: String?
        let allowsPlainHTTP: Bool
        let connectionCacheCountMax: Int

        init(_ configuration: HTTPClientConfiguration) {
            destinationPolicy = configuration.destinationPolicy
            caFile = configuration.caFile
            allowsPlainHTTP = configuration.allowsPlainHTTP
            connectionCacheCountMax = configuration.connectionCacheCountMax
        }
    }

    private struct IdleHandle {
        let handle: UnsafeMutableRawPointer
        /// Origins the handle last sent to, most recent first, at most `connectionCacheCountMax`:
        /// the connections it probably still holds. Only a hint for choosing a handle; libcurl
        /// alone decides whether a cached connection fits a request.
        let origins: [String]
    }

    /// A handle lent to one `send`.
    struct Lease {
        let handle: UnsafeMutableRawPointer
        fileprivate let origins: [String]
        fileprivate let origin: String
    }

    /// `idleHandleCountMax` is 32 by default: room for the sends one process has in flight at once,
    /// which stays far below its thread count while channels answer in well under a second. When
    /// more sends overlap, handles given back beyond the limit are closed and later reopened with
    /// full handshakes: raise it then. With four connections per handle (the configuration's
    /// default) it bounds a share at 128 idle connections.
    public init(configuration: HTTPClientConfiguration, idleHandleCountMax: Int = 32) {
        precondition(idleHandleCountMax >= 1, "idleHandleCountMax must be positive")
        HTTPClient.initializeOnce()
        guard let shareHandle = curl_share_init() else {
            preconditionFailure("curl_share_init failed: out of memory")
        }
        self.idleHandleCountMax = idleHandleCountMax
        self.idleConnectionCountMax = idleHandleCountMax * configuration.connectionCacheCountMax
        self.scope = Scope(configuration)
        self.shareHandle = shareHandle
        self.mutex = .allocate(capacity: 1)
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init failed")
        // The lock callbacks first: from the moment a kind is shared, libcurl locks around it.
        let codes = [
            paygate_curl_share_setopt_user_data(shareHandle, locks.mutexes),
            paygate_curl_share_setopt_lock_function(shareHandle, CurlShareLocks.lock),
            paygate_curl_share_setopt_unlock_function(shareHandle, CurlShareLocks.unlock),
            paygate_curl_share_setopt_lock_data(shareHandle, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS),
        ]
        for code in codes {
            precondition(code == CURLSHE_OK, "curl_share_setopt failed: \(String(cString: curl_share_strerror(code)))")
        }
    }

    deinit {
        for entry in idle {
            curl_easy_cleanup(entry.handle)  // closes its connections and detaches it from the share
        }
        let code = curl_share_cleanup(shareHandle)
        precondition(code == CURLSHE_OK, "curl_share_cleanup failed: \(String(cString: curl_share_strerror(code)))")
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        // `locks` is released after this body, when libcurl can no longer call its callbacks.
    }

    /// How many handles wait in the pool now (for tests and health output).
    public var idleHandleCount: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return idle.count
    }

    /// The most recently given back handle that last sent to the URL's origin, else the most
    /// recently given back one, else a new one. The caller must give it back exactly once.
    func borrow(for url: String) -> Lease {
        let origin = HTTPClientShare.origin(of: url)
        pthread_mutex_lock(mutex)
        let index = idle.lastIndex { $0.origins.contains(origin) } ?? idle.indices.last
        let taken = index.map { idle.remove(at: $0) }
        pthread_mutex_unlock(mutex)
        if let taken {
            return Lease(handle: taken.handle, origins: taken.origins, origin: origin)
        }
        return Lease(handle: makeHandle(), origins: [], origin: origin)
    }

    /// Takes back a handle after its transfer; the caller has reset it, so it points to nothing of
    /// the client that used it.
    func giveBack(_ lease: Lease) {
        let origins = [lease.origin] + lease.origins.filter { $0 != lease.origin }
        let entry = IdleHandle(handle: lease.handle, origins: Array(origins.prefix(scope.connectionCacheCountMax)))
        pthread_mutex_lock(mutex)
        idle.append(entry)
        let evicted = idle.count > idleHandleCountMax ? idle.removeFirst() : nil
        pthread_mutex_unlock(mutex)
        if let evicted {
            curl_easy_cleanup(evicted.handle)  // outside the mutex: closing connections is I/O
        }
    }

    private func makeHandle() -> UnsafeMutableRawPointer {
        guard let handle = curl_easy_init() else {
            preconditionFailure("curl_easy_init failed: out of memory")
        }
        // Set once: curl_easy_reset, which `send` calls after every transfer, keeps "live
        // connections, the Session ID cache, the DNS cache, the cookies, the shares"
        // (curl_easy_reset(3); in 7.88.1 it rebuilds only the options, and the share is not one).
        let code = paygate_curl_setopt_share(handle, shareHandle)
        precondition(code == CURLE_OK, "CURLOPT_SHARE failed: \(String(cString: curl_easy_strerror(code)))")
        return handle
    }

    private static let authorityEnds: Set<Character> = ["/", "?", "#"]

    /// "scheme://host:port" as written in the URL, lower-cased: the key under which a handle
    /// remembers where its connections go. A URL written two ways only costs a connection.
    static func origin(of url: String) -> String {
        guard let separator = url.firstRange(of: "://") else { return url.lowercased() }
        let rest = url[separator.upperBound...]
        let end = rest.firstIndex(where: HTTPClientShare.authorityEnds.contains) ?? rest.endIndex
        return url[..<end].lowercased()
    }
}
