import MariaDB
import PaygateCore

/// Deletes rows that no longer protect anything: nonces older than twice the auth window (a
/// request stamped up to one window in the future is still replayable until its timestamp leaves
/// the window) and Idempotency-Key records past their expiry. Small batches keep each delete short
/// so it never holds locks that a payment transaction waits on.
public struct Housekeeping {
    public static let deleteBatchRowsMax = 500

    public let shards: ShardConnections
    public let authWindowSeconds: Int

    public init(shards: ShardConnections, authWindowSeconds: Int) {
        self.shards = shards
        self.authWindowSeconds = authWindowSeconds
    }

    /// One bounded pass over one shard; returns the rows deleted.
    @discardableResult
    public func purge(shard index: Int, now: Timestamp = .now()) throws -> Int {
        let nonceCutoff = now.adding(seconds: -2 * Int64(authWindowSeconds)).databaseString
        return try shards.read(shard: index) { connection in
            let nonces = try connection.execute(
                "DELETE FROM request_nonces WHERE created_at < ? LIMIT \(Housekeeping.deleteBatchRowsMax)", [.text(nonceCutoff)])
            let keys = try connection.execute(
                "DELETE FROM idempotency_keys WHERE expires_at < ? LIMIT \(Housekeeping.deleteBatchRowsMax)", [.text(now.databaseString)])
            return nonces + keys
        }
    }
}
