import Foundation
import PaygateCore
import PaygateCrypto
import XCTest

@testable import Channels

/// The optional `channels` section of the whole configuration file (PaygateCore).
final class ChannelsConfigurationTests: XCTestCase {
    private func configurationJSON(channels: String?) -> String {
        """
        {"master_key_file": "/srv/paygate/secrets/master.key",
         "pool": {"socket_path": "/srv/paygate/run/paygate.sock"},
         "database": {"servers": [{"name": "s0", "socket": "/srv/s0.sock", "user": "root"}],
                      "directory": {"server": "s0", "database": "paygate_directory"},
                      "shards": [{"name": "shard0", "server": "s0", "database": "paygate_shard_0"}],
                      "slot_map": [{"first": 0, "last": 1023, "shard": "shard0"}]}\(channels.map { ", \"channels\": \($0)" } ?? "")}
        """
    }

    private func decode(_ text: String) throws -> Configuration {
        try JSONDecoder().decode(Configuration.self, from: Data(text.utf8))
    }

    private func section(_ edit: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        var object = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(try KeyStoreTests.stack.get().sectionJSON.utf8)) as? [String: Any])
        edit(&object)
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    func testAbsentSectionIsNil() throws {
        let configuration = try decode(configurationJSON(channels: nil))
        XCTAssertNil(configuration.channels)
        XCTAssertNoThrow(try configuration.validate())
    }

    func testPresentSectionDecodesEveryField() throws {
        let root = try KeyStoreTests.stack.get().root
        let configuration = try decode(configurationJSON(channels: try section()))
        XCTAssertNoThrow(try configuration.validate())
        let channels = try XCTUnwrap(configuration.channels)
        XCTAssertEqual(channels.caFile, root + "/tls/ca.pem")
        XCTAssertEqual(channels.callbackBaseURL, "https://127.0.0.1:18443/callbacks")
        XCTAssertEqual(channels.connectTimeoutMilliseconds, 3000)
        XCTAssertEqual(channels.totalTimeoutMilliseconds, 5000)
        XCTAssertEqual(channels.verificationKeyGraceSeconds, 86_400)
        XCTAssertEqual(channels.alipay.privateKeyFile, root + "/channels/alipay/merchant.key")
        XCTAssertEqual(
            channels.alipay.verificationKeys.map(\.file),
            [root + "/channels/alipay/platform.pub", root + "/channels/alipay/platform-previous.pub"])
        XCTAssertNil(channels.alipay.verificationKeys[0].retiredAt)
        XCTAssertNotNil(channels.alipay.verificationKeys[1].retiredAtTimestamp)
        XCTAssertEqual(channels.wechatpay.merchantId, "1900000001")
        XCTAssertEqual(channels.wechatpay.certificateFile, root + "/channels/wechatpay/merchant.pem")
        XCTAssertEqual(channels.wechatpay.apiV3KeyFile, root + "/channels/wechatpay/apiv3.key")
        XCTAssertEqual(channels.unionpay.merchantId, "777290058110048")
        XCTAssertEqual(channels.unionpay.verificationKeys.count, 2)
    }

    func testDocumentedDefaults() throws {
        let text = try section {
            for key in ["connect_timeout_milliseconds", "total_timeout_milliseconds", "verification_key_grace_seconds"] {
                $0.removeValue(forKey: key)
            }
        }
        let channels = try XCTUnwrap(try decode(configurationJSON(channels: text)).channels)
        XCTAssertEqual(channels.connectTimeoutMilliseconds, 3000)
        XCTAssertEqual(channels.totalTimeoutMilliseconds, 5000)
        XCTAssertEqual(channels.verificationKeyGraceSeconds, 86_400)
    }

    func testValidationRefusesWhatCannotWork() throws {
        let broken: [(String, (inout [String: Any]) -> Void)] = [
            ("connect_timeout", { $0["connect_timeout_milliseconds"] = 0 }),
            ("connect_timeout", { $0["connect_timeout_milliseconds"] = 5000 }),
            ("grace", { $0["verification_key_grace_seconds"] = -1 }),
            ("ca_file", { $0["ca_file"] = "tls/ca.pem" }),
            ("callback_base_url", { $0["callback_base_url"] = "http://127.0.0.1/callbacks" }),
            ("app_id", { Self.edit(&$0, "alipay") { $0["app_id"] = "" } }),
            ("private_key_file", { Self.edit(&$0, "unionpay") { $0["private_key_file"] = "" } }),
            ("exactly one current", { Self.edit(&$0, "wechatpay") { $0["verification_keys"] = [["file": "/a"], ["file": "/b"]] } }),
            (
                "retired_at",
                { Self.edit(&$0, "wechatpay") { $0["verification_keys"] = [["file": "/a"], ["file": "/b", "retired_at": "yesterday"]] } }
            ),
            ("1 to 8 keys", { Self.edit(&$0, "alipay") { $0["verification_keys"] = [[String: String]]() } }),
        ]
        for (expected, edit) in broken {
            let configuration = try decode(configurationJSON(channels: try section(edit)))
            XCTAssertThrowsError(try configuration.validate(), expected) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error) should mention \(expected)")
            }
        }
    }

    private static func edit(_ object: inout [String: Any], _ channel: String, _ change: (inout [String: Any]) -> Void) {
        var account = object[channel] as? [String: Any] ?? [:]
        change(&account)
        object[channel] = account
    }
}
