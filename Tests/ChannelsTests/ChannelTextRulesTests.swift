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
