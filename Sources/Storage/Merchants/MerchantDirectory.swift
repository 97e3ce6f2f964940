import MariaDB
import PaygateCore
import PaygateCrypto

/// A merchant as the gateway needs it: its secrets opened from their sealed form.
public struct Merchant: Sendable {
    public var id: String
    public var name: String
    public var isActive: Bool
    public var secret: Secret
    public var webhookSecret: Secret
}

/// The global directory of merchants. Secrets are sealed with AES-256-GCM under the master key
/// (kept in a 0600 file outside the database) with the merchant id as associated data, so a
/// sealed secret copied onto another merchant's row does not open.
public struct MerchantDirectory: Sendable {
    public static let merchantIdPrefix = MerchantIdKind.prefix
    public static let secretBytes = 32

    let connections: ShardConnections
    let box: SecretBox

    public init(connections: ShardConnections, box: SecretBox) {
        self.connections = connections
        self.box = box
    }

    public func find(id: String) throws -> Merchant? {
        let rows = try connections.withDirectory { connection in
            try connection.query(
                "SELECT merchant_id, name, status, secret_sealed, webhook_secret_sealed FROM merchants WHERE merchant_id = ?", [.text(id)])
        }
        guard let row = rows.first else { return nil }
        let secret = try box.open(Array(try row.required(3).utf8).hexDecoded(), associatedData: Array(id.utf8))
        let webhookSecret = try box.open(Array(try row.required(4).utf8).hexDecoded(), associatedData: Array(id.utf8))
        return Merchant(
            id: try row.required(0), name: try row.required(1), isActive: try row.required(2) == "active",
            secret: Secret(secret), webhookSecret: Secret(webhookSecret))
    }

    /// Creates a merchant with fresh random secrets and returns them in the clear, once.
    public func create(name: String) throws -> (id: String, secret: String, webhookSecret: String) {
        let id = MerchantId(randomBytes: try SecureRandom.bytes(MerchantIdKind.hexDigits / 2)).text
        let secret = "sk_" + Hex.encode(try SecureRandom.bytes(MerchantDirectory.secretBytes))
        let webhookSecret = "whsec_" + Hex.encode(try SecureRandom.bytes(MerchantDirectory.secretBytes))
        let sealedSecret = Hex.encode(try box.seal(Array(secret.utf8), associatedData: Array(id.utf8)))
        let sealedWebhook = Hex.encode(try box.seal(Array(webhookSecret.utf8), associatedData: Array(id.utf8)))
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
}

extension Array where Element == UInt8 {
    func hexDecoded() throws -> [UInt8] {
        guard let bytes = Hex.decode(String(decoding: self, as: UTF8.self)) else {
            throw StorageError.corrupt(shard: "directory", detail: "sealed secret is not hex")
        }
        return bytes
    }
}
