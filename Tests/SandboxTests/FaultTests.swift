import Channels
import PaygateCore
import Sandbox
import XCTest

/// The fault knobs, seen through the real connectors.
final class FaultTests: XCTestCase {
    let sandbox = SandboxFixture()

    func testWrongAmountCallbackVerifiesButCarriesTheOtherAmount() throws {
        XCTAssertEqual(sandbox.setFaults(#"{"callback_amount_delta": 100}"#).status, 200)
        for channel in Channel.allCases {
            let connector = SandboxFixture.connector(channel)
            let order = SandboxFixture.order(channel)
            sandbox.pay(try sandbox.prepay(connector, order), result: "success")
            guard case .verified(.paymentSucceeded(let payment))? = sandbox.verifiedCallback(connector) else {
                return XCTFail("\(channel): no callback")
            }
            XCTAssertEqual(payment.amount, Money(minorUnits: 1330, currency: .cny), "\(channel)")
        }
    }

    func testServerErrorKnobMapsToUnknown() throws {
        XCTAssertEqual(sandbox.setFaults(#"{"status_5xx": 503, "channel": null}"#).status, 200)
        for channel in Channel.allCases {
            let connector = SandboxFixture.connector(channel)
            let order = SandboxFixture.order(channel)
            let result = connector.prepayResult(sandbox.exchange(try connector.prepayRequest(order, now: .now())), for: order)
            guard case .unknown = result else { return XCTFail("\(channel): \(result)") }
        }
    }

    func testKnobsCanBeLimitedToOneChannel() throws {
        XCTAssertEqual(sandbox.setFaults(#"{"status_5xx": 500, "channel": "unionpay"}"#).status, 200)
        _ = try sandbox.prepay(SandboxFixture.alipay(), SandboxFixture.order(.alipay))
        let unionPay = SandboxFixture.unionPay()
        let order = SandboxFixture.order(.unionpay)
        guard case .unknown = unionPay.prepayResult(sandbox.exchange(try unionPay.prepayRequest(order, now: .now())), for: order) else {
            return XCTFail("unionpay should answer 500")
        }
    }

    func testDuplicateAndDroppedCallbacks() throws {
        let connector = SandboxFixture.unionPay()
        XCTAssertEqual(sandbox.setFaults(#"{"duplicate_callbacks": 2}"#).status, 200)
        sandbox.pay(try sandbox.prepay(connector, SandboxFixture.order(.unionpay)), result: "success")
        let copies = sandbox.callbacks()
        XCTAssertEqual(copies.count, 3)
        for copy in copies {
            guard case .verified(.paymentSucceeded) = connector.verifyCallback(copy.asRequest, now: .now()) else {
                return XCTFail("copy did not verify")
            }
        }
        XCTAssertEqual(sandbox.setFaults(#"{"drop_callbacks": true}"#).status, 200)
        let dropped = SandboxFixture.order(.unionpay)
        sandbox.pay(try sandbox.prepay(connector, dropped), result: "success")
        XCTAssertTrue(sandbox.callbacks().isEmpty)
        // The order is paid all the same: a query finds out.
        guard
            case .paid = connector.queryResult(
                sandbox.exchange(try connector.queryRequest(SandboxFixture.reference(dropped), now: .now())), for: dropped.paymentId)
        else {
            return XCTFail("dropped-callback order is not paid")
        }
    }

    func testOutOfOrderCallbacksLetTheLaterOneOvertake() throws {
        let connector = SandboxFixture.weChatPay()
        XCTAssertEqual(sandbox.setFaults(#"{"out_of_order_callbacks": true}"#).status, 200)
        let order = SandboxFixture.order(.wechatpay)
        sandbox.pay(try sandbox.prepay(connector, order), result: "success")
        let refund = RefundOrder(
            refundId: "ref_o1", paymentId: order.paymentId, channelTransactionId: nil, amount: Money(minorUnits: 100, currency: .cny),
            paymentAmount: order.amount, reason: nil, callbackURL: order.callbackURL, createdAt: .now())
        XCTAssertEqual(connector.refundResult(sandbox.exchange(try connector.refundRequest(refund, now: .now())), for: refund), .processing)
        let delivered = sandbox.callbacks().map { connector.verifyCallback($0.asRequest, now: .now()) }
        XCTAssertEqual(delivered.count, 2)
        guard case .verified(.refundSucceeded)? = delivered.first, case .verified(.paymentSucceeded)? = delivered.last else {
            return XCTFail("expected the refund callback first: \(delivered)")
        }
    }

    func testQueriesAnsweredForAnotherOrderNameThatOrder() throws {
        for channel in Channel.allCases {
            let connector = SandboxFixture.connector(channel)
            let asked = SandboxFixture.order(channel)
            let other = SandboxFixture.order(channel)
            _ = try sandbox.prepay(connector, asked)
            sandbox.pay(try sandbox.prepay(connector, other), result: "success")
            // The fault names orders by their number at the channel (docs/API.md section 9).
            let number = ChannelOrderReference(channel)
            let (askedNumber, otherNumber) = (number.payment(asked.paymentId), number.payment(other.paymentId))
            let misdirected = #"{"misdirected_query": {"asked": "\#(askedNumber)", "answered": "\#(otherNumber)"}}"#
            XCTAssertEqual(sandbox.setFaults(misdirected).status, 200)
            // Only that order's query is misdirected: the other order's own query is answered as usual.
            guard
                case .paid = connector.queryResult(
                    sandbox.exchange(try connector.queryRequest(SandboxFixture.reference(other), now: .now())),
                    for: other.paymentId)
            else { return XCTFail("\(channel): the other order's own query") }
            // Signed and well formed, about the other order: read for ours it says nothing; read for
            // the order it names, it is that order's payment.
            let response = sandbox.exchange(try connector.queryRequest(SandboxFixture.reference(asked), now: .now()))
            XCTAssertEqual(
                connector.queryResult(response, for: asked.paymentId),
                .unknown(reason: "the answer is about order \(otherNumber), not \(asked.paymentId.text)"), "\(channel)")
            guard case .paid(let paid) = connector.queryResult(response, for: other.paymentId) else {
                return XCTFail("\(channel): not paid")
            }
            XCTAssertEqual(paid.paymentId, other.paymentId, "\(channel)")
            XCTAssertEqual(sandbox.setFaults("{}").status, 200)
            let own = connector.queryResult(
                sandbox.exchange(try connector.queryRequest(SandboxFixture.reference(asked), now: .now())), for: asked.paymentId)
            XCTAssertEqual(own, .notPaid, "\(channel)")
        }
        XCTAssertEqual(sandbox.setFaults(#"{"misdirected_query": {"asked": "pay_1"}}"#).status, 400)
        XCTAssertEqual(sandbox.setFaults(#"{"misdirected_query": {"asked": "pay_1", "answered": "pay_1"}}"#).status, 400)
        XCTAssertEqual(sandbox.setFaults(#"{"misdirected_query": {"asked": "pay_1", "answered": "pay_2", "extra": "x"}}"#).status, 400)
        let read = sandbox.setFaults(#"{"misdirected_query": {"asked": "pay_1", "answered": "pay_2"}}"#)
        XCTAssertTrue(
            String(decoding: read.body, as: UTF8.self).hasSuffix(
                #""misdirected_query":{"asked":"pay_1","answered":"pay_2"},"misdirected_refund":null,"statement":null}"#))
    }

    func testFaultsReadBackAndRefuseUnknownKnobs() {
        let set = sandbox.setFaults(#"{"latency_ms": 1, "timeout_ms": 1, "channel": "alipay"}"#)
        XCTAssertEqual(set.status, 200)
        let read = sandbox.handler.handle(HTTPRequest(method: "GET", requestURI: "/sandbox/faults"))
        XCTAssertEqual(
            String(decoding: read.body, as: UTF8.self),
            #"{"channel":"alipay","latency_ms":1,"timeout_ms":1,"status_5xx":0,"duplicate_callbacks":0,"out_of_order_callbacks":false,"callback_amount_delta":0,"drop_callbacks":false,"pay_closed_orders":false,"refund_result":"success","misdirected_query":null,"misdirected_refund":null,"statement":null}"#
        )
        XCTAssertEqual(sandbox.setFaults(#"{"latency": 1}"#).status, 400)
        XCTAssertEqual(sandbox.setFaults(#"{"status_5xx": 404}"#).status, 400)
        // The held answer is still the real one.
        XCTAssertNoThrow(try sandbox.prepay(SandboxFixture.alipay(), SandboxFixture.order(.alipay)))
    }
}
