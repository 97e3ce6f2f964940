/// What `InvariantChecker` found: one report per check, summed over every shard it could read,
/// and the shards it could not read (which make the whole answer incomplete).

/// One row that breaks an invariant: where it lives, the ids that find it, and why it is wrong.
public struct InvariantViolation: Sendable, Equatable, CustomStringConvertible {
    public let check: String
    public let shard: String
    /// Payment first, then refund, entry, event or line ids as the check knows them.
    public let ids: [String]
    public let reason: String

    public init(check: String, shard: String, ids: [String], reason: String) {
        self.check = check; self.shard = shard; self.ids = ids; self.reason = reason
    }

    public var description: String { "\(shard) \(ids.joined(separator: " ")): \(reason)" }
}

public struct InvariantCheckReport: Sendable {
    public let name: String
    /// The rule in one sentence, for the operator who reads a FAIL line.
    public let rule: String
    /// Rows the check looked at (the tables it names), over every shard read.
    public internal(set) var checkedCount: Int = 0
    /// Every violation found, counted even where it is not kept below.
    public internal(set) var violationCount: Int = 0
    /// At most `InvariantChecker.violationsKeptMax` of them, in shard order.
    public internal(set) var violations: [InvariantViolation] = []

    init(name: String, rule: String) { self.name = name; self.rule = rule }

    public var isClean: Bool { violationCount == 0 }
}

/// A shard whose snapshot could not be taken or whose queries failed: nothing on it was checked.
public struct UnreadableShard: Sendable {
    public let shard: String
    public let error: String
}

public struct InvariantReport: Sendable {
    public internal(set) var checks: [InvariantCheckReport]
    public internal(set) var shardsRead: [String] = []
    public internal(set) var unreadableShards: [UnreadableShard] = []

    public var violationCount: Int { checks.reduce(0) { $0 + $1.violationCount } }
    public var isComplete: Bool { unreadableShards.isEmpty }
    public var isClean: Bool { isComplete && violationCount == 0 }
}
