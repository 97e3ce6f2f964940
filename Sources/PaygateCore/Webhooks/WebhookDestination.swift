/// Where a webhook may go (docs/API.md section 8). In production mode a notify_url must be https; its
/// address (no loopback, private or link-local destination after resolution) is checked by the
/// HTTP client on the address it actually connects to (HTTPClient's `DestinationPolicy.publicOnly`),
/// at send time, so a name that later resolves somewhere private is still refused. The local stack
/// allows http, to 127.0.0.1 included.
public enum WebhookDestination {
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Nil when `url` may be sent to in `mode`; otherwise why not (naming no part of the URL).
    public static func refusal(for url: String, mode: Configuration.Mode) -> Refusal? {
        let lower = url.lowercased()
        let isHTTPS = lower.hasPrefix("https://")
        let isHTTP = lower.hasPrefix("http://")
        let host = url.dropFirst(isHTTPS ? 8 : 7).prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        guard isHTTPS || isHTTP, !host.isEmpty else {
            return Refusal(description: "notify_url is not an http(s) URL with a host")
        }
        guard !host.contains("@") else {
            // Credentials in the URL would be sent as Basic auth and could end up in logs.
            return Refusal(description: "notify_url must not carry credentials")
        }
        if mode == .production && !isHTTPS {
            return Refusal(description: "notify_url must be https in production mode")
        }
        return nil
    }
}

/// The `Paygate-Signature` header of docs/API.md section 8:
/// `t=<unix seconds>,v1=<hex HMAC-SHA256(webhook_secret, "<t>.<raw body>")>`. The MAC itself is
/// computed in the I/O layer (PaygateCrypto); this is the exact text around it.
public enum WebhookSignature {
    public static let headerName = "Paygate-Signature"

    /// The bytes the MAC covers: the decimal timestamp, a dot, then the body exactly as sent.
    public static func signedPayload(timestamp: Int64, body: [UInt8]) -> [UInt8] {
        var payload = Array(String(timestamp).utf8)
        payload.reserveCapacity(payload.count + 1 + body.count)
        payload.append(UInt8(ascii: "."))
        payload.append(contentsOf: body)
        return payload
    }

    public static func headerValue(timestamp: Int64, macHex: String) -> String {
        headerValue(timestamp: timestamp, macHexes: [macHex])
    }

    /// One `v1=` per webhook secret, new first: while a rotated secret's overlap lasts, the
    /// receiver accepts the webhook when any of them verifies with the secret it holds.
    public static func headerValue(timestamp: Int64, macHexes: [String]) -> String {
        "t=\(timestamp)" + macHexes.map { ",v1=" + $0 }.joined()
    }
}
