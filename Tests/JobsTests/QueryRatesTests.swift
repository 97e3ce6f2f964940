import Jobs
import XCTest

/// One query rate per channel for the whole process, whichever worker draws on it.
final class QueryRatesTests: XCTestCase {
    func testTheBurstIsSharedAndChannelsAreApart() {
        let rates = QueryRates(ratePerSecond: 5, monotonicMilliseconds: { 1_000 })
        XCTAssertEqual((0..<5).filter { _ in rates.take(.alipay) }.count, 5)
        XCTAssertFalse(rates.take(.alipay), "the burst is spent for every worker at once")
        XCTAssertTrue(rates.take(.wechatpay), "another channel has its own bucket")
    }

    func testTokensComeBackAtTheRate() {
        let clock = Clock()
        let rates = QueryRates(ratePerSecond: 5, monotonicMilliseconds: { clock.now })
        XCTAssertEqual((0..<10).filter { _ in rates.take(.unionpay) }.count, 5)
        clock.now += 200
        XCTAssertTrue(rates.take(.unionpay))
        XCTAssertFalse(rates.take(.unionpay))
    }

    final class Clock: @unchecked Sendable {
        var now: Int64 = 1_000
    }
}
