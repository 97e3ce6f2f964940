import Glibc

/// A bounded, first-come-first-served pool of resources shared by the threads of one process
/// (database connections: `ShardPools`). `PoolState` holds the rules; this type adds the mutex,
/// one condition variable per waiter (so a grant wakes exactly the waiter it is for, in order) and
/// the bounded wait on the monotonic clock.
///
/// Borrowing yields either an idle resource or the right to open a new one in a free place; the
/// borrower must give back exactly once, `nil` when the resource is broken or could not be opened,
/// so its place is freed and never lent again.
public final class ResourcePool<Resource: AnyObject>: @unchecked Sendable {
    // @unchecked: every mutable field is read and written with `mutex` held; a resource is handed
    // from one thread to the next only through that mutex, so it has one owner at a time.
    public enum Lease {
        case existing(Resource)
        case mustOpen
    }

    public let capacity: Int
    public let waitMillisecondsMax: Int
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var state: PoolState<Resource>
    private var waiting: [Int: Waiter] = [:]
    private var nextWaiterId = 0

    private final class Waiter {
        let condition: UnsafeMutablePointer<pthread_cond_t>
        var grant: PoolState<Resource>.Grant?

        init() {
            condition = .allocate(capacity: 1)
            var attributes = pthread_condattr_t()
            pthread_condattr_init(&attributes)
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
            pthread_cond_init(condition, &attributes)
            pthread_condattr_destroy(&attributes)
        }

        deinit {
            pthread_cond_destroy(condition)
            condition.deallocate()
        }
    }

    public init(capacity: Int, waitMillisecondsMax: Int) {
        precondition(capacity >= 1 && waitMillisecondsMax >= 0, "pool limits out of range")
        self.capacity = capacity
        self.waitMillisecondsMax = waitMillisecondsMax
        state = PoolState(capacity: capacity)
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// An idle resource, or the right to open one; waits at most `waitMillisecondsMax` behind the
    /// borrowers that came first (an `urgent` one only behind the urgent ones).
    public func borrow(urgent: Bool = false) throws(PoolWaitExpired) -> Lease {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        let id = nextWaiterId
        nextWaiterId &+= 1
        if let grant = state.borrow(waiter: id, urgent: urgent) { return Self.lease(grant) }

        let waiter = Waiter()
        waiting[id] = waiter
        defer { waiting[id] = nil }
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let nanoseconds = Int(deadline.tv_nsec) + (waitMillisecondsMax % 1000) * 1_000_000
        deadline.tv_sec += waitMillisecondsMax / 1000 + nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        while waiter.grant == nil {
            if pthread_cond_timedwait(waiter.condition, mutex, &deadline) == ETIMEDOUT, waiter.grant == nil {
                if state.abandon(waiter: id) { throw PoolWaitExpired(waitedMilliseconds: waitMillisecondsMax) }
                // Granted between the timeout and the lock: the grant is ours; loop to take it.
            }
        }
        return Self.lease(waiter.grant!)
    }

    /// Gives a borrowed resource back; `nil` when it is broken or was never opened.
    public func giveBack(_ resource: Resource?) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard let (id, grant) = state.giveBack(resource) else { return }
        // A waiter leaves `waiting` only while holding the mutex, after leaving the state's queue
        // or after taking its grant: the one just granted is still here.
        let waiter = waiting[id]!
        waiter.grant = grant
        pthread_cond_signal(waiter.condition)
    }

    /// How many borrowers wait right now (for tests and health output).
    public var waiterCount: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return state.waiterCount
    }

    private static func lease(_ grant: PoolState<Resource>.Grant) -> Lease {
        switch grant {
        case .take(let resource): .existing(resource)
        case .open: .mustOpen
        }
    }
}

/// Nobody gave a resource back within the pool's bounded wait: the caller answers 503 and writes
/// nothing.
public struct PoolWaitExpired: Error, Sendable {
    public var waitedMilliseconds: Int
}
