import Channels
import PaygateCore
import Sandbox
import XCTest

/// The statement knob through the real connectors: each discrepancy shows in the records read,
/// each bad file makes the reader throw `.badStatement`, and a knob a format cannot express is refused.
final class StatementFaultTests: XCTestCase {
    let sandbox = SandboxFixture()
    let day = SandboxFixture.chinaDay

    /// The statement knob aims at the order number the channel knows (its statement's).
    ///
    /// Two paid orders (the first paid first) and a 5.00 refund of the first, whose id is shaped
    /// like ours (UnionPay takes only 8-32 letters and digits: the hex digits after `ref_`).
    func paidOrders(_ channel: Channel) throws -> (PrepayOrder, PrepayOrder) {
        let connector = SandboxFixture.connector(channel)
        let first = SandboxFixture.order(channel)
        let second = SandboxFixture.order(channel, amount: 2000)
        for order in [first, second] {
            sandbox.pay(try sandbox.prepay(connector, order), result: "success")
        }
        let payment = try XCTUnwrap(
            sandbox.callbacks().compactMap { callback -> ChannelPayment? in
                guard case .verified(.paymentSucceeded(let payment)) = connector.verifyCallback(callback.asRequest, now: .now()) else {
                    return nil
                }
                return payment.paymentId == first.paymentId ? payment : nil
            }.first)
        let refund = RefundOrder(
            refundId: "ref_" + SandboxFixture.orderReference(), paymentId: first.paymentId,
            channelTransactionId: payment.channelTransactionId,
            amount: Money(minorUnits: 500, currency: .cny), paymentAmount: first.amount, reason: nil, callbackURL: first.callbackURL,
            createdAt: .now())
        _ = sandbox.exchange(try connector.refundRequest(refund, now: .now()))
        return (first, second)
    }

    func knob(_ channel: Channel, _ discrepancies: [(String, String?)], badFile: String? = nil, day: String? = nil) -> Int {
        let items = discrepancies.map { kind, order in #"{"kind":"\#(kind)","order":\#(order.map { "\"\($0)\"" } ?? "null")}"# }
        let bad = badFile.map { "\"\($0)\"" } ?? "null"
        return sandbox.setFaults(
            #"{"statement":{"channel":"\#(channel.rawValue)","day":"\#(day ?? self.day)","discrepancies":[\#(items.joined(separator: ","))],"bad_file":\#(bad)}}"#
        ).status
    }

    func testDiscrepanciesShowInEveryChannel() throws {
        for channel in Channel.allCases {
            let (first, second) = try paidOrders(channel)
            let connector = SandboxFixture.connector(channel)
            let number = { (order: PrepayOrder) in SandboxFixture.statementNumber(order.paymentId, channel) }
            let clean = try sandbox.statement(connector).records
            XCTAssertEqual(clean.filter { $0.kind == .payment }.map(\.orderReference), [number(first), number(second)], "\(channel)")
            let original = try XCTUnwrap(clean.first { $0.orderReference == number(second) && $0.kind == .payment })

            XCTAssertEqual(
                knob(channel, [("missing", nil), ("extra", nil), ("amount", number(second)), ("fee", number(second))]), 200)
            let planted = try sandbox.statement(connector).records
            let payments = planted.filter { $0.kind == .payment }
            XCTAssertFalse(payments.contains { $0.orderReference == number(first) }, "\(channel): missing")
            XCTAssertTrue(payments.contains { $0.orderReference.hasPrefix("SANDBOX-EXTRA-") }, "\(channel): extra")
            let changed = try XCTUnwrap(payments.first { $0.orderReference == number(second) })
            XCTAssertEqual(changed.amount.minorUnits, original.amount.minorUnits + 1, "\(channel): amount")
            XCTAssertEqual(changed.fee.minorUnits, original.fee.minorUnits + 1, "\(channel): fee")

            XCTAssertEqual(knob(channel, [("next_day", number(first))]), 200)
            XCTAssertFalse(try sandbox.statement(connector).records.contains { $0.orderReference == number(first) && $0.kind == .payment })
            let tomorrow = SandboxFixture.dayAfter(day)
            let next = try sandbox.statement(connector, day: tomorrow).records
            XCTAssertEqual(next.map(\.orderReference), [number(first)], "\(channel): next_day")
            XCTAssertEqual(sandbox.setFaults("{}").status, 200)
        }
    }

    func testRefundStatusDiscrepancy() throws {
        let (first, _) = try paidOrders(.wechatpay)
        XCTAssertEqual(knob(.wechatpay, [("refund_status", SandboxFixture.statementNumber(first.paymentId, .wechatpay))]), 200)
        let refund = try XCTUnwrap(try sandbox.statement(SandboxFixture.weChatPay()).records.first { $0.kind == .refund })
        XCTAssertEqual(refund.status, .failed)

        // Alipay lists completed refunds only: the discrepancy is a refund it failed, listed anyway.
        let (alipayOrder, _) = try paidOrders(.alipay)
        let connector = SandboxFixture.alipay()
        XCTAssertEqual(sandbox.setFaults(#"{"refund_result":"fail"}"#).status, 200)
        let payment = try XCTUnwrap(try sandbox.statement(connector).records.first { $0.orderReference == alipayOrder.paymentId.text })
        let failing = RefundOrder(
            refundId: "ref_failed", paymentId: alipayOrder.paymentId, channelTransactionId: payment.channelTransactionId,
            amount: Money(minorUnits: 100, currency: .cny), paymentAmount: alipayOrder.amount, reason: nil, callbackURL: "",
            createdAt: .now())
        _ = sandbox.exchange(try connector.refundRequest(failing, now: .now()))
        XCTAssertFalse(try sandbox.statement(connector).records.contains { $0.refundReference == "ref_failed" })
        XCTAssertEqual(knob(.alipay, [("refund_status", nil)]), 200)
        XCTAssertTrue(try sandbox.statement(connector).records.contains { $0.refundReference == "ref_failed" && $0.status == .succeeded })
    }

    func testEveryBadFileIsRefusedByTheReader() throws {
        let kinds: [Channel: [String]] = [
            .alipay: ["truncated", "wrong_encoding", "missing_column", "summary_mismatch"],
            .wechatpay: ["hash_mismatch", "truncated", "wrong_encoding", "missing_column", "summary_mismatch"],
            .unionpay: ["truncated", "wrong_encoding", "missing_column"],
        ]
        for channel in Channel.allCases {
            _ = try paidOrders(channel)
            let connector = SandboxFixture.connector(channel)
            XCTAssertEqual(try sandbox.statement(connector).records.count, 3, "\(channel)")
            for kind in kinds[channel]! {
                XCTAssertEqual(knob(channel, [], badFile: kind), 200)
                XCTAssertThrowsError(try sandbox.statement(connector), "\(channel) \(kind)") { error in
                    XCTAssertEqual((error as? ChannelError)?.code, .badStatement, "\(channel) \(kind): \(error)")
                }
            }
            XCTAssertEqual(sandbox.setFaults("{}").status, 200)
        }
        // What a format cannot show is refused, not ignored.
        XCTAssertEqual(knob(.alipay, [], badFile: "hash_mismatch"), 400)
        XCTAssertEqual(knob(.unionpay, [], badFile: "summary_mismatch"), 400)
        XCTAssertEqual(knob(.alipay, [("late", nil)]), 400)
    }

    func testDaysWithoutTransactions() throws {
        let yesterday = SandboxFixture.dayAfter(day, days: -1)
        XCTAssertTrue(try sandbox.statement(SandboxFixture.unionPay(), day: yesterday).records.isEmpty)
        XCTAssertNil(try sandbox.statementFile(SandboxFixture.unionPay(), day: yesterday), "respCode 98")
        XCTAssertNil(try sandbox.statementFile(SandboxFixture.weChatPay(), day: yesterday), "NO_STATEMENT_EXIST")
        let alipay = try sandbox.statement(SandboxFixture.alipay(), day: yesterday)
        XCTAssertEqual(alipay.totals, .zero, "Alipay hands out an empty bill")
    }
}
