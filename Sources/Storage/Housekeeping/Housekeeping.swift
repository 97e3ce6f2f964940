import MariaDB
import PaygateCore

/// Deletes rows that no longer protect anything: nonces older than twice the auth window (a
/// request stamped up to one window in the future is still replayable until its timestamp leaves
/// the window) and Idempotency-Key records past their expiry. Small batches keep each delete short
/// so it never holds locks that a payment transaction waits on.
public struct Housekeeping {
    public static let deleteBatchRowsMax = 500
    /// Batches per purge of one shard: bounds one purge's time while deleting far more rows
    /// than arrive between purges (README "Housekeeping" has the arithmetic).
    public static let batchesPerPurgeMax = 40

    public let shards: ShardConnections
    public let authWindowSeconds: Int

    public init(shards: ShardConnections, authWindowSeconds: Int) {
        self.shards = shards
        self.authWindowSeconds = authWindowSeconds
    }

    /// Purges one shard in batches until a batch comes back short (or the batch cap is hit);
    /// returns the rows deleted.
    @discardableResult
    public func purge(shard index: Int, now: Timestamp = .now()) throws -> Int {
        let nonceCutoff = now.adding(seconds: -2 * Int64(authWindowSeconds)).databaseString
        var deleted = 0
        for (sql, cutoff) in [
            ("DELETE FROM request_nonces WHERE created_at < ? LIMIT \(Housekeeping.deleteBatchRowsMax)", nonceCutoff),
            ("DELETE FROM idempotency_keys WHERE expires_at < ? LIMIT \(Housekeeping.deleteBatchRowsMax)", now.databaseString),
        ] {
            for _ in 0..<Housekeeping.batchesPerPurgeMax {
                let rows = try shards.read(shard: index) { connection in try connection.execute(sql, [.text(cutoff)]) }
                deleted += rows
                if rows < Housekeeping.deleteBatchRowsMax { break }
            }
        }
        return deleted
    }
}
