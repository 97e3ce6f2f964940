/// How the pool slows a client address that fails authentication again and again (README
/// "Rate limits"; docs/API.md section 10). Each worker process counts the 401 answers per client
/// address (nginx's `$remote_addr`, passed as FastCGI `REMOTE_ADDR`) in a fixed window; once an
/// address has failed `failures_max` times within `window_seconds`, every request from it is
/// answered 429 `rate_limited` before any lookup or HMAC, until its window ends. The count is per
/// worker process (no shared state between them), so an address gets at most
/// `pool.workers x failures_max` failures per window.
public struct AuthFailuresConfiguration: Sendable, Codable, Equatable {
    /// Failed authentications one address may have in one window, per worker process. A
    /// merchant whose clock or secret is wrong fails every request: 20 leaves it room to notice.
    public var failuresMax: Int = 20
    /// The window: an address is refused for at most this long after its last counted failure
    /// opened a fresh window.
    public var windowSeconds: Int = 60
    /// Client addresses never counted (exact text of `$remote_addr`). None on a server; the local
    /// stack lists loopback, where every client (tests, scripts) shares one address.
    public var exemptAddresses: [String] = []

    public init() {}

    enum CodingKeys: String, CodingKey {
        case failuresMax = "failures_max"
        case windowSeconds = "window_seconds"
        case exemptAddresses = "exempt_addresses"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        failuresMax = try c.decodeIfPresent(Int.self, forKey: .failuresMax) ?? 20
        windowSeconds = try c.decodeIfPresent(Int.self, forKey: .windowSeconds) ?? 60
        exemptAddresses = try c.decodeIfPresent([String].self, forKey: .exemptAddresses) ?? []
    }

    public func validate() throws {
        guard failuresMax >= 1, (1...86_400).contains(windowSeconds) else {
            throw ConfigurationError("auth_failures: failures_max >= 1 and window_seconds 1-86400")
        }
    }
}
