import MariaDB
import PaygateCore

/// The column list every outbox SELECT uses, and its decoding, kept together so they cannot drift.
enum EventRow {
    static let columns = """
        event_id, payment_id, refund_id, slot, merchant_id, type, data, state, attempts, next_attempt_at, \
        created_at, seq, last_attempt_at, delivered_at
        """
    static let columnCount = 14

    /// The same columns qualified by a table alias, for joins.
    static func columns(alias: String) -> String {
        columns.split(separator: ",").map { "\(alias).\($0.trimmingSpaces)" }.joined(separator: ", ")
    }

    static func decode(_ row: DatabaseRow, shard: String) throws(StorageError) -> WebhookEvent {
        func text(_ index: Int) throws(StorageError) -> String {
            guard let value = row[index] else { throw StorageError.corrupt(shard: shard, detail: "NULL in event column \(index)") }
            return value
        }
        func time(_ index: Int) throws(StorageError) -> Timestamp {
            guard let value = Timestamp(parsing: try text(index)) else {
                throw StorageError.corrupt(shard: shard, detail: "bad time in event column \(index)")
            }
            return value
        }
        func optionalTime(_ index: Int) throws(StorageError) -> Timestamp? {
            row[index] == nil ? nil : try time(index)
        }
        guard let slot = Int(try text(3)), let state = WebhookEventState(rawValue: try text(7)),
            let attempts = Int(try text(8)), let seq = Int64(try text(11))
        else {
            throw StorageError.corrupt(shard: shard, detail: "event \(row[0] ?? "?")")
        }
        return WebhookEvent(
            id: try text(0), paymentId: try text(1), refundId: try text(2), slot: slot, merchantId: try text(4),
            type: try text(5), dataJSON: try text(6), state: state, attempts: attempts, nextAttemptAt: try time(9),
            createdAt: try time(10), seq: seq, lastAttemptAt: try optionalTime(12), deliveredAt: try optionalTime(13))
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return text
    }
}

/// One attempt as `paygate-admin events show` lists it.
public struct StoredWebhookAttempt: Sendable {
    public var attempt: WebhookAttempt
    /// The row id: attempts of one event in the order they were made, across resends.
    public var id: Int64
}
