import Foundation

/// A point in time as whole milliseconds since the Unix epoch (UTC). Formatting is done by hand:
/// it is on every response's path, and DateFormatter is slow and not thread-safe on every platform.
public struct Timestamp: Sendable, Hashable, Comparable {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }
    public init(secondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = secondsSinceEpoch * 1000 }

    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    /// A monotonic clock for durations (never for stored times).
    public static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.millisecondsSinceEpoch < b.millisecondsSinceEpoch }

    public var secondsSinceEpoch: Int64 {
        millisecondsSinceEpoch >= 0 ? millisecondsSinceEpoch / 1000 : (millisecondsSinceEpoch - 999) / 1000
    }

    public func adding(seconds: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + seconds * 1000) }

    /// `2026-11-27T15:14:47Z`: the API's format (RFC 3339, UTC, whole seconds).
    public var rfc3339: String {
        let c = CivilTime(secondsSinceEpoch: secondsSinceEpoch)
        return c.dateString + "T" + c.timeString + "Z"
    }

    /// `2026-11-27T15:14:47.123Z`: for logs.
    public var rfc3339Milliseconds: String {
        let c = CivilTime(secondsSinceEpoch: secondsSinceEpoch)
        let millis = Int(millisecondsSinceEpoch - secondsSinceEpoch * 1000)
        return c.dateString + "T" + c.timeString + "." + pad(millis, 3) + "Z"
    }

    /// `2026-11-27 15:14:47.123`: a MariaDB DATETIME(3) literal in UTC.
    public var databaseString: String {
        let c = CivilTime(secondsSinceEpoch: secondsSinceEpoch)
        let millis = Int(millisecondsSinceEpoch - secondsSinceEpoch * 1000)
        return c.dateString + " " + c.timeString + "." + pad(millis, 3)
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.fff...]` (MariaDB DATETIME text, UTC) or RFC 3339 with `T`
    /// and an optional `Z`. Returns nil for anything else.
    public init?(parsing text: String) {
        let b = Array(text.utf8)
        guard b.count >= 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            b[10] == UInt8(ascii: " ") || b[10] == UInt8(ascii: "T"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                value = value * 10 + Int(b[i] - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), day >= 1, day <= CivilTime.daysIn(year: year, month: month),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var millis = 0
        var index = 19
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < b.count, b[index] >= 48, b[index] <= 57 {
                if digits < 3 { millis = millis * 10 + Int(b[index] - 48); digits += 1 }
                index += 1
            }
            guard digits > 0 else { return nil }
            while digits < 3 { millis *= 10; digits += 1 }
        }
        if index < b.count, b[index] == UInt8(ascii: "Z") { index += 1 }
        guard index == b.count else { return nil }
        let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.millisecondsSinceEpoch = seconds * 1000 + Int64(millis)
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

/// Calendar arithmetic for the proleptic Gregorian calendar (H. Hinnant's days-from-civil method).
struct CivilTime {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    init(secondsSinceEpoch: Int64) {
        var days = Int(secondsSinceEpoch / 86_400)
        var rest = Int(secondsSinceEpoch % 86_400)
        if rest < 0 { rest += 86_400; days -= 1 }
        hour = rest / 3600
        minute = rest % 3600 / 60
        second = rest % 60
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthPrime = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthPrime + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    var dateString: String { pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) }
    var timeString: String { pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2) }
}
