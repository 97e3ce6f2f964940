import PaygateCore
import PaygateCrypto

/// A merchant as the gateway needs it: its secrets opened from their sealed form.
public struct Merchant: Sendable {
    public var id: String
    public var name: String
    public var isActive: Bool
    public var secret: Secret
    public var webhookSecret: Secret
    /// The API secret the last rotation replaced, while it still works (docs/API.md section 2).
    public var previousSecret: RetiringSecret?
    /// The webhook secret the last rotation replaced, while webhooks are still signed with it too
    /// (docs/API.md section 8).
    public var previousWebhookSecret: RetiringSecret?

    /// The secrets a request may be signed with at `now`: the current one, then the replaced one
    /// until its overlap ends.
    public func signingSecrets(at now: Timestamp) -> [Secret] {
        [secret] + (previousSecret.flatMap { $0.expiresAt > now ? $0.secret : nil }.map { [$0] } ?? [])
    }

    /// The secrets a webhook is signed with at `now`, new first (one `v1=` each).
    public func webhookSecrets(at now: Timestamp) -> [Secret] {
        [webhookSecret] + (previousWebhookSecret.flatMap { $0.expiresAt > now ? $0.secret : nil }.map { [$0] } ?? [])
    }
}

/// A replaced secret and the end of its overlap.
public struct RetiringSecret: Sendable {
    public var secret: Secret
    public var expiresAt: Timestamp
}
