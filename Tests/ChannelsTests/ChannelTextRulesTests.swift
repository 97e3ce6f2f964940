import Channels
import PaygateCore
import XCTest

final class ChannelTextRulesTests: XCTestCase {
    func testAlipayRefusesTheCharactersThatSplitItsSignedText() {
        XCTAssertNil(ChannelTextRules.subjectRefusal("Coffee 咖啡, cake", channel: .alipay))
        for subject in ["tea & cake", "size=L", "&", "="] {
            XCTAssertNotNil(ChannelTextRules.subjectRefusal(subject, channel: .alipay), subject)
        }
    }

    func testWeChatPayCountsBytesNotCharacters() {
        let fits = String(repeating: "支", count: 42) + "x"  // 42 × 3 + 1 = 127 bytes
        XCTAssertEqual(fits.utf8.count, 127)
        XCTAssertNil(ChannelTextRules.subjectRefusal(fits, channel: .wechatpay))
        XCTAssertNotNil(ChannelTextRules.subjectRefusal(fits + "x", channel: .wechatpay))
        XCTAssertNil(ChannelTextRules.subjectRefusal("tea & cake", channel: .wechatpay))
    }

    func testUnionPaySendsNoSubject() {
        XCTAssertNil(ChannelTextRules.subjectRefusal("tea & cake=" + String(repeating: "支", count: 60), channel: .unionpay))
    }
}

final class WeChatPayTextLimitTests: XCTestCase {
    func testASubjectWithACharacterBeyondTheBasicPlaneIsRefused() {
        XCTAssertNotNil(ChannelTextRules.subjectRefusal("Coffee ☕️ 🎉", channel: .wechatpay))
        XCTAssertNil(ChannelTextRules.subjectRefusal("Coffee ☕ 咖啡", channel: .wechatpay))
        XCTAssertNil(ChannelTextRules.subjectRefusal("Coffee 🎉", channel: .alipay))
    }

    func testARefundReasonIsFittedToEightyBytesWithoutEmoji() {
        XCTAssertEqual(ChannelTextRules.weChatPayRefundReason("damaged"), "damaged")
        XCTAssertEqual(ChannelTextRules.weChatPayRefundReason("broken 🎉 cup"), "broken  cup")
        XCTAssertNil(ChannelTextRules.weChatPayRefundReason("🎉"))
        // 27 Chinese characters are 81 bytes: the 27th does not fit, and none is cut in half.
        let long = String(repeating: "退", count: 27)
        XCTAssertEqual(ChannelTextRules.weChatPayRefundReason(long), String(repeating: "退", count: 26))
        XCTAssertEqual(ChannelTextRules.weChatPayRefundReason(String(repeating: "a", count: 100))?.utf8.count, 80)
    }
}
