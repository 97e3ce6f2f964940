import PaygateCore
import PaygateCrypto
import XCTest

@testable import Channels

final class VerificationKeySetTests: XCTestCase {
    let message = Array("timestamp\nnonce\nbody\n".utf8)

    func testKeyIdChoosesTheKeyAndUnknownIdsFail() throws {
        let keys = Fixtures.rotatedKeys(style: .exact, currentId: "k2", retiredId: "k1")
        let current = try TestKeys.channelCurrent.signSHA256(message)
        XCTAssertTrue(keys.verify(signature: current, message: message, keyId: "k2", now: Fixtures.now))
        XCTAssertFalse(keys.verify(signature: current, message: message, keyId: "k1", now: Fixtures.now))
        XCTAssertFalse(keys.verify(signature: current, message: message, keyId: "k3", now: Fixtures.now))
        XCTAssertTrue(keys.verify(signature: current, message: message, keyId: nil, now: Fixtures.now))
        XCTAssertFalse(keys.verify(signature: current, message: Array("other".utf8), keyId: nil, now: Fixtures.now))
    }

    func testRetiredKeyIsAcceptedUntilItsGraceEnds() throws {
        let keys = Fixtures.rotatedKeys(style: .exact, currentId: "k2", retiredId: "k1")
        let retired = try TestKeys.channelRetired.signSHA256(message)
        for keyId in ["k1", nil] as [String?] {
            XCTAssertTrue(keys.verify(signature: retired, message: message, keyId: keyId, now: Fixtures.now.adding(seconds: 3600)))
            XCTAssertFalse(keys.verify(signature: retired, message: message, keyId: keyId, now: Fixtures.now.adding(seconds: 3601)))
        }
        // A second rotation after the grace drops the expired key instead of keeping it forever.
        let again = keys.rotated(
            to: VerificationKey(id: "k3", publicKey: TestKeys.merchant.publicKey), now: Fixtures.now.adding(seconds: 7200), graceSeconds: 60
        )
        XCTAssertEqual(again.keys.map(\.id), ["k3", "k2"])
        XCTAssertEqual(again.keys[1].acceptedUntil, Fixtures.now.adding(seconds: 7260))
    }

    func testHexSerialsIgnoreCaseAndLeadingZeros() throws {
        let keys = Fixtures.rotatedKeys(style: .hexSerial, currentId: "0ABC12", retiredId: "01")
        let current = try TestKeys.channelCurrent.signSHA256(message)
        XCTAssertTrue(keys.verify(signature: current, message: message, keyId: "abc12", now: Fixtures.now))
        XCTAssertFalse(keys.verify(signature: current, message: message, keyId: "abc13", now: Fixtures.now))
    }

    func testDescriptionsShowNoKeyMaterial() throws {
        let keys = Fixtures.rotatedKeys(style: .exact, currentId: "k2", retiredId: "k1")
        let publicKeyText = try TestKeys.channelCurrent.publicKey.pemSPKI()
        let keyLine = String(publicKeyText.split(separator: "\n")[1])
        let account = AlipayAccount(appId: "app", gatewayURL: "https://x.test", privateKey: TestKeys.merchant, alipayKeys: keys)
        for text in [String(describing: keys), String(describing: account), String(reflecting: account)] {
            XCTAssertFalse(text.contains(keyLine), text)
            XCTAssertFalse(text.contains("PRIVATE"), text)
        }
    }
}

final class ChannelAmountTests: XCTestCase {
    func testAmountsConvertExactlyBothWays() throws {
        let money = Money(minorUnits: 1230, currency: .cny)
        XCTAssertEqual(try ChannelAmount.yuanText(money), "12.30")
        XCTAssertEqual(try ChannelAmount.fen(money), 1230)
        XCTAssertEqual(ChannelAmount.parseYuan("12.30"), money)
        XCTAssertEqual(ChannelAmount.parseYuan("12.3"), money)
        XCTAssertEqual(ChannelAmount.parseFen("1230"), money)
        // Values that a Double would round: 0.1 + 0.2 style and the largest amount.
        XCTAssertEqual(ChannelAmount.parseYuan("0.29")?.minorUnits, 29)
        XCTAssertEqual(ChannelAmount.parseYuan("100000000.01")?.minorUnits, 10_000_000_001)
        XCTAssertEqual(try ChannelAmount.yuanText(Money(minorUnits: 10_000_000_001, currency: .cny)), "100000000.01")
        XCTAssertEqual(ChannelAmount.parseYuan("0.00")?.minorUnits, 0)
        for bad in ["12.301", "-1.00", "1e3", " 12.30", "12,30", ""] { XCTAssertNil(ChannelAmount.parseYuan(bad), bad) }
        for bad in ["12.30", "-5", "+5", "123456789012", ""] { XCTAssertNil(ChannelAmount.parseFen(bad), bad) }
        XCTAssertThrowsError(try ChannelAmount.fen(Money(minorUnits: 1500, currency: .jpy)))
        XCTAssertThrowsError(try ChannelAmount.yuanText(Money(minorUnits: 1230, currency: .usd)))
    }
}

final class ChinaTimeTests: XCTestCase {
    func testFormatsAndParsesInUTCPlus8() {
        XCTAssertEqual(ChinaTime.dateTime(Fixtures.now), "2026-11-27 23:14:47")
        XCTAssertEqual(ChinaTime.compact(Fixtures.now), "20261127231447")
        XCTAssertEqual(ChinaTime.rfc3339(Fixtures.now), "2026-11-27T23:14:47+08:00")
        // 20:00 UTC is already the next day in China.
        XCTAssertEqual(ChinaTime.compact(Fixtures.now.adding(seconds: 5 * 3600)), "20261128041447")
        XCTAssertEqual(ChinaTime.parseDateTime("2026-11-27 23:14:47"), Fixtures.now)
        XCTAssertEqual(ChinaTime.parseCompact("20261127231447"), Fixtures.now)
        XCTAssertEqual(ChinaTime.parseRFC3339("2026-11-27T23:14:47+08:00"), Fixtures.now)
        XCTAssertEqual(ChinaTime.parseRFC3339("2026-11-27T15:14:47Z"), Fixtures.now)
        XCTAssertEqual(ChinaTime.parseRFC3339("2026-11-27T10:14:47-05:00"), Fixtures.now)
        XCTAssertNil(ChinaTime.parseRFC3339("2026-11-27T23:14:47"))
        XCTAssertNil(ChinaTime.parseCompact("2026112723144"))
    }
}
