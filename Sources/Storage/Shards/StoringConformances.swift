import PaygateCore

// MariaDB's stores are the flows' ports (PaygateCore/Ports); the in-memory twin is the other.
extension PaymentStore: PaymentStoring {
    public var slotCount: Int { shards.map.slotCount }
    public var shardCount: Int { shards.shardCount }
    public func shardName(_ shard: Int) -> String { shards.shardNames[shard] }
}

extension RefundStore: RefundStoring {}
