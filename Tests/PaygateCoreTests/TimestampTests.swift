import XCTest

@testable import PaygateCore

final class TimestampTests: XCTestCase {
    func testRFC3339OfKnownEpochs() {
        XCTAssertEqual(Timestamp(secondsSinceEpoch: 0).rfc3339, "1970-01-01T00:00:00Z")
        XCTAssertEqual(Timestamp(secondsSinceEpoch: 951_782_400).rfc3339, "2000-02-29T00:00:00Z")
        XCTAssertEqual(Timestamp(secondsSinceEpoch: 1_798_761_599).rfc3339, "2026-12-31T23:59:59Z")
        XCTAssertEqual(Timestamp(secondsSinceEpoch: 4_107_542_400).rfc3339, "2100-03-01T00:00:00Z")
        XCTAssertEqual(Timestamp(secondsSinceEpoch: -1).rfc3339, "1969-12-31T23:59:59Z")
    }

    func testMillisecondsAreTruncatedInTheAPIFormat() {
        XCTAssertEqual(Timestamp(millisecondsSinceEpoch: 1_999).rfc3339, "1970-01-01T00:00:01Z")
        XCTAssertEqual(Timestamp(millisecondsSinceEpoch: -1).rfc3339, "1969-12-31T23:59:59Z")
        XCTAssertEqual(Timestamp(millisecondsSinceEpoch: -1).rfc3339Milliseconds, "1969-12-31T23:59:59.999Z")
        XCTAssertEqual(Timestamp(millisecondsSinceEpoch: 1_798_761_599_007).rfc3339Milliseconds, "2026-12-31T23:59:59.007Z")
    }

    func testDatabaseString() {
        XCTAssertEqual(Timestamp(millisecondsSinceEpoch: 1_798_761_599_123).databaseString, "2026-12-31 23:59:59.123")
        XCTAssertEqual(Timestamp(millisecondsSinceEpoch: 0).databaseString, "1970-01-01 00:00:00.000")
    }

    func testSecondsFloorForNegativeTimes() {
        XCTAssertEqual(Timestamp(millisecondsSinceEpoch: -1).secondsSinceEpoch, -1)
        XCTAssertEqual(Timestamp(millisecondsSinceEpoch: -1000).secondsSinceEpoch, -1)
        XCTAssertEqual(Timestamp(millisecondsSinceEpoch: -1001).secondsSinceEpoch, -2)
        XCTAssertEqual(Timestamp(millisecondsSinceEpoch: 1999).secondsSinceEpoch, 1)
    }

    func testArithmeticAndOrder() {
        let start = Timestamp(secondsSinceEpoch: 100)
        XCTAssertEqual(start.adding(seconds: 900), Timestamp(secondsSinceEpoch: 1000))
        XCTAssertEqual(start.adding(seconds: -100).millisecondsSinceEpoch, 0)
        XCTAssertLessThan(start, start.adding(seconds: 1))
        XCTAssertLessThan(Timestamp(millisecondsSinceEpoch: 99_999), start)
    }

    func testParsingDatabaseText() {
        XCTAssertEqual(Timestamp(parsing: "2026-12-31 23:59:59")?.millisecondsSinceEpoch, 1_798_761_599_000)
        XCTAssertEqual(Timestamp(parsing: "2026-12-31 23:59:59.123")?.millisecondsSinceEpoch, 1_798_761_599_123)
        XCTAssertEqual(Timestamp(parsing: "2026-12-31 23:59:59.1")?.millisecondsSinceEpoch, 1_798_761_599_100)
        XCTAssertEqual(Timestamp(parsing: "2026-12-31 23:59:59.123999")?.millisecondsSinceEpoch, 1_798_761_599_123)
        XCTAssertEqual(Timestamp(parsing: "1970-01-01 00:00:00.000")?.millisecondsSinceEpoch, 0)
        XCTAssertEqual(Timestamp(parsing: "2000-02-29 00:00:00")?.secondsSinceEpoch, 951_782_400)
    }

    func testParsingRFC3339() {
        XCTAssertEqual(Timestamp(parsing: "2026-12-31T23:59:59Z")?.secondsSinceEpoch, 1_798_761_599)
        XCTAssertEqual(Timestamp(parsing: "2026-12-31T23:59:59.250Z")?.millisecondsSinceEpoch, 1_798_761_599_250)
        XCTAssertEqual(Timestamp(parsing: "1969-12-31T23:59:59Z")?.secondsSinceEpoch, -1)
    }

    func testParsingRefusesBadInput() {
        for text in [
            "", "2026-12-31", "2026-12-31T23:59", "2026/12/31 23:59:59", "2026-12-31_23:59:59", "26-12-31 23:59:59",
            "2026-13-01 00:00:00", "2026-00-10 00:00:00", "2026-12-00 00:00:00", "2026-12-32 00:00:00",
            "2026-12-31 24:00:00", "2026-12-31 23:60:00", "2026-12-31T23:59:59+08:00", "2026-12-31T23:59:59.Z",
            "2026-12-31T23:59:59ZZ", " 2026-12-31 23:59:59", "2026-12-31 23:59:59 ", "2026-1a-31 23:59:59",
            "+026-12-31 23:59:59", "2026-12-31 23:59:59.", "2026-12-31T23:59:59z0",
        ] {
            XCTAssertNil(Timestamp(parsing: text), text)
        }
    }

    /// Days that do not exist are refused instead of rolling over into the next month.
    func testParsingRefusesDaysThatDoNotExist() {
        XCTAssertNil(Timestamp(parsing: "2026-02-29 00:00:00"))
        XCTAssertNil(Timestamp(parsing: "2026-02-30T00:00:00Z"))
        XCTAssertNil(Timestamp(parsing: "2026-04-31T00:00:00Z"))
        XCTAssertNil(Timestamp(parsing: "2100-02-29T00:00:00Z"))
        XCTAssertNotNil(Timestamp(parsing: "2000-02-29T00:00:00Z"))
        XCTAssertNotNil(Timestamp(parsing: "2024-02-29T00:00:00Z"))
    }

    /// Walks every day from 1968-01-01 to 2104-12-31 with an independent calendar (month lengths
    /// and the Gregorian leap rule) and checks formatting and parsing against it.
    func testEveryDayAcrossLeapYears() {
        func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        var seconds: Int64 = -63_158_400  // 1968-01-01T00:00:00Z
        var failures = 0
        var leapDays = 0
        for year in 1968...2104 {
            for month in 1...12 {
                let days = monthDays[month - 1] + (month == 2 && isLeap(year) ? 1 : 0)
                for day in 1...days {
                    let date = "\(year)-\(two(month))-\(two(day))"
                    let noon = Timestamp(secondsSinceEpoch: seconds + 45_296)  // 12:34:56
                    if noon.rfc3339 != date + "T12:34:56Z" { failures += 1 }
                    if Timestamp(parsing: date + "T12:34:56Z") != noon { failures += 1 }
                    if Timestamp(parsing: date + " 00:00:00.000")?.secondsSinceEpoch != seconds { failures += 1 }
                    let last = Timestamp(millisecondsSinceEpoch: (seconds + 86_399) * 1000 + 999)
                    if Timestamp(parsing: last.databaseString) != last { failures += 1 }
                    if month == 2 && day == 29 { leapDays += 1 }
                    seconds += 86_400
                }
            }
        }
        XCTAssertEqual(failures, 0)
        XCTAssertEqual(leapDays, 34)  // 1968, 1972, ... 2104, except 2100
        XCTAssertEqual(seconds, 4_260_211_200)  // 2105-01-01T00:00:00Z
    }

    func testNowIsSane() {
        let now = Timestamp.now()
        XCTAssertGreaterThan(now, Timestamp(secondsSinceEpoch: 1_700_000_000))
        XCTAssertLessThan(now, Timestamp(secondsSinceEpoch: 4_102_444_800))
    }
}
