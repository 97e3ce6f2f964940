/// The merchant webhook dispatcher's settings (docs/API.md section 8). Every value has the
/// contract's default; tests shorten the schedule through the configuration file.
public struct WebhooksConfiguration: Sendable, Codable {
    /// docs/API.md section 8: the waits before retries 1...15; after the last, the event is dead.
    public static let defaultScheduleSeconds: [Int] = [
        15, 15, 30, 180, 600, 1_200, 1_800, 1_800, 1_800, 3_600, 10_800, 10_800, 10_800, 21_600, 21_600,
    ]
    public static let scheduleLengthMax = 64

    /// Wait before each retry, in order; its length is the number of retries.
    public var scheduleSeconds: [Int] = WebhooksConfiguration.defaultScheduleSeconds
    /// A 2xx within this acknowledges (docs/API.md section 8: 10 s).
    public var timeoutSeconds: Int = 10
    public var connectTimeoutSeconds: Int = 3
    /// Delivery threads in each `paygate-worker`.
    public var threads: Int = 8
    /// Events one thread claims from one shard at a time.
    public var batchMax: Int = 16
    /// A claimed event is invisible to other dispatchers this long; longer than a batch's worst
    /// case (batch × timeout) so a live claim is never taken twice.
    public var leaseSeconds: Int = 300
    /// Pause of an idle dispatcher thread between polls.
    public var pollIntervalMilliseconds: Int = 200

    public init() {}

    enum CodingKeys: String, CodingKey {
        case scheduleSeconds = "schedule_seconds"
        case timeoutSeconds = "timeout_seconds"
        case connectTimeoutSeconds = "connect_timeout_seconds"
        case threads
        case batchMax = "batch_max"
        case leaseSeconds = "lease_seconds"
        case pollIntervalMilliseconds = "poll_interval_milliseconds"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scheduleSeconds = try c.decodeIfPresent([Int].self, forKey: .scheduleSeconds) ?? WebhooksConfiguration.defaultScheduleSeconds
        timeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .timeoutSeconds) ?? 10
        connectTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .connectTimeoutSeconds) ?? 3
        threads = try c.decodeIfPresent(Int.self, forKey: .threads) ?? 8
        batchMax = try c.decodeIfPresent(Int.self, forKey: .batchMax) ?? 16
        leaseSeconds = try c.decodeIfPresent(Int.self, forKey: .leaseSeconds) ?? 300
        pollIntervalMilliseconds = try c.decodeIfPresent(Int.self, forKey: .pollIntervalMilliseconds) ?? 200
    }

    public func validate() throws {
        guard !scheduleSeconds.isEmpty, scheduleSeconds.count <= WebhooksConfiguration.scheduleLengthMax,
            scheduleSeconds.allSatisfy({ $0 >= 1 })
        else {
            throw ConfigurationError(
                "webhooks.schedule_seconds must hold 1 to \(WebhooksConfiguration.scheduleLengthMax) waits of at least 1 s")
        }
        guard timeoutSeconds >= 1, connectTimeoutSeconds >= 1, connectTimeoutSeconds <= timeoutSeconds else {
            throw ConfigurationError("webhooks: timeout_seconds >= 1 and 1 <= connect_timeout_seconds <= timeout_seconds")
        }
        guard (1...64).contains(threads), (1...256).contains(batchMax), pollIntervalMilliseconds >= 1 else {
            throw ConfigurationError("webhooks: threads 1-64, batch_max 1-256, poll_interval_milliseconds >= 1")
        }
        guard leaseSeconds > batchMax * timeoutSeconds else {
            throw ConfigurationError("webhooks.lease_seconds must exceed batch_max x timeout_seconds")
        }
    }
}
