import PaygateCore
import PaygateCrypto
import Synchronization

/// Everything the sandbox remembers, shared by all handler threads and the callback dispatcher
/// of one process behind one lock. In memory on purpose: the sandbox stands in for the outside
/// world, and a restart is a new world.
public final class SandboxState: Sendable {
    /// Past these counts new orders, refunds or download tokens are refused with the channel's
    /// system-busy answer rather than grow memory without bound.
    public static let ordersMax = 200_000
    public static let refundsMax = 200_000
    public static let downloadsMax = 1_000
    static let tokenCharacterCount = 24

    struct Storage: Sendable {
        var orders: [RecordKey: SandboxOrder] = [:]
        var ordersByToken: [String: RecordKey] = [:]
        var ordersByTransaction: [RecordKey: RecordKey] = [:]
        var refunds: [RecordKey: SandboxRefund] = [:]
        var downloads: [String: (channel: Channel, content: [UInt8], expiresAt: Timestamp)] = [:]
        var faults = SandboxFaults()
        var callbacks = CallbackQueue()
        var serial: Int64 = 0
    }

    let storage = Mutex(Storage())

    public init() {}

    // MARK: faults and callbacks

    public var faults: SandboxFaults {
        storage.withLock { $0.faults }
    }

    public func setFaults(_ faults: SandboxFaults) {
        storage.withLock { $0.faults = faults }
    }

    /// Queues a callback, applying the callback faults in force now.
    public func enqueue(_ message: CallbackMessage, now: Timestamp) {
        storage.withLock { $0.callbacks.enqueue(message, faults: $0.faults, now: now) }
    }

    /// Every queued callback in delivery order, removed from the queue (in-process tests play
    /// the dispatcher with these).
    public func takeAllCallbacks() -> [QueuedCallback] {
        storage.withLock { $0.callbacks.takeAll() }
    }

    func takeDueCallbacks(now: Timestamp) -> [QueuedCallback] {
        storage.withLock { $0.callbacks.takeDue(now: now) }
    }

    func putBack(_ callback: QueuedCallback) {
        storage.withLock { $0.callbacks.putBack(callback) }
    }

    func retry(_ callback: QueuedCallback, schedule: [Int64], now: Timestamp) -> Bool {
        storage.withLock { $0.callbacks.retry(callback, schedule: schedule, now: now) }
    }

    public var queuedCallbacks: [QueuedCallback] {
        storage.withLock { $0.callbacks.entries }
    }

    // MARK: ids

    /// A fresh number for channel ids, unique in this process.
    func nextSerial() -> Int64 {
        storage.withLock { storage in
            storage.serial += 1
            return storage.serial
        }
    }

    static func randomToken() -> String {
        do {
            return try SecureRandom.alphanumeric(tokenCharacterCount)
        } catch {
            preconditionFailure("the system random source failed: \(error.code)")
        }
    }

    // MARK: statement downloads

    /// A token for a statement file made now (as a channel generates its bill once), valid for
    /// `validSeconds`, or nil when too many are outstanding. Expired files are forgotten here.
    func registerDownload(channel: Channel, content: [UInt8], validSeconds: Int64, now: Timestamp) -> String? {
        let token = Self.randomToken()
        return storage.withLock { storage -> String? in
            storage.downloads = storage.downloads.filter { $0.value.expiresAt >= now }
            guard storage.downloads.count < Self.downloadsMax else { return nil }
            storage.downloads[token] = (channel, content, now.adding(seconds: validSeconds))
            return token
        }
    }

    /// The file behind `token`, while its URL is valid.
    func download(channel: Channel, token: String, now: Timestamp) -> [UInt8]? {
        storage.withLock { storage in
            guard let download = storage.downloads[token], download.channel == channel, now <= download.expiresAt else { return nil }
            return download.content
        }
    }

    /// Paid orders and refunds (failed ones too: a statement fault may list one) of one China
    /// calendar day, in time order, each refund with its order.
    func statement(channel: Channel, day: String) -> (payments: [SandboxOrder], refunds: [(SandboxRefund, SandboxOrder?)]) {
        storage.withLock { storage in
            let payments = storage.orders.values.filter { order in
                order.channel == channel && order.paidAt.map { ChannelTime.day($0) == day } == true
            }.sorted { ($0.paidAt!, $0.outTradeNo) < ($1.paidAt!, $1.outTradeNo) }
            let refunds = storage.refunds.values.filter { $0.channel == channel && ChannelTime.day($0.createdAt) == day }
                .sorted { ($0.createdAt, $0.refundId) < ($1.createdAt, $1.refundId) }
            return (payments, refunds.map { ($0, storage.orders[RecordKey(channel: channel, number: $0.outTradeNo)]) })
        }
    }
}
