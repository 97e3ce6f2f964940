import PaygateCore
import Storage

/// A per-thread cache of merchants (secret and status) so that authentication does not read the
/// directory on every request. Entries live `ttlSeconds`, which bounds how long a disabled
/// merchant can still be served. Unknown ids are cached too, briefly, so a flood of made-up ids
/// cannot hammer the directory.
final class MerchantCache {
    static let entryCountMax = 10_000

    let directory: MerchantDirectory
    let ttlMilliseconds: Int64
    private var entries: [String: (merchant: Merchant?, fetchedAt: Int64)] = [:]

    init(directory: MerchantDirectory, ttlSeconds: Int) {
        self.directory = directory
        self.ttlMilliseconds = Int64(ttlSeconds) * 1000
    }

    func merchant(id: String) throws -> Merchant? {
        let now = Timestamp.now().millisecondsSinceEpoch
        if let entry = entries[id], now - entry.fetchedAt < ttlMilliseconds { return entry.merchant }
        let merchant = try directory.find(id: id)
        if entries.count >= MerchantCache.entryCountMax { entries.removeAll(keepingCapacity: true) }
        entries[id] = (merchant, now)
        return merchant
    }
}
