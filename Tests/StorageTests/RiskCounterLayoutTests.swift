import PaygateCore
import XCTest

@testable import Storage

/// The Redis counters' arithmetic (RiskCounterLayout) on fixed vectors.
final class RiskCounterLayoutTests: XCTestCase {
    func testEachWindowTakesTheWidestSubBucketThatCutsItIntoTenPieces() {
        let vectors: [(windowSeconds: Int, width: Int64)] = [
            (1, 100), (9, 300), (10, 1_000), (29, 1_000), (30, 3_000), (99, 3_000), (100, 10_000), (299, 10_000), (300, 30_000),
            (599, 30_000), (600, 60_000), (1_799, 60_000), (1_800, 180_000), (5_999, 180_000), (6_000, 600_000), (17_999, 600_000),
            (18_000, 1_800_000), (35_999, 1_800_000), (36_000, 3_600_000), (71_999, 3_600_000), (72_000, 7_200_000),
            (215_999, 7_200_000), (216_000, 21_600_000), (431_999, 21_600_000), (432_000, 43_200_000), (604_800, 43_200_000),
        ]
        for (window, width) in vectors {
            XCTAssertEqual(RiskCounterLayout.bucketWidth(windowSeconds: window), width, "window \(window) s")
        }
    }

    func testEveryWindowReadsBetweenTenAndThirtyFiveSubBuckets() {
        // The error bound (at most one sub-bucket, a tenth of the window, counted too many) and
        // the cost bound (keys read per counter) for every window the rules may name.
        for window in RiskCounterKey.windowSecondsRange {
            let range = RiskCounterLayout.buckets(windowSeconds: window, at: 1_800_000_123_457)
            let pieces = Int64(window) * 1000 / range.width
            XCTAssertGreaterThanOrEqual(pieces, RiskCounterLayout.subBucketsMin, "window \(window) s")
            XCTAssertLessThanOrEqual(range.last - range.first + 1, 35, "window \(window) s")
        }
    }

    func testBucketsAreFloorDivisionsOfTime() {
        XCTAssertEqual(RiskCounterLayout.bucket(at: 0, width: 100), 0)
        XCTAssertEqual(RiskCounterLayout.bucket(at: 99, width: 100), 0)
        XCTAssertEqual(RiskCounterLayout.bucket(at: 100, width: 100), 1)
        XCTAssertEqual(RiskCounterLayout.bucket(at: -1, width: 100), -1)
        XCTAssertEqual(RiskCounterLayout.bucket(at: -100, width: 100), -1)
        XCTAssertEqual(RiskCounterLayout.bucket(at: -101, width: 100), -2)
    }

    func testAWindowReadsEveryBucketThatOverlapsIt() {
        // 10 minutes ending at 1,000,030,000 ms: one-minute buckets 16657 (partly before the
        // window: counted whole, erring towards catching fraud) to 16667 (the current one).
        let range = RiskCounterLayout.buckets(windowSeconds: 600, at: 1_000_030_000)
        XCTAssertEqual(range.width, 60_000)
        XCTAssertEqual(range.first, 16_657)
        XCTAssertEqual(range.last, 16_667)
    }

    func testARingHoldsEveryBucketOfItsWindowAndOutlivesItsLastRead() {
        // Whatever the window and the instant: the buckets a window overlaps fit the ring without
        // two sharing a slot, and the key written at `at` lives past the last read that needs it
        // (the longest window, read at the last instant whose first bucket is the one written).
        for window in [1, 9, 10, 59, 60, 600, 601, 3_599, 86_400, 604_800] {
            let plan = RiskCounterPlan(reading: [RiskCounterKey(subject: .merchant, measure: .count, windowSeconds: window)])
            let ring = plan.rings[0]
            for at: Int64 in [1_800_000_000_000, 1_800_000_000_001, 1_800_000_123_457, 1_800_000_059_999, -5] {
                let range = RiskCounterLayout.buckets(windowSeconds: window, at: at)
                XCTAssertLessThanOrEqual(range.last - range.first + 1, Int64(ring.slots), "window \(window) s at \(at)")
                let end = (RiskCounterLayout.bucket(at: at, width: ring.width) + 1) * ring.width
                let lastRead = end - 1 + Int64(window) * 1000
                XCTAssertGreaterThan(at + ring.ttlMilliseconds, lastRead, "window \(window) s at \(at)")
            }
        }
    }

    func testKeysAreNamespacedAndSubjectValuesDigested() {
        // SHA-256("10.0.0.1"), first 32 hex digits (python3 hashlib).
        XCTAssertEqual(RiskCounterLayout.subjectPrefix(.payerIP, "10.0.0.1"), "pg:risk:v2:ip:f5047344122f0dee9974ba6761e61c6b")
        XCTAssertEqual(RiskCounterLayout.subjectPrefix(.merchant, "mch_1"), "pg:risk:v2:mch:7f712e80ec2a22252f4f877c1b11b9eb")
        XCTAssertEqual(
            RiskCounterLayout.devicesKey(userDigest: RiskCounterLayout.digest("u-1")), "pg:risk:v2:devices:a24a7f55f278dd49fb1f99c5507800cb"
        )
        // A layout, named by its first 12 hex digits (python3 hashlib), whatever its length.
        XCTAssertEqual(RiskCounterLayout.layoutTag("c60000x11"), "8001f2bd7215")
        XCTAssertEqual(RiskCounterLayout.layoutTag("c7200000x13,c43200000x15,s43200000x15"), "6b0bc86b7f60")
        // The same value under two subjects is two counters; any value makes a key of one length.
        XCTAssertNotEqual(RiskCounterLayout.subjectPrefix(.payerUser, "x"), RiskCounterLayout.subjectPrefix(.payerDevice, "x"))
        XCTAssertEqual(RiskCounterLayout.subjectPrefix(.payerDevice, String(repeating: "d", count: 10_000)).count, 47)
    }
}
