import Foundation
import PaygateCore
import XCTest

/// `ReconStoring`'s promises. Items and runs of a test are on a day of its own, far ahead, so
/// other tests and runs on the same shards never answer its reads.
extension StoreContract {
    static func farDay() -> StatementDay {
        StatementDay(containing: Timestamp.now().adding(seconds: farAheadSeconds + Int64.random(in: 0..<36_500) * 86_400))
    }

    func draft(
        _ scene: ContractScene, _ payment: Payment, day: StatementDay, reconClass: ReconClass, listed: Bool = true,
        feeDifference: Money? = nil
    ) -> ReconItemDraft {
        let statement = ReconStatementSide(amount: payment.amount, fee: StoreContract.cny(60), status: .succeeded, occurredAt: scene.now)
        let local = ReconLocalSide(
            amount: payment.amount, fee: StoreContract.cny(60), state: .succeeded, succeededAt: scene.now, status: "succeeded")
        return ReconItemDraft(
            channel: .alipay, day: day, kind: .payment, reference: payment.id.text, slot: payment.id.slot, paymentId: payment.id,
            refundId: nil, merchantId: scene.merchantId,
            outcome: ReconMatcher.Outcome(
                reconClass: reconClass, state: reconClass == .matched ? .none : .open, followUp: .none, feeDifference: feeDifference),
            statement: listed ? statement : nil, local: local, channelTransactionId: "T-1", currency: .cny)
    }

    func reconItem(_ scene: ContractScene, _ payment: Payment, day: StatementDay) throws -> ReconItem {
        try XCTUnwrap(
            try scene.stores.recon.items(day: day, channel: .alipay, all: true, limit: 1_000).first { $0.paymentId == payment.id })
    }

    func reconRerunKeepsASettlementOrResolutionUntilTheResultChanges() throws {
        let scene = try ContractScene(self)
        let recon = scene.stores.recon
        let payment = try scene.succeeded(order: "recon-keep")
        let day = StoreContract.farDay()
        let shard = recon.shardIndex(forSlot: payment.id.slot)
        try recon.record([draft(scene, payment, day: day, reconClass: .amountMismatch)], shard: shard, now: scene.now)
        let first = try reconItem(scene, payment, day: day)
        XCTAssertEqual([first.reconClass.rawValue, first.state.rawValue], ["amount_mismatch", "open"])
        XCTAssertEqual(first.statementAmount, payment.amount)

        let resolved = try XCTUnwrap(try recon.resolve(first.id, note: "confirmed by ticket 1", actor: "ops", now: scene.now))
        XCTAssertEqual([resolved.state.rawValue, resolved.note, resolved.resolvedBy], ["resolved", "confirmed by ticket 1", "ops"])
        for again in [ReconClass.amountMismatch, .matched] {
            try recon.record([draft(scene, payment, day: day, reconClass: again)], shard: shard, now: scene.now)
            XCTAssertEqual(try reconItem(scene, payment, day: day), resolved, "a rerun keeps the resolution (\(again))")
        }
        try recon.record([draft(scene, payment, day: day, reconClass: .feeMismatch)], shard: shard, now: scene.now)
        let changed = try reconItem(scene, payment, day: day)
        XCTAssertEqual([changed.reconClass.rawValue, changed.state.rawValue], ["fee_mismatch", "open"])
        XCTAssertEqual([changed.id.text, changed.note ?? "-"], [first.id.text, "-"], "the same item, its resolution gone")

        try recon.settle(changed.key, reconClass: .feeMismatch, state: .settled, note: "checked", now: scene.now)
        XCTAssertEqual(try reconItem(scene, payment, day: day).state, .settled)
        XCTAssertNil(try recon.resolve(ReconItemId(millisecondsSinceEpoch: 1, slot: 0, random: 1), note: "x", actor: "ops", now: scene.now))
    }

    func reconReadsOurRecordsAndWhatNoLineNames() throws {
        let scene = try ContractScene(self)
        let recon = scene.stores.recon
        let payment = try scene.succeeded(order: "recon-read")
        let shard = recon.shardIndex(forSlot: payment.id.slot)
        let local = try XCTUnwrap(try recon.localPayments([payment.id], channel: .alipay, shard: shard)[payment.id])
        XCTAssertEqual(local.side.state, .succeeded)
        XCTAssertEqual(local.side.amount, payment.amount)
        XCTAssertEqual(local.side.fee, StoreContract.cny(60), "the fee posted at success (60 bp)")
        XCTAssertEqual(try recon.localPayments([payment.id], channel: .wechatpay, shard: shard), [:], "another channel's")

        let day = StatementDay(containing: try XCTUnwrap(local.side.succeededAt))
        XCTAssertTrue(try unlisted(recon, day: day, shard: shard).contains(payment.id))
        try recon.record([draft(scene, payment, day: day, reconClass: .matched)], shard: shard, now: scene.now)
        XCTAssertFalse(try unlisted(recon, day: day, shard: shard).contains(payment.id), "a line names it now")
    }

    /// Every unlisted payment of the day on the shard, page by page.
    private func unlisted(_ recon: any ReconStoring, day: StatementDay, shard: Int) throws -> Set<PaymentId> {
        var found: Set<PaymentId> = []
        var after: ReconLocalRecord?
        while true {
            let page = try recon.unlisted(.payment, channel: .alipay, day: day, shard: shard, after: after, limit: 200)
            found.formUnion(page.map(\.paymentId))
            guard page.count == 200 else { return found }
            after = page.last
        }
    }

    func reconAwaitingItemsSeeTheNextDaysLines() throws {
        let scene = try ContractScene(self)
        let recon = scene.stores.recon
        let listed = try scene.succeeded(order: "recon-listed")
        let missing = scene.order("recon-missing", inSlotOf: listed)
        let unlistedPayment = try scene.succeeded(order: missing)
        let day = StoreContract.farDay()
        let shard = recon.shardIndex(forSlot: listed.id.slot)
        try recon.record(
            [
                draft(scene, listed, day: day, reconClass: .awaitingNextDay, listed: false),
                draft(scene, unlistedPayment, day: day, reconClass: .awaitingNextDay, listed: false),
                draft(scene, listed, day: day.next, reconClass: .matched),
            ], shard: shard, now: scene.now)
        let waiting = try recon.awaiting(channel: .alipay, day: day, shard: shard)
        XCTAssertEqual(
            Dictionary(uniqueKeysWithValues: waiting.map { ($0.item.paymentId!, $0.listedNextDay) }),
            [listed.id: true, unlistedPayment.id: false])
    }

    func reconRunsCountAndRecordHowTheyEnded() throws {
        let scene = try ContractScene(self)
        let recon = scene.stores.recon
        let day = StoreContract.farDay()
        try recon.beginRun(channel: .unionpay, day: day, now: scene.now)
        try recon.failRun(channel: .unionpay, day: day, error: "unavailable: no answer", now: scene.now)
        var run = try XCTUnwrap(try recon.runs(day: day, channel: .unionpay).first)
        XCTAssertEqual([run.status.rawValue, run.error ?? "-", String(run.runs)], ["failed", "unavailable: no answer", "1"])
        try recon.beginRun(channel: .unionpay, day: day, now: scene.now)
        var summary = ReconRunSummary(channel: .unionpay, day: day, status: .done, currency: .cny)
        summary.statementPayments.add(StoreContract.cny(1_230))
        summary.matched = 1
        try recon.finishRun(summary, now: scene.now)
        run = try XCTUnwrap(try recon.runs(day: day, channel: .unionpay).first)
        XCTAssertEqual([run.status.rawValue, String(run.runs), String(run.matched)], ["done", "2", "1"])
        XCTAssertNil(run.error)
        XCTAssertEqual(run.statementPayments, summary.statementPayments)
    }
}
