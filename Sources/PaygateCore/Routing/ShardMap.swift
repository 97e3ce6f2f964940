/// Virtual slots mapped to physical shards. The slot count is fixed for the life of the data
/// (payment ids carry their slot); what changes when shards are added is only which shard owns a
/// slot. Moving a slot = copy its rows, then change `slot_map` and reload (README "Adding a shard").
public struct ShardMap: Sendable {
    public let slotCount: Int
    /// Shard index (into `DatabaseConfiguration.shards`) for every slot.
    private let shardOfSlot: [Int]
    public let shardNames: [String]

    public init(_ configuration: DatabaseConfiguration) throws {
        let count = configuration.slotCount
        guard count >= 1, count <= SlotRouter.slotCountMax else {
            throw ConfigurationError("slot_count must be 1...\(SlotRouter.slotCountMax)")
        }
        let names = configuration.shards.map(\.name)
        guard !names.isEmpty, Set(names).count == names.count else {
            throw ConfigurationError("shards must be non-empty with unique names")
        }
        let serverNames = Set(configuration.servers.map(\.name))
        for shard in configuration.shards where !serverNames.contains(shard.server) {
            throw ConfigurationError("shard \(shard.name) names unknown server \(shard.server)")
        }
        guard serverNames.contains(configuration.directory.server) else {
            throw ConfigurationError("directory names unknown server \(configuration.directory.server)")
        }
        var owner = [Int](repeating: -1, count: count)
        for range in configuration.slotMap {
            guard let shardIndex = names.firstIndex(of: range.shard) else {
                throw ConfigurationError("slot_map names unknown shard \(range.shard)")
            }
            guard range.first >= 0, range.last < count, range.first <= range.last else {
                throw ConfigurationError("slot_map range \(range.first)-\(range.last) is outside 0...\(count - 1)")
            }
            for slot in range.first...range.last {
                guard owner[slot] == -1 else { throw ConfigurationError("slot \(slot) is mapped twice") }
                owner[slot] = shardIndex
            }
        }
        if let missing = owner.firstIndex(of: -1) {
            throw ConfigurationError("slot \(missing) is not mapped to any shard")
        }
        slotCount = count
        shardOfSlot = owner
        shardNames = names
    }

    public func shardIndex(forSlot slot: Int) -> Int {
        precondition(slot >= 0 && slot < slotCount, "slot out of range")
        return shardOfSlot[slot]
    }

    public var shardCount: Int { shardNames.count }
}
