import XCTest

@testable import PaygateCore

final class LedgerEntryTests: XCTestCase {
    private let paymentId = PaymentId(millisecondsSinceEpoch: 1_800_000_000_000, slot: 7, random: 42)
    private func cny(_ minor: Int64) -> Money { Money(minorUnits: minor, currency: .cny) }

    func testPaymentPostingWithoutFeeHasTwoBalancedLines() throws {
        let entry = try LedgerEntry.paymentSucceeded(
            merchantId: "m", paymentId: paymentId, channel: .alipay, amount: cny(1_230), fee: .zero)
        XCTAssertEqual(entry.kind, .paymentSucceeded)
        XCTAssertEqual(entry.lines, [LedgerLine(.channelClearing(.alipay), cny(1_230)), LedgerLine(.merchantPayable, cny(-1_230))])
        XCTAssertEqual(entry.lines.map(\.account.name), ["channel_clearing:alipay", "merchant_payable"])
    }

    func testPaymentPostingWithFeeSplitsClearingAndFees() throws {
        // 0.6% of 12.30 = 0.0738 -> 0.07 (half up at the fen).
        let entry = try LedgerEntry.paymentSucceeded(
            merchantId: "m", paymentId: paymentId, channel: .wechatpay, amount: cny(1_230), fee: ChannelFee(basisPoints: 60))
        XCTAssertEqual(
            entry.lines,
            [
                LedgerLine(.channelClearing(.wechatpay), cny(1_223)), LedgerLine(.channelFees(.wechatpay), cny(7)),
                LedgerLine(.merchantPayable, cny(-1_230)),
            ])
        XCTAssertEqual(entry.lines.reduce(Int64(0)) { $0 + $1.amount.minorUnits }, 0)
    }

    func testFeesRoundHalfUpInIntegers() throws {
        XCTAssertEqual(try ChannelFee(basisPoints: 50).fee(for: cny(100)).minorUnits, 1)  // 0.5 fen -> 1
        XCTAssertEqual(try ChannelFee(basisPoints: 49).fee(for: cny(100)).minorUnits, 0)  // 0.49 fen -> 0
        XCTAssertEqual(try ChannelFee(basisPoints: 1_000).fee(for: cny(10_000_000_000)).minorUnits, 1_000_000_000)
        XCTAssertThrowsError(try ChannelFee(basisPoints: 1_001).fee(for: cny(100)))
        XCTAssertThrowsError(try ChannelFee(basisPoints: -1).fee(for: cny(100)))
    }

    func testRefundReversal() throws {
        let refundId = RefundId(millisecondsSinceEpoch: 1_800_000_000_000, slot: 7, random: 9)
        let entry = try LedgerEntry.refundSucceeded(
            merchantId: "m", paymentId: paymentId, refundId: refundId, channel: .unionpay, amount: cny(300))
        XCTAssertEqual(entry.refundId, refundId)
        XCTAssertEqual(entry.lines, [LedgerLine(.merchantPayable, cny(300)), LedgerLine(.channelClearing(.unionpay), cny(-300))])
    }

    func testUnbalancedOrMalformedEntriesAreRefused() {
        func make(_ lines: [LedgerLine]) throws(LedgerError) -> LedgerEntry {
            try LedgerEntry(kind: .paymentSucceeded, merchantId: "m", paymentId: paymentId, refundId: nil, lines: lines)
        }
        XCTAssertThrowsError(try make([LedgerLine(.merchantPayable, cny(1)), LedgerLine(.channelClearing(.alipay), cny(-2))])) {
            XCTAssertEqual($0 as? LedgerError, .unbalanced(sumMinorUnits: -1))
        }
        XCTAssertThrowsError(try make([LedgerLine(.merchantPayable, cny(0)), LedgerLine(.channelClearing(.alipay), cny(0))])) {
            XCTAssertEqual($0 as? LedgerError, .zeroLine("merchant_payable"))
        }
        XCTAssertThrowsError(try make([LedgerLine(.merchantPayable, cny(0))])) { XCTAssertEqual($0 as? LedgerError, .tooFewLines) }
        XCTAssertThrowsError(
            try make([LedgerLine(.merchantPayable, cny(5)), LedgerLine(.channelClearing(.alipay), Money(minorUnits: -5, currency: .usd))])
        ) {
            XCTAssertEqual($0 as? LedgerError, .mixedCurrencies)
        }
    }

    func testSignedDatabaseText() {
        XCTAssertEqual(Money(signedDatabaseText: "-12.30", currency: .cny), cny(-1_230))
        XCTAssertEqual(Money(signedDatabaseText: "12.30", currency: .cny), cny(1_230))
        XCTAssertEqual(Money(signedDatabaseText: "-1500.00", currency: .jpy), Money(minorUnits: -1_500, currency: .jpy))
        XCTAssertNil(Money(signedDatabaseText: "--1.00", currency: .cny))
        XCTAssertNil(Money(signedDatabaseText: "1.5e3", currency: .cny))
    }
}
