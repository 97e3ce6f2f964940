import XCTest

@testable import PaygateCore

final class ReconMatcherTests: XCTestCase {
    let day = StatementDay("2026-12-05")!
    func cny(_ minor: Int64) -> Money { Money(minorUnits: minor, currency: .cny) }

    func line(_ amount: Int64, fee: Int64 = 6, status: ReconStatementSide.Status = .succeeded) -> ReconStatementSide {
        ReconStatementSide(amount: cny(amount), fee: cny(fee), status: status, occurredAt: day.start.adding(seconds: 3600))
    }

    func ours(_ amount: Int64, fee: Int64? = 6, state: ReconLocalSide.State = .succeeded, at: Timestamp? = nil) -> ReconLocalSide {
        ReconLocalSide(
            amount: cny(amount), fee: fee.map(cny), state: state,
            succeededAt: state == .succeeded ? at ?? day.start.adding(seconds: 3600) : nil,
            status: state.rawValue)
    }

    func testStatementDayIsTheChinaCalendarDay() {
        XCTAssertEqual(day.start, Timestamp(parsing: "2026-12-04 16:00:00"))
        XCTAssertEqual(day.end, Timestamp(parsing: "2026-12-05 16:00:00"))
        XCTAssertEqual(day.next.text, "2026-12-06")
        XCTAssertEqual(day.previous.text, "2026-12-04")
        XCTAssertEqual(StatementDay(containing: Timestamp(parsing: "2026-12-05 15:59:59.999")!).text, "2026-12-05")
        XCTAssertEqual(StatementDay(containing: Timestamp(parsing: "2026-12-05 16:00:00")!).text, "2026-12-06")
        XCTAssertEqual(StatementDay("2027-01-01")!.previous.text, "2026-12-31")
        for text in ["2026-02-30", "2026-12-5", "20261205", "", "2026-13-01"] { XCTAssertNil(StatementDay(text), text) }
    }

    func testEachClassOfAPaymentLine() {
        let table: [(ReconLocalSide?, ReconClass, ReconMatcher.FollowUp)] = [
            (ours(1230), .matched, .none),
            (nil, .localMissing, .queryPayment),
            (ours(1230, state: .pending), .localMissing, .queryPayment),
            (ours(1230, state: .closed), .localMissing, .queryPayment),
            (ours(1231), .amountMismatch, .admin),
            (ours(1230, fee: 7), .feeMismatch, .admin),
        ]
        for (local, expected, followUp) in table {
            let outcome = ReconMatcher.classify(.payment, statement: line(1230), local: local)
            XCTAssertEqual(outcome.reconClass, expected, "\(String(describing: local))")
            XCTAssertEqual(outcome.followUp, followUp, "\(String(describing: local))")
            XCTAssertEqual(outcome.state, expected == .matched ? .none : .open)
        }
    }

    func testAFeeDifferenceIsTheStatementsFeeLessOurs() {
        XCTAssertEqual(ReconMatcher.classify(.payment, statement: line(1230, fee: 8), local: ours(1230, fee: 7)).feeDifference, cny(1))
        XCTAssertEqual(ReconMatcher.classify(.payment, statement: line(1230, fee: 5), local: ours(1230, fee: 7)).feeDifference, cny(-2))
        XCTAssertNil(ReconMatcher.classify(.payment, statement: line(1230), local: ours(1231, fee: 7)).feeDifference)
    }

    func testRefundLinesCompareStatusThenAmountNeverFees() {
        let refund = { (state: ReconLocalSide.State, amount: Int64) in self.ours(amount, fee: nil, state: state) }
        // The fee the channel gave back on a refund is matched, and posted (negative: fees fall).
        let returned = ReconMatcher.classify(.refund, statement: line(500, fee: 3), local: refund(.succeeded, 500))
        XCTAssertEqual(returned.reconClass, .matched)
        XCTAssertEqual(returned.feeDifference, cny(-3))
        XCTAssertNil(ReconMatcher.classify(.refund, statement: line(500, fee: 0), local: refund(.succeeded, 500)).feeDifference)
        XCTAssertEqual(ReconMatcher.classify(.refund, statement: line(500), local: refund(.failed, 500)).reconClass, .statusMismatch)
        XCTAssertEqual(
            ReconMatcher.classify(.refund, statement: line(500, status: .processing), local: refund(.succeeded, 500)).reconClass,
            .statusMismatch)
        XCTAssertEqual(
            ReconMatcher.classify(.refund, statement: line(500, status: .failed), local: refund(.failed, 500)).reconClass, .matched)
        XCTAssertEqual(ReconMatcher.classify(.refund, statement: line(500), local: refund(.succeeded, 400)).reconClass, .amountMismatch)
        let unknown = ReconMatcher.classify(.refund, statement: line(500), local: nil)
        XCTAssertEqual(unknown.reconClass, .localMissing)
        XCTAssertEqual(unknown.followUp, .admin)
    }

    func testSomethingUnlistedNearTheDaysEndWaitsForTheNextStatement() {
        let window = ReconMatcher.timingWindowSecondsDefault
        let early = ReconMatcher.classifyUnlisted(.payment, local: ours(1230), day: day, timingWindowSeconds: window)
        XCTAssertEqual(early.reconClass, .channelMissing)
        XCTAssertEqual(early.followUp, .queryPayment)
        let late = ours(1230, at: day.end.adding(seconds: -window))
        XCTAssertEqual(
            ReconMatcher.classifyUnlisted(.payment, local: late, day: day, timingWindowSeconds: window).reconClass, .awaitingNextDay)
        let justBefore = ours(1230, at: day.end.adding(seconds: -window - 1))
        XCTAssertEqual(
            ReconMatcher.classifyUnlisted(.payment, local: justBefore, day: day, timingWindowSeconds: window).reconClass, .channelMissing)
        XCTAssertEqual(ReconMatcher.classifyUnlisted(.refund, local: late, day: day, timingWindowSeconds: 0).followUp, .admin)
        XCTAssertEqual(
            ReconMatcher.settleAwaiting(.payment, listedNextDay: true),
            .init(reconClass: .matched, state: .settled, followUp: .none, feeDifference: nil))
        XCTAssertEqual(ReconMatcher.settleAwaiting(.payment, listedNextDay: false).reconClass, .channelMissing)
    }

    func testTheFeeAdjustmentBalancesAndMovesTheDifferenceToTheFeeAccount() throws {
        let entry = try LedgerEntry.feeAdjusted(
            merchantId: "mch_1", paymentId: PaymentId("pay_0193a2b4c5d6000a0123456789abcdef")!, refundId: nil, channel: .wechatpay,
            difference: cny(-2))
        XCTAssertEqual(entry.kind, .feeAdjusted)
        XCTAssertEqual(entry.lines.map(\.account), [.channelFees(.wechatpay), .channelClearing(.wechatpay)])
        XCTAssertEqual(entry.lines.map(\.amount.minorUnits), [-2, 2])
    }
}
