import MariaDB
import PaygateCore
import PaygateCrypto

/// The global directory of merchants. Secrets are sealed with AES-256-GCM under the master key
/// ring (keys kept in 0600 files outside the database, `KeyRing`) with the merchant id as
/// associated data, so a sealed secret copied onto another merchant's row does not open.
public struct MerchantDirectory: Sendable {
    public static let merchantIdPrefix = MerchantIdKind.prefix
    public static let secretBytes = 32

    let connections: ShardConnections
    let keys: KeyRing

    public init(connections: ShardConnections, keys: KeyRing) {
        self.connections = connections
        self.keys = keys
    }

    public func find(id: String) throws -> Merchant? {
        let rows = try connections.withDirectory { connection in
            try connection.query(
                """
                SELECT merchant_id, name, status, secret_sealed, webhook_secret_sealed, previous_secret_sealed,
                previous_secret_expires_at, previous_webhook_secret_sealed, previous_webhook_secret_expires_at
                FROM merchants WHERE merchant_id = ?
                """, [.text(id)])
        }
        guard let row = rows.first else { return nil }
        let merchantId = try row.required(0)
        let now = Timestamp.now()
        // A replaced secret past its overlap is not even opened.
        func retiring(_ sealedColumn: Int) throws -> RetiringSecret? {
            guard let sealed = row[sealedColumn], let expiresText = row[sealedColumn + 1],
                let expiresAt = Timestamp(parsing: expiresText), expiresAt > now
            else { return nil }
            return RetiringSecret(secret: try open(sealed, merchantId: merchantId), expiresAt: expiresAt)
        }
        return Merchant(
            id: merchantId, name: try row.required(1), isActive: try row.required(2) == "active",
            secret: try open(row.required(3), merchantId: merchantId), webhookSecret: try open(row.required(4), merchantId: merchantId),
            previousSecret: try retiring(5), previousWebhookSecret: try retiring(7))
    }

    /// Creates a merchant with fresh random secrets and returns them in the clear, once.
    public func create(name: String) throws -> (id: String, secret: String, webhookSecret: String) {
        let id = MerchantId(randomBytes: try SecureRandom.bytes(MerchantIdKind.hexDigits / 2)).text
        let secret = try Self.newSecret(.api)
        let webhookSecret = try Self.newSecret(.webhook)
        let sealedSecret = try seal(secret, merchantId: id)
        let sealedWebhook = try seal(webhookSecret, merchantId: id)
        let now = Timestamp.now().databaseString
        _ = try connections.withDirectory { connection in
            try connection.execute(
                "INSERT INTO merchants (merchant_id, name, status, secret_sealed, webhook_secret_sealed, created_at, updated_at) VALUES (?, ?, 'active', ?, ?, ?, ?)",
                [.text(id), .text(name), .text(sealedSecret), .text(sealedWebhook), .text(now), .text(now)])
        }
        return (id, secret, webhookSecret)
    }

    public func setStatus(id: String, active: Bool) throws -> Bool {
        let changed = try connections.withDirectory { connection in
            try connection.execute(
                "UPDATE merchants SET status = ?, updated_at = ? WHERE merchant_id = ?",
                [.text(active ? "active" : "disabled"), .text(Timestamp.now().databaseString), .text(id)])
        }
        return changed == 1
    }

    static func newSecret(_ kind: MerchantSecretKind) throws -> String {
        kind.prefix + Hex.encode(try SecureRandom.bytes(MerchantDirectory.secretBytes))
    }

    /// Hex of the sealed secret, as the sealed columns hold it.
    func seal(_ secret: String, merchantId: String) throws -> String {
        Hex.encode(try keys.seal(Array(secret.utf8), associatedData: Array(merchantId.utf8)))
    }

    func open(_ sealedHex: String, merchantId: String) throws -> Secret {
        Secret(try keys.open(Array(sealedHex.utf8).hexDecoded(), associatedData: Array(merchantId.utf8)))
    }
}

/// The two secrets a merchant has, each rotated on its own.
public enum MerchantSecretKind: String, Sendable, CaseIterable {
    /// Signs the merchant's API requests (docs/API.md section 2).
    case api
    /// Signs the webhooks paygate sends the merchant (docs/API.md section 8).
    case webhook

    var prefix: String { self == .api ? "sk_" : "whsec_" }
}

extension Array where Element == UInt8 {
    func hexDecoded() throws -> [UInt8] {
        guard let bytes = Hex.decode(String(decoding: self, as: UTF8.self)) else {
            throw StorageError.corrupt(shard: "directory", detail: "sealed secret is not hex")
        }
        return bytes
    }
}
