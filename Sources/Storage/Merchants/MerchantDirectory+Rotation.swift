import MariaDB
import PaygateCore

extension MerchantDirectory {
    /// Replaces the merchant's `kind` secret with a fresh one and returns it in the clear, once,
    /// with the end of the overlap: until then the replaced secret keeps working beside it (an
    /// API request may be signed with either, docs/API.md section 2; a webhook carries a `v1=`
    /// for each, section 8). A second rotation within the overlap ends the first one's: only
    /// the secret it replaces stays valid. nil when there is no such merchant.
    public func rotate(
        _ kind: MerchantSecretKind, id: String, overlapSeconds: Int
    ) throws -> (secret: String, previousValidUntil: Timestamp)? {
        precondition(overlapSeconds >= 0, "an overlap is not negative")
        let secret = try Self.newSecret(kind)
        let sealed = try seal(secret, merchantId: id)
        let now = Timestamp.now()
        let validUntil = now.adding(seconds: Int64(overlapSeconds))
        let base = kind == .api ? "secret" : "webhook_secret"
        // MariaDB assigns left to right: the previous column takes the secret being replaced.
        let changed = try connections.withDirectory { connection in
            try connection.execute(
                """
                UPDATE merchants SET previous_\(base)_sealed = \(base)_sealed, previous_\(base)_expires_at = ?,
                \(base)_sealed = ?, updated_at = ? WHERE merchant_id = ?
                """,
                [.text(validUntil.databaseString), .text(sealed), .text(now.databaseString), .text(id)])
        }
        return changed == 1 ? (secret, validUntil) : nil
    }
}
