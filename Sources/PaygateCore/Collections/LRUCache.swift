/// A map of at most `capacity` entries that makes room by forgetting the entry used least
/// recently: a bounded cache that keeps what is in use (a busy merchant, an address failing now)
/// when a flood of other keys arrives, instead of emptying itself. Every operation is O(1): a
/// dictionary finds an entry's slot, and the slots form a doubly linked list from the oldest use
/// to the newest. Not thread-safe; its owner holds a lock around it.
public struct LRUCache<Key: Hashable, Value> {
    public let capacity: Int
    private var keys: [Key] = []
    private var values: [Value] = []
    /// The slot used just before each slot (-1: it is the oldest).
    private var older: [Int] = []
    /// The slot used just after each slot (-1: it is the newest).
    private var newer: [Int] = []
    private var slots: [Key: Int] = [:]
    private var oldest = -1
    private var newest = -1

    public init(capacity: Int) {
        precondition(capacity >= 1, "an LRU cache holds at least one entry")
        self.capacity = capacity
    }

    public var count: Int { slots.count }

    /// The value stored under `key`, which becomes the most recently used.
    public mutating func value(for key: Key) -> Value? {
        guard let slot = slots[key] else { return nil }
        moveToNewest(slot)
        return values[slot]
    }

    /// Stores `value` as the most recently used; at capacity the least recently used entry goes.
    public mutating func set(_ value: Value, for key: Key) {
        if let slot = slots[key] {
            values[slot] = value
            moveToNewest(slot)
            return
        }
        let slot: Int
        if keys.count < capacity {
            slot = keys.count
            keys.append(key)
            values.append(value)
            older.append(-1)
            newer.append(-1)
        } else {
            slot = oldest
            unlink(slot)
            slots[keys[slot]] = nil
            keys[slot] = key
            values[slot] = value
        }
        slots[key] = slot
        linkAsNewest(slot)
    }

    /// The keys from the least to the most recently used.
    public var keysOldestFirst: [Key] {
        var ordered: [Key] = []
        var slot = oldest
        while slot >= 0 {
            ordered.append(keys[slot])
            slot = newer[slot]
        }
        return ordered
    }

    private mutating func unlink(_ slot: Int) {
        let before = older[slot]
        let after = newer[slot]
        if before >= 0 { newer[before] = after } else { oldest = after }
        if after >= 0 { older[after] = before } else { newest = before }
    }

    private mutating func linkAsNewest(_ slot: Int) {
        older[slot] = newest
        newer[slot] = -1
        if newest >= 0 { newer[newest] = slot } else { oldest = slot }
        newest = slot
    }

    private mutating func moveToNewest(_ slot: Int) {
        guard slot != newest else { return }
        unlink(slot)
        linkAsNewest(slot)
    }
}

extension LRUCache: Sendable where Key: Sendable, Value: Sendable {}
