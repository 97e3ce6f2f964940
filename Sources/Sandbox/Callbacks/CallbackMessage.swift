import PaygateCore

/// A callback the channel owes the merchant, kept unsigned: it is signed (and for WeChat Pay
/// sealed) afresh for each attempt, because WeChat Pay's receiver refuses a signature
/// timestamp more than five minutes old and retries run for hours.
public struct CallbackMessage: Sendable {
    public enum Kind: String, Sendable {
        case payment, refund
    }

    enum Content: Sendable {
        /// Alipay and UnionPay: form fields without the signature (and, for Alipay, without
        /// `notify_time`, which is the time of each attempt).
        case form([(name: String, value: String)])
        /// WeChat Pay: the event and the resource plaintext that is sealed at each attempt.
        case weChatPay(notificationId: String, eventType: String, summary: String, originalType: String, plaintext: [UInt8])
    }

    public let channel: Channel
    /// The merchant's notify_url / backUrl.
    public let url: String
    public let kind: Kind
    /// The payment (or refund) number it is about, for logs and the queue listing.
    public let subject: String
    let content: Content
}

/// A callback waiting in the queue.
public struct QueuedCallback: Sendable {
    public let id: Int64
    public let message: CallbackMessage
    /// Attempts already made.
    public internal(set) var attempts: Int
    public internal(set) var dueAt: Timestamp
    /// Out-of-order fault: waiting for a later callback to overtake it.
    var waitsToBeOvertaken: Bool
}

/// The callbacks the channels owe, in delivery order. Faults are applied as callbacks enter.
struct CallbackQueue: Sendable {
    /// Past this the oldest entries are dropped: a receiver that never acknowledges must not
    /// grow the sandbox without bound (a real channel gives up too).
    static let countMax = 10_000

    private(set) var entries: [QueuedCallback] = []
    private var nextId: Int64 = 1

    mutating func enqueue(_ message: CallbackMessage, faults: SandboxFaults, now: Timestamp) {
        guard faults.applies(to: message.channel) else {
            append(message, dueAt: now, waits: false)
            return
        }
        if faults.dropCallbacks { return }
        let waits = faults.outOfOrderCallbacks
        let dueAt = waits ? Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + SandboxFaults.outOfOrderHoldMilliseconds) : now
        for _ in 0...faults.duplicateCallbacks {
            append(message, dueAt: dueAt, waits: waits)
        }
    }

    private mutating func append(_ message: CallbackMessage, dueAt: Timestamp, waits: Bool) {
        // Earlier callbacks held for overtaking go right after this one.
        for index in entries.indices where entries[index].waitsToBeOvertaken && entries[index].message.channel == message.channel {
            entries[index].waitsToBeOvertaken = false
            entries[index].dueAt = Timestamp(millisecondsSinceEpoch: dueAt.millisecondsSinceEpoch + 1)
        }
        if entries.count >= Self.countMax { entries.removeFirst() }
        entries.append(QueuedCallback(id: nextId, message: message, attempts: 0, dueAt: dueAt, waitsToBeOvertaken: waits))
        nextId += 1
    }

    /// Removes and returns the callbacks due at `now`, in delivery order.
    mutating func takeDue(now: Timestamp) -> [QueuedCallback] {
        let due = entries.filter { $0.dueAt <= now }.sorted(by: Self.deliveryOrder)
        entries.removeAll { $0.dueAt <= now }
        return due
    }

    /// Removes and returns every callback, in delivery order, due or not (in-process tests).
    mutating func takeAll() -> [QueuedCallback] {
        let all = entries.sorted(by: Self.deliveryOrder)
        entries.removeAll()
        return all
    }

    /// Puts back a callback whose attempt was not acknowledged, due after the next step of
    /// `schedule`; false when the schedule is used up and the channel gives up.
    mutating func retry(_ callback: QueuedCallback, schedule: [Int64], now: Timestamp) -> Bool {
        var next = callback
        next.attempts += 1
        guard next.attempts <= schedule.count else { return false }
        next.dueAt = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + schedule[next.attempts - 1])
        next.waitsToBeOvertaken = false
        if entries.count >= Self.countMax { entries.removeFirst() }
        entries.append(next)
        return true
    }

    /// Returns a taken callback unchanged (not attempted in this pass).
    mutating func putBack(_ callback: QueuedCallback) {
        entries.append(callback)
    }

    private static func deliveryOrder(_ left: QueuedCallback, _ right: QueuedCallback) -> Bool {
        left.dueAt == right.dueAt ? left.id < right.id : left.dueAt < right.dueAt
    }
}
