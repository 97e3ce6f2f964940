import PaygateCore
import Synchronization

/// The master keys of one process: the current key, which seals, and the older ones still
/// accepted, which only open. Each sealed value names its key (`SecretBox`'s key id), so values
/// sealed under several keys are read side by side while `paygate-admin keys rotate-master`
/// re-seals them.
///
/// A ring read from disk (`KeyRingLocation`) looks at its files again at most every
/// `reloadIntervalSeconds`, when it is used, and at once when it meets a key id it does not
/// hold. So a key added by the rotation becomes the current key of every running process within
/// that interval, and a key it retired is dropped by them, with no restart and no signal: the
/// rotation waits out the interval before re-sealing and retires a key only when nothing is
/// sealed under it any more. A failed re-read keeps the keys already held (and is tried again
/// at the next interval), so a half-written directory never takes a key away from a request.
public final class KeyRing: Sendable {
    /// How stale a process's view of the key files may be; the rotation waits out twice this.
    public static let reloadIntervalSeconds = 2
    /// Keys held at once; a rotation retires the old ones, so more than a few means neglect.
    public static let keyCountMax = 32

    struct Keys: Sendable {
        var boxes: [UInt32: SecretBox]
        var current: SecretBox
    }

    private struct State: Sendable {
        var keys: Keys
        var checkedAtNanoseconds: UInt64
    }

    /// Where the keys are read from; nil for a fixed ring.
    public let location: KeyRingLocation?
    private let state: Mutex<State>

    /// Reads the keys at `location` (an error here refuses start-up).
    public init(location: KeyRingLocation) throws(CryptoError) {
        self.location = location
        state = Mutex(State(keys: try Self.load(location), checkedAtNanoseconds: Timestamp.monotonicNanoseconds()))
    }

    /// A fixed ring, never re-read (tests and tools); the highest id is the current key.
    public init(keys: [UInt32: [UInt8]]) throws(CryptoError) {
        location = nil
        var boxes: [UInt32: SecretBox] = [:]
        for (id, key) in keys { boxes[id] = try SecretBox(key: key, keyId: id) }
        state = Mutex(State(keys: try Self.keys(boxes), checkedAtNanoseconds: 0))
    }

    /// The id new values are sealed under.
    public var currentKeyId: UInt32 {
        refreshIfDue()
        return state.withLock { $0.keys.current.keyId }
    }

    /// Every key id held, in ascending order.
    public var keyIds: [UInt32] {
        state.withLock { $0.keys.boxes.keys.sorted() }
    }

    public func seal(_ plaintext: [UInt8], associatedData: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        refreshIfDue()
        return try state.withLock { $0.keys.current }.seal(plaintext, associatedData: associatedData)
    }

    /// Opens a value sealed under any key of the ring (`SecretBox.open`'s errors; `keyIdUnknown`
    /// when its key is neither held nor found on disk).
    public func open(_ sealed: [UInt8], associatedData: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        refreshIfDue()
        guard let id = SecretBox.keyId(of: sealed) else {
            // Not a sealed value: the current key's box names the exact error.
            return try state.withLock { $0.keys.current }.open(sealed, associatedData: associatedData)
        }
        if let box = state.withLock({ $0.keys.boxes[id] }) { return try box.open(sealed, associatedData: associatedData) }
        // Sealed by a process that read a newer key before this one did.
        if location != nil { try? reload() }
        guard let box = state.withLock({ $0.keys.boxes[id] }) else {
            throw CryptoError(.keyIdUnknown, "no master key with id \(id) (retired, or never made)")
        }
        return try box.open(sealed, associatedData: associatedData)
    }

    /// Whether `sealed` is sealed under the current key (what the rotation leaves alone).
    public func isSealedUnderCurrentKey(_ sealed: [UInt8]) -> Bool {
        SecretBox.keyId(of: sealed) == currentKeyId
    }

    /// Reads the key files again now.
    public func reload() throws(CryptoError) {
        guard let location else { return }
        let keys = try Self.load(location)
        let now = Timestamp.monotonicNanoseconds()
        state.withLock { state in
            state.keys = keys
            state.checkedAtNanoseconds = now
        }
    }

    private func refreshIfDue() {
        guard location != nil else { return }
        let now = Timestamp.monotonicNanoseconds()
        let due = state.withLock { state -> Bool in
            guard now &- state.checkedAtNanoseconds >= UInt64(Self.reloadIntervalSeconds) * 1_000_000_000 else { return false }
            // One thread reads the files; the others go on with the keys held meanwhile.
            state.checkedAtNanoseconds = now
            return true
        }
        if due { try? reload() }
    }

    /// The current key is the highest id: a rotation always adds a higher one.
    static func keys(_ boxes: [UInt32: SecretBox]) throws(CryptoError) -> Keys {
        guard let highest = boxes.keys.max(), let current = boxes[highest] else {
            throw CryptoError(.keyRingInvalid, "the key ring holds no master key")
        }
        guard boxes.count <= keyCountMax else {
            throw CryptoError(.keyRingInvalid, "the key ring holds \(boxes.count) keys, at most \(keyCountMax) allowed: retire old ones")
        }
        return Keys(boxes: boxes, current: current)
    }
}
