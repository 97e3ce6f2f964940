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

    /// Whether `signature` is HMAC-SHA256 of `message` under one of the signing secrets at `now`,
    /// each compared in constant time.
    public func isSigned(_ message: [UInt8], signature: [UInt8], at now: Timestamp) -> Bool {
        signingSecrets(at: now).contains { secret in ConstantTime.equals(signature, HMACSHA256.authenticate(key: secret, message: message))
        }
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
