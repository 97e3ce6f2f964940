import PaygateCore
import XCTest

@testable import Channels

final class ChannelOrderReferenceTests: XCTestCase {
    let payment = PaymentId("pay_0193a2b4c5d6000a0123456789abcdef")!
    let refund = "ref_0193a2b4c5d7000a89abcdef01234567"

    func testEachChannelSendsAnOrderNumberWithinItsLimits() {
        XCTAssertEqual(ChannelOrderReference(.alipay).payment(payment), payment.text)
        XCTAssertEqual(ChannelOrderReference(.alipay).refund(refund), refund)
        XCTAssertEqual(ChannelOrderReference(.wechatpay).payment(payment), "0193a2b4c5d6000a0123456789abcdef")
        XCTAssertEqual(ChannelOrderReference(.wechatpay).refund(refund), refund)
        XCTAssertEqual(ChannelOrderReference(.unionpay).payment(payment), "0193a2b4c5d6000a0123456789abcdef")
        XCTAssertEqual(ChannelOrderReference(.unionpay).refund(refund), "0193a2b4c5d7000a89abcdef01234567")
        // WeChat Pay: 6–32 characters; UnionPay: 8–32 letters and digits.
        for channel in [Channel.wechatpay, .unionpay] {
            let number = ChannelOrderReference(channel).payment(payment)
            XCTAssertTrue((8...32).contains(number.utf8.count) && number.utf8.allSatisfy { isalnum(Int32($0)) != 0 }, number)
        }
    }

    func testEveryFormMapsBackToTheSameId() {
        for channel in Channel.allCases {
            let reference = ChannelOrderReference(channel)
            XCTAssertEqual(reference.paymentId(reference.payment(payment)), payment)
            XCTAssertEqual(reference.refundId(reference.refund(refund)), refund)
            // An order sent by an earlier version carried the whole id.
            XCTAssertEqual(reference.paymentId(payment.text), payment)
            XCTAssertEqual(reference.refundId(refund), refund)
        }
    }

    func testAnOrderNumberThatIsNotOursMapsToNothing() {
        let reference = ChannelOrderReference(.unionpay)
        for text in [
            "", "0193a2b4c5d6000a0123456789abcde", "0193A2B4C5D6000A0123456789ABCDEF", "x193a2b4c5d6000a0123456789abcdef", "ref_x",
            "order-1",
        ] {
            XCTAssertNil(reference.paymentId(text), text)
            XCTAssertNil(reference.refundId(text), text)
        }
        // A refund's number never reads as a payment's, and the reverse, whatever the form.
        XCTAssertNil(reference.paymentId(refund))
        XCTAssertNil(reference.refundId(payment.text))
    }
}
