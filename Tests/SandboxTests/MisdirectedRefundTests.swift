import Channels
import Foundation
import PaygateCore
import Sandbox
import XCTest

/// The `misdirected_refund` fault through the real connectors: refund and refund-query answers
/// about another refund (of another order) are signed and well formed, and each connector reads
/// them as `.unknown` for the refund asked about; with the fault off, the same refund reads as
/// it really stands.
final class MisdirectedRefundTests: XCTestCase {
    let sandbox = SandboxFixture()

    private func paidOrder(_ connector: any ChannelConnector) throws -> (PrepayOrder, ChannelPayment) {
        let order = SandboxFixture.order(connector.channel)
        sandbox.pay(try sandbox.prepay(connector, order), result: "success")
        guard case .verified(.paymentSucceeded(let payment))? = sandbox.verifiedCallback(connector) else {
            XCTFail("\(connector.channel): no verified payment callback")
            throw UnexpectedAnswer()
        }
        return (order, payment)
    }

    private func refund(_ id: String, of order: PrepayOrder, _ payment: ChannelPayment, minorUnits: Int64) -> RefundOrder {
        RefundOrder(
            refundId: id, paymentId: order.paymentId, channelTransactionId: payment.channelTransactionId,
            amount: Money(minorUnits: minorUnits, currency: .cny), paymentAmount: order.amount, reason: nil,
            callbackURL: order.callbackURL, createdAt: .now())
    }

    /// A refund id of the real shape (`ref_` and 32 hex digits), as channels' limits expect.
    static func newRefundId() -> String {
        "ref_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    private func reference(_ refund: RefundOrder) -> ChannelRefundReference {
        ChannelRefundReference(refundId: refund.refundId, paymentId: refund.paymentId, amount: refund.amount, createdAt: refund.createdAt)
    }

    func testAnswersAboutAnotherRefundAreUnknownUntilTheFaultIsOff() throws {
        for channel in Channel.allCases {
            let connector = SandboxFixture.connector(channel)
            let (firstOrder, firstPayment) = try paidOrder(connector)
            let first = refund(Self.newRefundId(), of: firstOrder, firstPayment, minorUnits: 100)
            _ = connector.refundResult(sandbox.exchange(try connector.refundRequest(first, now: .now())), for: first)
            _ = sandbox.callbacks()
            let (order, payment) = try paidOrder(connector)
            let asked = refund(Self.newRefundId(), of: order, payment, minorUnits: 200)
            // The fault names the refund as the channel knows it.
            let number = ChannelOrderReference(channel).refund(first.refundId)
            XCTAssertEqual(sandbox.setFaults(#"{"misdirected_refund": "\#(number)", "channel": "\#(channel.rawValue)"}"#).status, 200)
            let answer = connector.refundResult(sandbox.exchange(try connector.refundRequest(asked, now: .now())), for: asked)
            guard case .unknown(let reason) = answer else { return XCTFail("\(channel): \(answer)") }
            // Each channel names the other refund in its own way: its number (WeChat Pay, UnionPay),
            // its order (Alipay), its original transaction (UnionPay).
            let names = [number, ChannelOrderReference(channel).payment(firstOrder.paymentId), firstPayment.channelTransactionId]
            XCTAssertTrue(
                names.contains { reason.contains("about refund \($0),") || reason.contains(" \($0), not") }, "\(channel): \(reason)")
            let query = connector.refundQueryResult(
                sandbox.exchange(try connector.refundQueryRequest(reference(asked), now: .now())), for: reference(asked))
            let sent = ChannelOrderReference(channel).refund(asked.refundId)
            XCTAssertEqual(query, .unknown(reason: "the answer is about refund \(number), not \(sent)"), "\(channel)")
            // The refund asked for was carried out all the same: with the fault off, its query says so.
            XCTAssertEqual(sandbox.setFaults("{}").status, 200)
            let settled = connector.refundQueryResult(
                sandbox.exchange(try connector.refundQueryRequest(reference(asked), now: .now())), for: reference(asked))
            guard case .succeeded = settled else { return XCTFail("\(channel): \(settled)") }
            _ = sandbox.callbacks()
        }
        XCTAssertEqual(sandbox.setFaults(#"{"misdirected_refund": ""}"#).status, 400)
        let read = sandbox.setFaults(#"{"misdirected_refund": "ref_1"}"#)
        XCTAssertTrue(String(decoding: read.body, as: UTF8.self).hasSuffix(#""misdirected_refund":"ref_1","statement":null}"#))
    }
}
