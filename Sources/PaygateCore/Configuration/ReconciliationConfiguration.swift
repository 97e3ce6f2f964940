/// Daily reconciliation against the channels' statements (README "Reconciliation"). Without a
/// `directory` the worker does not reconcile (the stack's `paygate-admin init` writes one).
public struct ReconciliationConfiguration: Sendable, Codable {
    /// Where each downloaded statement file is kept, as the channel sent it, under
    /// `<channel>/<day>`: the evidence a reconciliation rests on.
    public var directory: String?
    /// The hour of the day (China time) after which the worker reconciles the day before: the
    /// channels publish a day's statement the next morning (from about 09:00).
    public var afterHour: Int = 10
    /// How long before a day's end something that succeeded here may be dated the next day by
    /// the channel (`ReconMatcher.timingWindowSecondsDefault`).
    public var timingWindowSeconds: Int = Int(ReconMatcher.timingWindowSecondsDefault)
    /// How often the worker looks for a day to reconcile.
    public var intervalSeconds: Int = 600
    /// At most this many channel queries follow one run (differences beyond wait for the next run
    /// or an admin): a bad day must not flood a channel.
    public var followUpQueriesMax: Int = 1_000

    public static let timingWindowSecondsMax = 6 * 3600

    public init() {}

    enum CodingKeys: String, CodingKey {
        case directory
        case afterHour = "after_hour"
        case timingWindowSeconds = "timing_window_seconds"
        case intervalSeconds = "interval_seconds"
        case followUpQueriesMax = "follow_up_queries_max"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        directory = try c.decodeIfPresent(String.self, forKey: .directory)
        afterHour = try c.decodeIfPresent(Int.self, forKey: .afterHour) ?? 10
        timingWindowSeconds = try c.decodeIfPresent(Int.self, forKey: .timingWindowSeconds) ?? Int(ReconMatcher.timingWindowSecondsDefault)
        intervalSeconds = try c.decodeIfPresent(Int.self, forKey: .intervalSeconds) ?? 600
        followUpQueriesMax = try c.decodeIfPresent(Int.self, forKey: .followUpQueriesMax) ?? 1_000
    }

    public func validate() throws {
        guard (0...23).contains(afterHour), (0...Self.timingWindowSecondsMax).contains(timingWindowSeconds), intervalSeconds >= 1,
            followUpQueriesMax >= 0
        else {
            throw ConfigurationError(
                "reconciliation: after_hour 0-23, timing_window_seconds 0-\(Self.timingWindowSecondsMax), interval_seconds >= 1, follow_up_queries_max >= 0"
            )
        }
        if let directory, !directory.hasPrefix("/") { throw ConfigurationError("reconciliation.directory must be an absolute path") }
    }
}
