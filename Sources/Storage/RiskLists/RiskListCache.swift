import PaygateCore
import Synchronization

/// A process's copy of the risk lists, shared by its threads. A request that finds the copy
/// older than `refreshSeconds` reads the lists' version (one small query) and, only when it
/// moved, the lists; the other threads keep using the copy meanwhile. An unreachable directory
/// keeps the last copy (logged): lists never fail a create.
public final class RiskListCache: RiskListSource {
    let store: RiskListStore
    let refreshNanoseconds: UInt64
    let log: Log
    private let state = Mutex(State())

    struct State {
        var lists = RiskLists([:])
        var version: Int64 = -1
        var checkedAt: UInt64 = 0
        var checking = false
    }

    public init(store: RiskListStore, refreshSeconds: Int, log: Log) {
        self.store = store
        self.refreshNanoseconds = UInt64(refreshSeconds) * 1_000_000_000
        self.log = log
    }

    public func current() -> RiskLists {
        let now = Timestamp.monotonicNanoseconds()
        let (lists, due, known) = state.withLock { state -> (RiskLists, Bool, Int64) in
            let due = !state.checking && (state.version < 0 || now &- state.checkedAt >= refreshNanoseconds)
            if due { state.checking = true }
            return (state.lists, due, state.version)
        }
        guard due else { return lists }
        var fresh: (lists: RiskLists, version: Int64)?
        do {
            if try known < 0 || store.version() != known {
                let loaded = try store.loadAll()
                fresh = (RiskLists(loaded.lists), loaded.version)
            }
        } catch {
            log.error("risk: lists not refreshed (\(error)); keeping the copy of version \(known)")
        }
        return state.withLock { state in
            state.checking = false
            state.checkedAt = now
            if let fresh {
                state.lists = fresh.lists
                state.version = fresh.version
            }
            return state.lists
        }
    }
}
