/// Security events the pool sees (README "Audit log"), counted in memory and written as one audit
/// record per kind and target per interval, so a request never waits on the audit log and a
/// client failing thousands of times makes a few records, not thousands. Pure: the caller holds
/// it under a lock and writes what `drain` returns.
public struct SecurityTally: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A request refused 401 (bad header, wrong signature, timestamp, replay); counted per
        /// merchant id named in the header and per client address.
        case authenticationFailed = "security.auth_failures"
        /// A correctly signed request of a disabled merchant (403 merchant_disabled).
        case disabledMerchantUsed = "security.disabled_merchant"
        /// A channel callback whose signature (or decryption) was refused; per channel and address.
        case callbackForged = "security.callback_forged"
    }

    /// Distinct (kind, target) pairs kept per interval: a scan with random merchant ids must not
    /// grow memory; what does not fit is counted in one overflow record.
    public static let targetsMax = 1_000
    /// Authentication failures below this count in one interval are an honest mistake (a clock
    /// off once, a retried request), not "repeated", and are not recorded.
    public static let repeatedFailuresMin = 3
    /// The action of the record that counts what did not fit in `targetsMax`.
    public static let overflowAction = "security.tally_overflow"

    private struct Key: Hashable { let kind: Kind; let target: String }
    private var counts: [Key: Int] = [:]
    private var overflowCount = 0

    public init() {}

    public var isEmpty: Bool { counts.isEmpty && overflowCount == 0 }

    public mutating func note(_ kind: Kind, target: String) {
        let key = Key(kind: kind, target: target)
        if let count = counts[key] {
            counts[key] = count + 1
        } else if counts.count < Self.targetsMax {
            counts[key] = 1
        } else {
            overflowCount += 1
        }
    }

    /// The records of the interval that ends now, in a fixed order (kind, then target), and an
    /// empty tally for the next one.
    public mutating func drain(origin: AuditOrigin, intervalSeconds: Int) -> [AuditEntry] {
        defer {
            counts = [:]
            overflowCount = 0
        }
        func entry(_ action: String, _ target: String, _ count: Int) -> AuditEntry {
            var details = JSONWriter(reservingCapacity: 48)
            details.objectOpen()
            details.member("count", count)
            details.member("interval_seconds", intervalSeconds)
            details.objectClose()
            return AuditEntry(actor: "paygate", action: action, target: target, outcome: "refused", origin: origin, details: details.string)
        }
        var entries = counts.filter { $0.key.kind != .authenticationFailed || $0.value >= Self.repeatedFailuresMin }
            .sorted { ($0.key.kind.rawValue, $0.key.target) < ($1.key.kind.rawValue, $1.key.target) }
            .map { entry($0.key.kind.rawValue, $0.key.target, $0.value) }
        if overflowCount > 0 { entries.append(entry(Self.overflowAction, "pool", overflowCount)) }
        return entries
    }
}
