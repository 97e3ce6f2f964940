import PaygateCore
import Synchronization

/// The in-memory twin of the risk counters (`RiskSignals`) for unit tests of the flows. Exact:
/// every create and decline is kept with its time, and a window `[now - W, now]` counts exactly the
/// events in it (Redis's sub-buckets may count up to one sub-bucket more: `RiskCounterLayout` in
/// Storage). `isUnavailable` makes every call throw `RiskSignalsUnavailable`, as an unreachable
/// Redis (or its resting breaker) does.
public final class MemoryRiskSignals: RiskSignals {
    /// Events older than the longest window are dropped at each create.
    static let keptMilliseconds = Int64(RiskCounterKey.windowSecondsRange.upperBound) * 1000
    static let deviceMemoryMilliseconds: Int64 = 90 * 86_400_000

    private struct Event {
        var at: Int64
        var amount: Int64
        var user: String?
    }

    private struct SubjectKey: Hashable {
        var subject: RiskSubject
        var value: String
    }

    private struct State {
        var unavailable = false
        var creates: [SubjectKey: [Event]] = [:]
        var declines: [SubjectKey: [Int64]] = [:]
        /// A user's devices and when each was last remembered.
        var devices: [String: [String: Int64]] = [:]
        /// Orders counted, and when.
        var orders: [String: Int64] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// While true, every call throws `RiskSignalsUnavailable`.
    public var isUnavailable: Bool {
        get { state.withLock { $0.unavailable } }
        set { state.withLock { $0.unavailable = newValue } }
    }

    public func observe(_ attempt: RiskAttempt, reading: Set<RiskCounterKey>) throws(RiskSignalsUnavailable) -> RiskObservation {
        let now = attempt.at.millisecondsSinceEpoch
        let result: RiskObservation? = state.withLock { state in
            guard !state.unavailable else { return nil }
            let event = Event(at: now, amount: attempt.amountMinorUnits, user: attempt.subjects.payerUser)
            if Self.counts(&state, order: attempt.order, now: now) {
                for key in Self.subjectKeys(attempt.subjects) {
                    state.creates[key, default: []].removeAll { $0.at < now - Self.keptMilliseconds }
                    state.creates[key, default: []].append(event)
                }
            }
            let deviceNew = Self.deviceIsNew(state, attempt.subjects, now: now)
            var counters: [RiskCounterKey: Int64] = [:]
            for key in reading {
                guard let value = attempt.subjects.value(of: key.subject) else { continue }
                counters[key] = Self.value(state, key, SubjectKey(subject: key.subject, value: value), now: now)
            }
            return RiskObservation(counters: counters, deviceNewToUser: deviceNew)
        }
        guard let result else { throw RiskSignalsUnavailable("memory risk signals switched off") }
        return result
    }

    public func rememberDevice(_ subjects: RiskSubjects, at time: Timestamp) throws(RiskSignalsUnavailable) {
        let remembered = state.withLock { state in
            guard !state.unavailable else { return false }
            if let user = subjects.payerUser, let device = subjects.payerDevice {
                state.devices[user, default: [:]][device] = time.millisecondsSinceEpoch
            }
            return true
        }
        guard remembered else { throw RiskSignalsUnavailable("memory risk signals switched off") }
    }

    public func recordDecline(_ subjects: RiskSubjects, at time: Timestamp) throws(RiskSignalsUnavailable) {
        let recorded = state.withLock { state in
            guard !state.unavailable else { return false }
            for key in Self.subjectKeys(subjects) { state.declines[key, default: []].append(time.millisecondsSinceEpoch) }
            return true
        }
        guard recorded else { throw RiskSignalsUnavailable("memory risk signals switched off") }
    }

    private static func subjectKeys(_ subjects: RiskSubjects) -> [SubjectKey] {
        RiskSubject.allCases.compactMap { subject in subjects.value(of: subject).map { SubjectKey(subject: subject, value: $0) } }
    }

    /// Whether the create counts: its order was not counted within the order memory.
    private static func counts(_ state: inout State, order: String?, now: Int64) -> Bool {
        guard let order else { return true }
        if let counted = state.orders[order], now - counted < RiskAttempt.orderMemorySeconds * 1000 { return false }
        state.orders[order] = now
        return true
    }

    /// Whether the device is new to the user (not remembered within the device memory).
    private static func deviceIsNew(_ state: State, _ subjects: RiskSubjects, now: Int64) -> Bool? {
        guard let user = subjects.payerUser, let device = subjects.payerDevice else { return nil }
        guard let lastSeen = state.devices[user]?[device] else { return true }
        return now - lastSeen > deviceMemoryMilliseconds
    }

    private static func value(_ state: State, _ key: RiskCounterKey, _ subject: SubjectKey, now: Int64) -> Int64 {
        let start = now - Int64(key.windowSeconds) * 1000
        let events = (state.creates[subject] ?? []).filter { $0.at >= start && $0.at <= now }
        switch key.measure {
        case .count: return Int64(events.count)
        case .sum: return events.reduce(0) { $0 + $1.amount }
        case .declines: return Int64((state.declines[subject] ?? []).filter { $0 >= start && $0 <= now }.count)
        case .distinctUsers:
            if key.subject == .payerUser { return 1 }
            return Int64(Set(events.compactMap(\.user)).count)
        }
    }
}
