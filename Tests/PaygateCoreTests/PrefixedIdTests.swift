import XCTest

@testable import PaygateCore

final class PrefixedIdTests: XCTestCase {
    private let sample = "pay_0123456789ab023efedcba9876543210"

    func testFormat() {
        let id = PaymentId(millisecondsSinceEpoch: 0x0123_4567_89ab, slot: 574, random: 0xfedc_ba98_7654_3210)
        XCTAssertEqual(id.text, sample)
        XCTAssertEqual(id.text.utf8.count, 36)
        XCTAssertEqual(PaymentId.length, 36)
        XCTAssertTrue(id.text.hasPrefix("pay_"))
        XCTAssertTrue(id.text.dropFirst(4).allSatisfy { "0123456789abcdef".contains($0) })
        XCTAssertEqual(id.description, sample)
    }

    func testPadding() {
        let id = PaymentId(millisecondsSinceEpoch: 1, slot: 0, random: 2)
        XCTAssertEqual(id.text, "pay_000000000001" + "0000" + "0000000000000002")
        let top = PaymentId(millisecondsSinceEpoch: 0xffff_ffff_ffff, slot: 65_535, random: .max)
        XCTAssertEqual(top.text, "pay_" + String(repeating: "f", count: 32))
    }

    func testSlotAndMillisecondsRoundTrip() {
        let millis: Int64 = 1_798_761_599_123
        for slot in [0, 1, 255, 574, 1023, 4096, 65_535] {
            let id = PaymentId(millisecondsSinceEpoch: millis, slot: slot, random: 0x1234)
            XCTAssertEqual(id.slot, slot)
            XCTAssertEqual(id.millisecondsSinceEpoch, millis)
            XCTAssertEqual(PaymentId(id.text), id)
            XCTAssertEqual(PaymentId(id.text)?.slot, slot)
        }
        // The e2e helper reads the slot as int(id[16:20], 16).
        XCTAssertEqual(PaymentId(sample)?.slot, 0x023e)
        XCTAssertEqual(PaymentId(sample)?.millisecondsSinceEpoch, 0x0123_4567_89ab)
    }

    func testOrderingFollowsTime() {
        let earlier = PaymentId(millisecondsSinceEpoch: 1_700_000_000_000, slot: 1023, random: .max)
        let later = PaymentId(millisecondsSinceEpoch: 1_700_000_000_001, slot: 0, random: 0)
        XCTAssertLessThan(earlier, later)
        XCTAssertLessThan(earlier.text, later.text)
        let ids = (0..<50).map {
            PaymentId(millisecondsSinceEpoch: 1_700_000_000_000 + Int64($0) * 977, slot: ($0 * 37) % 1024, random: UInt64($0 * 7919))
        }
        XCTAssertEqual(ids.shuffled().sorted(), ids)
    }

    func testMalformedIdsAreRefused() {
        XCTAssertNotNil(PaymentId(sample))
        XCTAssertNil(PaymentId(""))
        XCTAssertNil(PaymentId(String(sample.dropLast())))  // 35
        XCTAssertNil(PaymentId(sample + "0"))  // 37
        XCTAssertNil(PaymentId("pay_0123456789AB023efedcba9876543210"))  // uppercase
        XCTAssertNil(PaymentId("PAY_0123456789ab023efedcba9876543210"))
        XCTAssertNil(PaymentId("pay_0123456789ag023efedcba9876543210"))  // non-hex
        XCTAssertNil(PaymentId("pay-0123456789ab023efedcba9876543210"))
        XCTAssertNil(PaymentId("ref_0123456789ab023efedcba9876543210"))
        XCTAssertNil(PaymentId("0123456789ab023efedcba98765432100000"))  // no prefix, 36 hex
        XCTAssertNil(PaymentId("pay_0123456789ab023efedcba987654321 "))
        XCTAssertNil(PaymentId("pay_0123456789ab023efedcba98765432\u{e9}"))  // 36 bytes, not hex
        XCTAssertNil(PaymentId("pay_0123456789ab023efedcba987654321\u{0}"))
    }

    func testHex() {
        XCTAssertEqual(Hex.encode(0, digits: 4), "0000")
        XCTAssertEqual(Hex.encode(0xabc, digits: 4), "0abc")
        XCTAssertEqual(Hex.encode(.max, digits: 16), "ffffffffffffffff")
    }

    func testEveryKindHasItsPrefixAndNoOtherKindsText() {
        let payment = PaymentId(millisecondsSinceEpoch: 1_798_761_599_123, slot: 574, random: 9)
        let refund = RefundId(millisecondsSinceEpoch: 1_798_761_599_123, slot: 574, random: 9)
        XCTAssertEqual(refund.text, "ref_" + payment.text.dropFirst(4))
        XCTAssertEqual(refund.slot, 574)
        XCTAssertNil(RefundId(payment.text), "a payment id is not a refund id")
        XCTAssertNil(PaymentId(refund.text))
        let event = EventId(randomBytes: Array(repeating: 0xAB, count: 16))
        XCTAssertEqual(event.text, "evt_" + String(repeating: "ab", count: 16))
        XCTAssertEqual(EventId(event.text), event)
        let merchant = MerchantId(randomBytes: Array(0..<12))
        XCTAssertEqual(merchant.text, "mch_000102030405060708090a0b")
        XCTAssertEqual(MerchantId.length, 28)
        XCTAssertEqual(MerchantId(merchant.text), merchant)
        XCTAssertNil(MerchantId(merchant.text + "0"), "one digit too many")
        XCTAssertNil(MerchantId("mch_000102030405060708090A0B"), "upper-case hex is not ours")
        XCTAssertNil(JournalEntryId("jnl_" + String(repeating: "g", count: 32)))
    }

    func testHexIsOneEncoderBothWays() {
        let bytes: [UInt8] = [0x00, 0x0f, 0xa0, 0xff]
        XCTAssertEqual(Hex.encode(bytes), "000fa0ff")
        XCTAssertEqual(Hex.decode("000fa0ff"), bytes)
        XCTAssertEqual(Hex.decode("000FA0FF"), bytes)
        XCTAssertNil(Hex.decode("abc"))
        XCTAssertEqual(Hex.value(ofLowercase: Array("0abc".utf8)), 0xabc)
        XCTAssertTrue(Hex.isLowercase(Array("09af".utf8)))
        XCTAssertFalse(Hex.isLowercase(Array("09aF".utf8)))
    }
}
