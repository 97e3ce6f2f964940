import XCTest
@testable import PaygateCore

final class PaymentIdTests: XCTestCase {
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
        let ids = (0..<50).map { PaymentId(millisecondsSinceEpoch: 1_700_000_000_000 + Int64($0) * 977, slot: ($0 * 37) % 1024, random: UInt64($0 * 7919)) }
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
        XCTAssertEqual(hex(0, digits: 4), "0000")
        XCTAssertEqual(hex(0xabc, digits: 4), "0abc")
        XCTAssertEqual(hex(.max, digits: 16), "ffffffffffffffff")
    }
}
