import HTTPClient
import PaygateCore

/// docs/API.md section 8 at create time: in production mode a notify_url must be https and must not
/// point at a loopback, private or link-local address; in local mode it must point at this host.
/// What can be known without a DNS lookup is refused here with 400 (the scheme, a literal address,
/// `localhost`); a name is resolved and its address checked by the dispatcher on every send
/// (HTTPClient's `.publicOnly` or `.loopbackOnly`, on the address it connects to), so a name that
/// resolves somewhere refused, then or later, is never posted to. A lookup here would put the
/// merchant's DNS on the create path and still prove nothing about the address at send time.
enum NotifyURLPolicy {
    static func check(_ url: String, mode: Configuration.Mode) throws(APIError) {
        if let refusal = WebhookDestination.refusal(for: url, mode: mode) {
            throw APIError(.invalidField, refusal.description + ".", field: "notify_url")
        }
        let host = host(of: url)
        let literal = IPAddress(host)
        switch mode {
        case .production:
            let lower = host.lowercased()
            let named = lower == "localhost" || lower.hasSuffix(".localhost") || lower.hasSuffix(".local")
            if named || literal.map({ !$0.isPubliclyRoutable }) == true {
                throw APIError(
                    .invalidField, "notify_url must not point at a loopback, private or link-local address in production mode.",
                    field: "notify_url")
            }
        case .local:
            // docs/API.md section 5: a URL naming an address paygate could never deliver to is
            // refused now rather than dead-lettered later; local mode delivers to loopback only.
            if let literal, !literal.isLoopback {
                throw APIError(.invalidField, "notify_url must point at this host (loopback) in local mode.", field: "notify_url")
            }
        }
    }

    /// The host of a URL `WebhookDestination` accepted: after "://", without brackets or port.
    private static func host(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "" }
        let authority = url[schemeEnd.upperBound...].prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        if authority.hasPrefix("[") { return String(authority.dropFirst().prefix(while: { $0 != "]" })) }
        if let colon = authority.lastIndex(of: ":") { return String(authority[..<colon]) }
        return String(authority)
    }
}
