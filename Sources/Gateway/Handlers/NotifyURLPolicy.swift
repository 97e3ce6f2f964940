import HTTPClient
import PaygateCore

/// docs/API.md section 8 at create time: in production mode a notify_url must be https and must not
/// point at a loopback, private or link-local address. What can be known without a DNS lookup is
/// refused here with 400 (the scheme, a literal address, `localhost`); a name is resolved and its
/// address checked by the dispatcher on every send (HTTPClient's `.publicOnly`, on the address
/// it connects to), so a name that resolves somewhere private, then or later, is never posted to.
/// A lookup here would put the merchant's DNS on the create path and still prove nothing about
/// the address at send time.
enum NotifyURLPolicy {
    static func check(_ url: String, mode: Configuration.Mode) throws(APIError) {
        if let refusal = WebhookDestination.refusal(for: url, mode: mode) {
            throw APIError(.invalidField, refusal.description + ".", field: "notify_url")
        }
        guard mode == .production else { return }
        let authority = url.dropFirst("https://".count).prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        var host = String(authority)
        if host.hasPrefix("[") {
            host = String(host.dropFirst().prefix(while: { $0 != "]" }))
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        let lower = host.lowercased()
        let named = lower == "localhost" || lower.hasSuffix(".localhost") || lower.hasSuffix(".local")
        if named || IPAddress(host).map({ !$0.isPubliclyRoutable }) == true {
            throw APIError(
                .invalidField, "notify_url must not point at a loopback, private or link-local address in production mode.",
                field: "notify_url")
        }
    }
}
