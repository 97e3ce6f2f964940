import Foundation
import XCTest

@testable import PaygateCore

/// Features from facts, on hand-made facts whose values can be worked out by hand.
final class RiskModelFeaturesTests: XCTestCase {
    private func facts(
        amount: Int64 = 12_345, currency: Currency = .cny, hour: Int = 14, counters: [RiskCounterKey: Int64] = [:],
        deviceNew: Bool? = nil
    ) -> RiskFacts {
        RiskFacts(
            amount: Money(minorUnits: amount, currency: currency), channel: .alipay,
            subjects: RiskSubjects(payerIP: "203.0.113.9", payerDevice: "d1", payerUser: "u1", merchant: "m1"), hourChina: hour,
            counters: counters, deviceNewToUser: deviceNew)
    }

    private let allCounters: [RiskCounterKey: Int64] = [
        RiskFeatures.deviceCount10m: 4, RiskFeatures.ipCount10m: 9, RiskFeatures.ipUsers24h: 2,
        RiskFeatures.userCount24h: 3, RiskFeatures.userCount7d: 5, RiskFeatures.userSum7d: 20_000,
    ]

    func testCounterKeysAreTheSixTheFeaturesRead() {
        XCTAssertEqual(RiskFeatures.counterKeys, Set(allCounters.keys))
        XCTAssertEqual(RiskFeatures.counterKeys.count, 6)
        XCTAssertEqual(RiskFeatures.counterKeys.filter { $0.measure == .declines }, [])
    }

    func testEveryFeatureFromKnownCounters() {
        let values = RiskFeatures.values(facts(counters: allCounters, deviceNew: true))
        XCTAssertEqual(values[.amountLog], log1p(123.45))
        XCTAssertEqual(values[.night], 0)
        XCTAssertEqual(values[.deviceUnknown], 0)
        XCTAssertEqual(values[.deviceCount10mLog], log(4.0))
        XCTAssertEqual(values[.ipUnknown], 0)
        XCTAssertEqual(values[.ipCount10mLog], log(9.0))
        XCTAssertEqual(values[.ipUsers24hLog], log1p(2.0))
        XCTAssertEqual(values[.userUnknown], 0)
        XCTAssertEqual(values[.userCount24hLog], log(3.0))
        XCTAssertEqual(values[.userCount7dLog], log(5.0))
        // 12345 against a mean of 20000 / 5 = 4000.
        XCTAssertEqual(values[.userAmountRatioLog], log(12_345.0 * 5.0 / 20_000.0))
        XCTAssertEqual(values[.deviceNew], 1)
        XCTAssertEqual(values[.deviceSeen], 0)
        XCTAssertEqual(values.count, RiskFeature.allCases.count)
    }

    func testNoCountersMakesEveryGroupUnknownNeverZeroCounts() {
        let values = RiskFeatures.values(facts())
        for feature in [RiskFeature.deviceUnknown, .ipUnknown, .userUnknown] { XCTAssertEqual(values[feature], 1, "\(feature)") }
        for feature in [RiskFeature.deviceCount10mLog, .ipCount10mLog, .ipUsers24hLog, .userCount24hLog, .userCount7dLog] {
            XCTAssertEqual(values[feature], 0, "\(feature)")
        }
        XCTAssertEqual(values[.userAmountRatioLog], 0)
        XCTAssertEqual(values[.deviceNew], 0)
        XCTAssertEqual(values[.deviceSeen], 0)
    }

    func testAGroupIsKnownOnlyWithAllItsKeys() {
        var counters = allCounters
        counters[RiskFeatures.ipUsers24h] = nil
        counters[RiskFeatures.userSum7d] = nil
        let values = RiskFeatures.values(facts(counters: counters, deviceNew: false))
        XCTAssertEqual(values[.deviceUnknown], 0)
        XCTAssertEqual(values[.ipUnknown], 1)
        XCTAssertEqual(values[.ipCount10mLog], 0)
        XCTAssertEqual(values[.userUnknown], 1)
        XCTAssertEqual(values[.userCount24hLog], 0)
        XCTAssertEqual(values[.deviceSeen], 1)
        XCTAssertEqual(values[.deviceNew], 0)
    }

    func testAZeroSumLeavesTheUserUnknownRatherThanDividingByZero() {
        var counters = allCounters
        counters[RiskFeatures.userSum7d] = 0
        XCTAssertEqual(RiskFeatures.values(facts(counters: counters))[.userUnknown], 1)
    }

    func testAFirstCreateHasAnOrdinaryAmount() {
        let counters = [RiskFeatures.userCount24h: 1, RiskFeatures.userCount7d: 1, RiskFeatures.userSum7d: 12_345 as Int64]
        XCTAssertEqual(RiskFeatures.values(facts(counters: counters))[.userAmountRatioLog], 0)
    }

    func testAmountIsInMajorUnitsOfItsCurrency() {
        XCTAssertEqual(RiskFeatures.values(facts(amount: 1_500, currency: .jpy))[.amountLog], log1p(1_500))
        XCTAssertEqual(RiskFeatures.values(facts(amount: 1_500, currency: .usd))[.amountLog], log1p(15))
    }

    func testNightIsMidnightToSixChinaTime() {
        XCTAssertEqual(RiskFeatures.values(facts(hour: 0))[.night], 1)
        XCTAssertEqual(RiskFeatures.values(facts(hour: 5))[.night], 1)
        XCTAssertEqual(RiskFeatures.values(facts(hour: 6))[.night], 0)
        XCTAssertEqual(RiskFeatures.values(facts(hour: 23))[.night], 0)
    }
}
