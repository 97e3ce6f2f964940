/// The bookkeeping of one bounded pool, without locks, clocks or I/O, so that its rules are
/// tested as straight-line scripts (Tests/StorageTests/PoolStateTests.swift):
/// - at most `capacity` resources exist at once: idle ones, lent ones and ones being opened;
/// - waiting is first come, first served: while anyone waits, a newcomer never takes an idle
///   resource or a free place ahead of them, and a resource given back goes to the oldest waiter;
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
    /// Waiter ids in arrival order; `waitersHead` is the oldest still in the array.
    private var waiterQueue: [Int] = []
    private var waitersHead = 0

    init(capacity: Int) {
        precondition(capacity >= 1, "a pool needs room for one resource")
        self.capacity = capacity
    }

    var waiters: ArraySlice<Int> { waiterQueue[waitersHead...] }
    var waiterCount: Int { waiterQueue.count - waitersHead }

    enum Grant {
        case take(Resource)
        /// Room for one more: the borrower opens a resource in that place.
        case open
    }

    /// A borrower arrives: served at once, or queued (nil) behind the waiters already there.
    mutating func borrow(waiter: Int) -> Grant? {
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
        waiterQueue.append(waiter)
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
        guard let index = waiterQueue[waitersHead...].firstIndex(of: waiter) else { return false }
        waiterQueue.remove(at: index)
        compactIfDrained()
        return true
    }

    /// Every idle resource, taken out of the pool (to be closed): for health checks and stops.
    mutating func drainIdle() -> [Resource] {
        let drained = idle
        idle.removeAll()
        return drained
    }

    private mutating func popOldestWaiter() -> Int? {
        guard waitersHead < waiterQueue.count else { return nil }
        let waiter = waiterQueue[waitersHead]
        waitersHead += 1
        compactIfDrained()
        return waiter
    }

    /// Keeps the queue's storage from growing: reset when empty, compact when half is spent.
    private mutating func compactIfDrained() {
        if waitersHead == waiterQueue.count {
            waiterQueue.removeAll(keepingCapacity: true)
            waitersHead = 0
        } else if waitersHead > 64, waitersHead * 2 > waiterQueue.count {
            waiterQueue.removeFirst(waitersHead)
            waitersHead = 0
        }
    }
}
