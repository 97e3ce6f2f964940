/// Everything the rules and the model may read about one create, gathered before either runs
/// (the counters come from `RiskSignals` in one round trip). Pure data: evaluating it does no I/O.
public struct RiskFacts: Sendable {
    public var amount: Money
    public var channel: Channel
    public var subjects: RiskSubjects
    /// The hour of the create in China time (UTC+8), 0–23: the channels' and payers' day.
    public var hourChina: Int
    /// The counters read for this create, this create included. A key absent here is unknown
    /// (its subject was not in the request, or the counters were unreachable).
    public var counters: [RiskCounterKey: Int64]
    /// Whether the device is one its user has not used before; nil without both ids or counters.
    public var deviceNewToUser: Bool?
    /// The model's score, 0–100; nil until the model has run.
    public var score: Int?

    public init(
        amount: Money, channel: Channel, subjects: RiskSubjects, hourChina: Int, counters: [RiskCounterKey: Int64],
        deviceNewToUser: Bool?, score: Int? = nil
    ) {
        self.amount = amount
        self.channel = channel
        self.subjects = subjects
        self.hourChina = hourChina
        self.counters = counters
        self.deviceNewToUser = deviceNewToUser
        self.score = score
    }

    /// China time is UTC+8 all year (no daylight saving).
    public static func hourChina(at time: Timestamp) -> Int {
        let seconds = time.millisecondsSinceEpoch / 1000 + 8 * 3_600
        return Int((seconds % 86_400 + 86_400) % 86_400 / 3_600)
    }
}
