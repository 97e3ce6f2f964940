import PaygateCore
import Services
import Storage

/// How many requests of one worker process do CPU work at once. A request holds one of
/// `permits` from its start to its answer, except while it waits on a channel: the wait costs a
/// thread, not CPU, and must not keep others from working. Waiting for a permit is first come,
/// first served (`ResourcePool`).
///
/// Why: with hundreds of threads, every request in a burst would otherwise run at once and share
/// the cores evenly, so all of them finish late (processor sharing: at 64 concurrent creates the
/// p99 doubled against a pool of 16 working threads). Taking them in arrival order finishes each
/// as soon as the cores allow. Deadlock-free: a request waits for a permit only while it holds no
/// database connection, and gives its permit back only around a channel call, which it never makes
/// while holding a connection (ShardConnections lends one per transaction).
final class WorkGate: CallWaiting {
    /// A request that waited this long for a permit is answered 503: far longer than a burst's
    /// queue, shorter than nginx's fastcgi_read_timeout (30 s).
    static let enterWaitMillisecondsMax = 20_000

    private final class Permit: Sendable {}
    private let permits: ResourcePool<Permit>

    init(permits: Int) {
        self.permits = ResourcePool(capacity: permits, waitMillisecondsMax: WorkGate.enterWaitMillisecondsMax)
    }

    /// Takes a permit for a new request; false when none came free within the bound.
    func enter() -> Bool {
        (try? permits.borrow()) != nil
    }

    /// Takes a permit back for a request returning from a channel call: ahead of new requests,
    /// whose work has not begun (otherwise a burst of new requests could keep half-done ones,
    /// prepays already accepted at the channel, waiting past nginx's timeout).
    private func reenter() -> Bool {
        (try? permits.borrow(urgent: true)) != nil
    }

    func leave() {
        permits.giveBack(Permit())
    }

    /// Runs `body` (a channel call) without the permit and takes one again afterwards, ahead of
    /// new requests and however long that takes: the channel's answer must be recorded whatever
    /// it was.
    func away<T>(_ body: () -> T) -> T {
        leave()
        defer {
            while !reenter() {}
        }
        return body()
    }
}
