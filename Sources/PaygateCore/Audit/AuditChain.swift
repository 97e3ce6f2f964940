/// The rules of the audit log's hash chain (README "Audit log"). Pure: the SHA-256 function is
/// passed in (PaygateCrypto's), so the rules are tested here with fixed records.
///
/// Each record carries the hash of its predecessor's record (`previousHash`) and the hash of its
/// own canonical form, which includes `previousHash`. Changing a record's content breaks its own
/// hash; re-hashing it breaks its successor's link; removing or inserting records breaks a link
/// too. Only the removal of the newest records leaves a whole chain behind, which is why a
/// signed checkpoint of the head is kept outside the database and compared.
public enum AuditChain {
    public typealias Hash = @Sendable ([UInt8]) -> [UInt8]

    /// The `previousHash` of the first record.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The record that follows `head` (nil: the log is empty).
    public static func link(
        _ entry: AuditEntry, after head: (sequence: Int64, recordHash: String)?, time: String, hash: Hash
    ) -> AuditRecord {
        var record = AuditRecord(
            sequence: (head?.sequence ?? 0) + 1, time: time, entry: entry, previousHash: head?.recordHash ?? genesisHash,
            recordHash: "")
        record.recordHash = Hex.encode(hash(record.canonicalBytes))
        return record
    }

    /// What a walk of the chain found wrong; empty when the chain and the checkpoint agree.
    public enum Finding: Sendable, Equatable, CustomStringConvertible {
        /// The record's content no longer hashes to its `record_hash`, or it was re-hashed and
        /// its successor still names the old hash.
        case changed(sequence: Int64)
        /// Records missing from `first` through `last` (a gap in the sequence whose successor
        /// names a hash nobody has, or the newest records, shown by the checkpoint).
        case removed(first: Int64, last: Int64)
        /// A record that the chain's links step over: its successor names the hash of the one
        /// before it.
        case inserted(sequence: Int64)
        /// The checkpoint's signature does not check with the key.
        case checkpointForged

        public var description: String {
            switch self {
            case .changed(let sequence): "record \(sequence) was changed"
            case .removed(let first, let last): first == last ? "record \(first) was removed" : "records \(first)...\(last) were removed"
            case .inserted(let sequence): "record \(sequence) was inserted"
            case .checkpointForged: "the checkpoint's signature does not check"
            }
        }
    }

    /// Walks `records` (ordered by sequence) and compares the head with `checkpoint` (nil when
    /// none was ever written). Every record changed, removed or inserted is named.
    public static func verify(_ records: [AuditRecord], checkpoint: AuditCheckpoint?, hash: Hash) -> [Finding] {
        var findings: [Finding] = []
        // Where each stored record hash was seen (index in `records`; -1 for the genesis).
        var seen: [String: Int] = [genesisHash: -1]
        var previous: (index: Int, sequence: Int64, recordHash: String) = (-1, 0, genesisHash)
        for (index, record) in records.enumerated() {
            if Hex.encode(hash(record.canonicalBytes)) != record.recordHash {
                findings.append(.changed(sequence: record.sequence))
            }
            if record.previousHash != previous.recordHash {
                findings += brokenLink(at: index, records: records, seen: seen, previous: previous)
            }
            if seen[record.recordHash] == nil { seen[record.recordHash] = index }
            previous = (index, record.sequence, record.recordHash)
        }
        if let checkpoint { findings += compare(records, seen: seen, with: checkpoint) }
        return deduplicated(findings)
    }

    /// `records[index]` does not name its predecessor: the predecessor was inserted (the record
    /// names an earlier one), records were removed (it names a hash nobody has, across a gap),
    /// or the predecessor was changed and re-hashed (no gap).
    private static func brokenLink(
        at index: Int, records: [AuditRecord], seen: [String: Int], previous: (index: Int, sequence: Int64, recordHash: String)
    ) -> [Finding] {
        let record = records[index]
        if let earlier = seen[record.previousHash], earlier < previous.index {
            return records[(earlier + 1)...previous.index].map { .inserted(sequence: $0.sequence) }
        }
        if record.sequence > previous.sequence + 1 {
            return [.removed(first: previous.sequence + 1, last: record.sequence - 1)]
        }
        return [.changed(sequence: previous.index >= 0 ? previous.sequence : record.sequence)]
    }

    /// The checkpoint names a record (sequence and hash) that must still be in the chain.
    private static func compare(_ records: [AuditRecord], seen: [String: Int], with checkpoint: AuditCheckpoint) -> [Finding] {
        if seen[checkpoint.recordHash] != nil || checkpoint.sequence == 0 { return [] }
        let last = records.last?.sequence ?? 0
        if last < checkpoint.sequence { return [.removed(first: last + 1, last: checkpoint.sequence)] }
        return [.changed(sequence: checkpoint.sequence)]
    }

    private static func deduplicated(_ findings: [Finding]) -> [Finding] {
        var result: [Finding] = []
        for finding in findings where !result.contains(finding) { result.append(finding) }
        return result
    }
}
