import MariaDB

/// What the storage layer tells its callers. Connection problems are named by shard so the
/// answer (503 service_unavailable) and the log say which part is down.
public enum StorageError: Error, Sendable, CustomStringConvertible {
    /// The shard's server cannot be reached, or the connection broke mid-transaction.
    case unavailable(shard: String, underlying: DatabaseError)
    /// A lock wait timed out (1205) or a deadlock outlived its retries: nothing was written and
    /// the request can be retried at once; the shard itself is fine.
    case busy(shard: String, underlying: DatabaseError)
    /// No connection to the shard came free within the pool's bounded wait: too many requests
    /// want this shard at once. Nothing was written; the request can be retried.
    case exhausted(shard: String, waitedMilliseconds: Int)
    /// A statement failed for another reason: a bug or a broken invariant.
    case database(shard: String, underlying: DatabaseError)
    /// Data in a row that cannot be decoded into the domain type.
    case corrupt(shard: String, detail: String)

    public var description: String {
        switch self {
        case .unavailable(let shard, let underlying): "shard \(shard) unavailable: \(underlying)"
        case .busy(let shard, let underlying): "shard \(shard) busy: \(underlying)"
        case .exhausted(let shard, let waited): "shard \(shard): no connection free after \(waited) ms"
        case .database(let shard, let underlying): "shard \(shard) error: \(underlying)"
        case .corrupt(let shard, let detail): "shard \(shard) holds an undecodable row: \(detail)"
        }
    }
}
