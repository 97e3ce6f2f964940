import PaygateCore
import Synchronization

/// The merchants (secret and status) one process has read recently, shared by its threads,
/// so that authentication does not read the directory on every request. Entries live
/// `ttlSeconds`, which bounds how long a disabled merchant can still be served. Unknown ids are
/// cached too, briefly, so a flood of made-up ids cannot hammer the directory. At most
/// `entryCountMax` entries are held, least recently used out first: a flood of made-up ids
/// pushes out other made-up ids and idle merchants, while the merchants sending traffic stay
/// (before, the cache emptied itself completely when full, and every merchant's next request
/// went to the directory at once). The directory is read outside the lock: two threads missing
/// the same merchant at once both read it, which is cheaper than making every other thread wait
/// behind one read.
public final class MerchantCache: Sendable {
    static let entryCountMax = 10_000

    let directory: MerchantDirectory
    let ttlMilliseconds: Int64
    private let entries = Mutex(LRUCache<String, Entry>(capacity: MerchantCache.entryCountMax))

    struct Entry {
        var merchant: Merchant?
        var fetchedAt: Int64
    }

    public init(directory: MerchantDirectory, ttlSeconds: Int) {
        self.directory = directory
        self.ttlMilliseconds = Int64(ttlSeconds) * 1000
    }

    public func merchant(id: String) throws -> Merchant? {
        // Only an id of the exact shape is looked up (and cached): the directory's collation
        // ignores trailing spaces, so "mch_… " would otherwise find the merchant "mch_…".
        guard MerchantId(id) != nil else { return nil }
        let now = Timestamp.now().millisecondsSinceEpoch
        if let entry = entries.withLock({ $0.value(for: id) }), now - entry.fetchedAt < ttlMilliseconds { return entry.merchant }
        let merchant = try directory.find(id: id)
        entries.withLock { $0.set(Entry(merchant: merchant, fetchedAt: now), for: id) }
        return merchant
    }
}
