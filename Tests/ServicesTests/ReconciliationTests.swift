import Channels
import PaygateCore
import Services
import StorageMemory
import XCTest

/// A channel's statements as a script: the lines of each day, and a file that turns out bad at
/// its end (the reader checks a file's totals there).
final class ScriptedStatements: StatementSource {
    var lines: [String: [ReconStatementLine]] = [:]
    var badAtEnd: ReconError?
    private(set) var opened = 0

    func fetch(_ channel: Channel, day: StatementDay, into directory: String, requestId: String) throws(ReconError) -> StatementFile {
        StatementFile(
            channel: channel, day: day, path: directory + "/" + day.text, sha256: String(repeating: "0", count: 64), channelDigest: nil)
    }

    func adopt(_ channel: Channel, day: StatementDay, path: String) throws(ReconError) -> StatementFile {
        StatementFile(channel: channel, day: day, path: path, sha256: nil, channelDigest: nil)
    }

    func open(_ file: StatementFile) throws(ReconError) -> any StatementLines {
        opened += 1
        return Lines(lines[file.day.text] ?? [], badAtEnd: badAtEnd)
    }

    final class Lines: StatementLines {
        var rest: ArraySlice<ReconStatementLine>
        let badAtEnd: ReconError?
        init(_ lines: [ReconStatementLine], badAtEnd: ReconError?) { (rest, self.badAtEnd) = (lines[...], badAtEnd) }
        func next() throws(ReconError) -> ReconStatementLine? {
            if let line = rest.popFirst() { return line }
            if let badAtEnd { throw badAtEnd }
            return nil
        }
    }
}

final class ReconciliationTests: XCTestCase {
    let harness = Harness()
    let statements = ScriptedStatements()
    let reference = ChannelOrderReference(.alipay)
    var reconcile: ReconcileDay {
        var configuration = ReconciliationConfiguration()
        configuration.directory = "/recon"
        return ReconcileDay(
            context: ServiceContext(
                payments: harness.store, refunds: harness.store, channels: harness.channels, clock: harness.clock,
                schedule: QuerySchedule(stepsSeconds: [30]), log: Log(component: "test", minimum: .error)),
            store: harness.store, source: statements, configuration: configuration)
    }
    var day: StatementDay { StatementDay(containing: harness.clock.now()) }

    /// The line the channel lists for `payment`, as it took it (its fee: 0.6 %, like ours).
    func line(_ payment: Payment, amount: Money? = nil, fee: Money? = nil) throws -> ReconStatementLine {
        let paid = amount ?? payment.amount
        return ReconStatementLine(
            kind: .payment, orderReference: reference.payment(payment.id), refundReference: nil, channelTransactionId: "T1",
            side: ReconStatementSide(
                amount: paid, fee: try fee ?? Harness.fee.fee(for: paid), status: .succeeded, occurredAt: harness.clock.now()))
    }

    func item(_ id: PaymentId, on day: StatementDay) throws -> ReconItem {
        try XCTUnwrap(harness.store.items(day: day, channel: .alipay, all: true, limit: 100).first { $0.paymentId == id })
    }

    func testACleanDayMatchesEveryLineAndARerunWritesTheSameItems() throws {
        let first = try harness.succeededPayment(order: "o-1", amount: "100.00")
        let second = try harness.succeededPayment(order: "o-2", amount: "0.99")
        statements.lines[day.text] = [try line(first), try line(second)]
        let summary = try reconcile.run(.alipay, day: day, requestId: "r")
        XCTAssertEqual([summary.matched, summary.differences, summary.awaiting], [2, 0, 0])
        XCTAssertEqual(summary.statementPayments, summary.localPayments)
        XCTAssertEqual(summary.statementFees, summary.localFees)
        let before = try harness.store.items(day: day, channel: .alipay, all: true, limit: 100)
        XCTAssertEqual(before.map(\.reconClass), [.matched, .matched])
        _ = try reconcile.run(.alipay, day: day, requestId: "r")
        XCTAssertEqual(try harness.store.items(day: day, channel: .alipay, all: true, limit: 100), before)
        XCTAssertEqual(try harness.store.runs(day: day, channel: .alipay).first?.runs, 2)
        XCTAssertEqual(harness.channels.calls.filter { $0 == "query" }, [], "a clean day asks the channel nothing")
    }

    func testABadFileRecordsNothingAndFailsTheRun() throws {
        let payment = try harness.succeededPayment()
        statements.lines[day.text] = [try line(payment)]
        statements.badAtEnd = ReconError(.badStatement, "the summary says 2 lines, the file has 1")
        XCTAssertThrowsError(try reconcile.run(.alipay, day: day, requestId: "r")) { error in
            XCTAssertEqual((error as? ReconError)?.code, .badStatement)
        }
        XCTAssertEqual(try harness.store.items(day: day, channel: nil, all: true, limit: 100), [])
        XCTAssertEqual(statements.opened, 1, "the file is read whole once before anything is recorded")
        let run = try XCTUnwrap(try harness.store.runs(day: day, channel: .alipay).first)
        XCTAssertEqual(run.status, .failed)
        XCTAssertEqual(run.error, "bad_statement: the summary says 2 lines, the file has 1")
    }

    func testAPaymentTheChannelTookAndWeMissedIsAppliedThroughItsLifecycle() throws {
        let payment = try harness.processingPayment()
        statements.lines[day.text] = [try line(payment)]
        harness.channels.queryAnswers.append(
            .answered(
                .paid(
                    ChannelPayment(paymentId: payment.id, channelTransactionId: "T1", amount: payment.amount, paidAt: harness.clock.now())))
        )
        let summary = try reconcile.run(.alipay, day: day, requestId: "r")
        XCTAssertEqual(summary.differences, 1)
        let found = try item(payment.id, on: day)
        XCTAssertEqual([found.reconClass.rawValue, found.state.rawValue], ["local_missing", "settled"])
        XCTAssertEqual(harness.store.payment(payment.id)?.status, .succeeded)
        XCTAssertEqual(harness.eventsOf(payment.id), [.paymentSucceeded])
        XCTAssertEqual(harness.store.journal(of: payment.id).map(\.kind), [.paymentSucceeded])
    }

    func testDifferencesAreRecordedAndAFeeDifferenceIsPostedOnce() throws {
        let missing = try harness.succeededPayment(order: "o-missing")
        let amount = try harness.succeededPayment(order: "o-amount", amount: "12.30")
        let fee = try harness.succeededPayment(order: "o-fee", amount: "100.00")
        let stranger = ReconStatementLine(
            kind: .payment, orderReference: "SANDBOX-EXTRA-1", refundReference: nil, channelTransactionId: "T9",
            side: ReconStatementSide(amount: Harness.cny(100), fee: Harness.cny(1), status: .succeeded, occurredAt: harness.clock.now()))
        statements.lines[day.text] = [
            try line(amount, amount: Harness.cny(1_231)), try line(fee, fee: Harness.cny(61)), stranger,
        ]
        // Each run asks about what is still missing at the channel.
        harness.channels.queryAnswers += [.answered(.notFound), .answered(.notFound)]
        for _ in 0..<2 { _ = try reconcile.run(.alipay, day: day, requestId: "r") }
        XCTAssertEqual(try item(missing.id, on: day).reconClass, .channelMissing)
        XCTAssertEqual(try item(missing.id, on: day).note, "the channel's query says: no such order")
        XCTAssertEqual(try item(amount.id, on: day).reconClass, .amountMismatch)
        XCTAssertEqual(try item(fee.id, on: day).reconClass, .feeMismatch)
        let adjustments = harness.store.journal(of: fee.id).filter { $0.kind == .feeAdjusted }
        XCTAssertEqual(adjustments.count, 1, "posted once over two runs")
        XCTAssertEqual(adjustments.first?.lines.map(\.amount.minorUnits), [1, -1])
        let foreign = try XCTUnwrap(
            try harness.store.items(day: day, channel: .alipay, all: true, limit: 100).first { $0.paymentId == nil })
        XCTAssertEqual(
            [foreign.reference, foreign.reconClass.rawValue, foreign.state.rawValue], ["SANDBOX-EXTRA-1", "local_missing", "open"])
    }

    func testSomethingPaidJustBeforeMidnightWaitsForTheNextDaysStatement() throws {
        let today = day
        harness.clock.advance(seconds: today.end.secondsSinceEpoch - harness.clock.now().secondsSinceEpoch - 60)
        let payment = try harness.succeededPayment()
        _ = try reconcile.run(.alipay, day: today, requestId: "r")
        XCTAssertEqual(try item(payment.id, on: today).reconClass, .awaitingNextDay)
        harness.clock.advance(seconds: 120)
        statements.lines[today.next.text] = [try line(payment)]
        _ = try reconcile.run(.alipay, day: today.next, requestId: "r")
        XCTAssertEqual(try item(payment.id, on: today.next).reconClass, .matched)
        let settled = try item(payment.id, on: today)
        XCTAssertEqual([settled.reconClass.rawValue, settled.state.rawValue], ["matched", "settled"])
        XCTAssertEqual(harness.channels.calls.filter { $0 == "query" }, [], "a timing difference is not a difference")
    }
}
