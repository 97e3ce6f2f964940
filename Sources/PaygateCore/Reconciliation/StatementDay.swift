/// The day a channel's statement covers: a calendar day in China time (UTC+8, no daylight
/// saving), the day every channel cuts its bills by, written `yyyy-MM-dd`.
public struct StatementDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let chinaOffsetSeconds: Int64 = 8 * 3600
    static let secondsPerDay: Int64 = 86_400

    /// 00:00 of the day in China, as an instant.
    public let start: Timestamp

    /// Reads `yyyy-MM-dd`; nil for anything else (and for days that do not exist).
    public init?(_ text: String) {
        guard text.utf8.count == 10, let midnight = Timestamp(parsing: text + " 00:00:00") else { return nil }
        start = midnight.adding(seconds: -Self.chinaOffsetSeconds)
    }

    /// The China calendar day `instant` falls in.
    public init(containing instant: Timestamp) {
        let local = instant.secondsSinceEpoch + Self.chinaOffsetSeconds
        let days = local >= 0 ? local / Self.secondsPerDay : (local - Self.secondsPerDay + 1) / Self.secondsPerDay
        start = Timestamp(secondsSinceEpoch: days * Self.secondsPerDay - Self.chinaOffsetSeconds)
    }

    /// 00:00 of the next day: the day is `start ..< end`.
    public var end: Timestamp { start.adding(seconds: Self.secondsPerDay) }
    public var next: StatementDay { StatementDay(containing: end) }
    public var previous: StatementDay { StatementDay(containing: start.adding(seconds: -1)) }

    /// `yyyy-MM-dd`.
    public var text: String { String(start.adding(seconds: Self.chinaOffsetSeconds).rfc3339.prefix(10)) }
    public var description: String { text }

    public static func < (a: StatementDay, b: StatementDay) -> Bool { a.start < b.start }
}
