/// The bookkeeping of one bounded pool, without locks, clocks or I/O, so that its rules are
/// tested as straight-line scripts (Tests/StorageTests/PoolStateTests.swift):
/// - at most `capacity` resources exist at once: idle ones, lent ones and ones being opened;
/// - waiting is first come, first served: while anyone waits, a newcomer never takes an idle
///   resource or a free place ahead of them, and a resource given back goes to the oldest waiter;
///   a borrower marked `urgent` waits in a queue of its own that is served first (a request coming
///   back from a channel call, whose work is half done, goes before new requests);
/// - a broken resource is never lent again: giving back `nil` frees its place, which passes to the
///   oldest waiter as the right to open a new one;
/// - a resource is lent to one borrower at a time: it is either idle or with exactly one borrower.
/// `ResourcePool` wraps it with a mutex and a condition variable per waiter.
struct PoolState<Resource> {
    let capacity: Int
    /// Resources nobody holds, most recently returned last: lent again first, so a lightly
    /// loaded pool keeps using a few warm connections instead of cycling through all of them.
    private(set) var idle: [Resource] = []
    /// Resources lent out plus places granted for opening a new one.
    private(set) var lentCount = 0
    /// Waiter ids in arrival order, urgent ones apart.
    private var urgentQueue = WaiterQueue()
    private var waiterQueue = WaiterQueue()

    init(capacity: Int) {
        precondition(capacity >= 1, "a pool needs room for one resource")
        self.capacity = capacity
    }

    /// Waiters in the order they will be served.
    var waiters: [Int] { Array(urgentQueue.ids) + Array(waiterQueue.ids) }
    var waiterCount: Int { urgentQueue.count + waiterQueue.count }

    enum Grant {
        case take(Resource)
        /// Room for one more: the borrower opens a resource in that place.
        case open
    }

    /// A borrower arrives: served at once, or queued (nil) behind the waiters already there.
    mutating func borrow(waiter: Int, urgent: Bool = false) -> Grant? {
        if waiterCount == 0 {
            if let resource = idle.popLast() {
                lentCount += 1
                return .take(resource)
            }
            if lentCount < capacity {
                lentCount += 1
                return .open
            }
        }
        if urgent { urgentQueue.append(waiter) } else { waiterQueue.append(waiter) }
        return nil
    }

    /// A borrower is done; `nil` means its resource is broken (or could not be opened) and is
    /// gone. Returns who gets what now: the oldest waiter, or nobody (kept idle or dropped).
    mutating func giveBack(_ resource: Resource?) -> (waiter: Int, grant: Grant)? {
        if let waiter = popOldestWaiter() {
            // The place moves from one borrower to the next: lentCount does not change.
            if let resource { return (waiter, .take(resource)) }
            return (waiter, .open)
        }
        precondition(lentCount > 0, "a pool got back more than it lent")
        lentCount -= 1
        if let resource { idle.append(resource) }
        return nil
    }

    /// A waiter stops waiting (its wait ran out). False when it is no longer in the queue:
    /// a grant reached it first and it must take that instead.
    mutating func abandon(waiter: Int) -> Bool {
        urgentQueue.remove(waiter) || waiterQueue.remove(waiter)
    }

    private mutating func popOldestWaiter() -> Int? {
        urgentQueue.popFirst() ?? waiterQueue.popFirst()
    }
}

/// Ids in arrival order, with O(1) removal at the front (the usual case) and compaction.
struct WaiterQueue {
    private var storage: [Int] = []
    private var head = 0

    var ids: ArraySlice<Int> { storage[head...] }
    var count: Int { storage.count - head }

    mutating func append(_ id: Int) { storage.append(id) }

    mutating func popFirst() -> Int? {
        guard head < storage.count else { return nil }
        let id = storage[head]
        head += 1
        compact()
        return id
    }

    mutating func remove(_ id: Int) -> Bool {
        guard let index = storage[head...].firstIndex(of: id) else { return false }
        storage.remove(at: index)
        compact()
        return true
    }

    /// Keeps the storage from growing: reset when empty, compact when half is spent.
    private mutating func compact() {
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64, head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }
}
