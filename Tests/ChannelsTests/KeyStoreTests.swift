import Foundation
import PaygateCore
import PaygateCrypto
import Setup
import XCTest

@testable import Channels

/// The key store against the files `paygate-admin init` writes (the Setup module) and the
/// `channels` section it writes into paygate.json, so the writer and the loader are checked together.
/// The master keys of the shared stack: they open our sealed private keys and APIv3 key.
func stackMasterKeys() throws -> KeyRing {
    let root = try KeyStoreTests.stack.get().root
    return try KeyRing(location: KeyRingLocation(firstKeyFile: root + "/secrets/master.key", directory: root + "/secrets/master-keys"))
}

final class KeyStoreTests: XCTestCase {
    /// One generated root shared by every test (key generation is the slow part); tests that
    /// change files work on copies.
    struct Stack: Sendable {
        var root: String
        var sectionJSON: String
    }

    static let stack: Result<Stack, StackError> = makeStack()

    struct StackError: Error, CustomStringConvertible {
        var description: String
    }

    private static func makeStack() -> Result<Stack, StackError> {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("paygate-keystore-\(UUID().uuidString)").path
        // Test keys protect nothing, but they do not outlive the test process either.
        atexit {
            if case .success(let stack) = KeyStoreTests.stack {
                try? FileManager.default.removeItem(atPath: stack.root)
            }
        }
        do {
            let layout = try StackLayout(root: root)
            let options = InitOptions(port: 18443, sandboxPort: 9443)
            _ = try StackInit.run(layout, options)
            // Running init again must change nothing (checked below through the serials).
            _ = try StackInit.run(layout, options)
            for channel in Channel.allCases {
                try ChannelKeyRotation.rotate(layout, channel: channel, now: .now())
            }
            _ = try StackInit.run(layout, options)
            let file =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: layout.configurationFile))) as? [String: Any]
            let section = try JSONSerialization.data(withJSONObject: file?["channels"] ?? [:])
            return .success(Stack(root: root, sectionJSON: String(decoding: section, as: UTF8.self)))
        } catch {
            return .failure(StackError(description: "\(error)"))
        }
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw StackError(description: "\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private func configuration(_ edit: (inout ChannelsConfiguration) -> Void = { _ in }) throws -> ChannelsConfiguration {
        let stack = try Self.stack.get()
        var configuration = try JSONDecoder().decode(ChannelsConfiguration.self, from: Data(stack.sectionJSON.utf8))
        edit(&configuration)
        return configuration
    }

    private func path(_ relative: String) throws -> String {
        try Self.stack.get().root + "/channels/" + relative
    }

    /// A copy of a generated file in a fresh directory, with `mode`.
    private func copy(_ relative: String, mode: Int, contents: [UInt8]? = nil) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paygate-keystore-copy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let target = directory + "/" + (relative as NSString).lastPathComponent
        let bytes = try contents ?? Array(Data(contentsOf: URL(fileURLWithPath: try path(relative))))
        XCTAssertTrue(FileManager.default.createFile(atPath: target, contents: Data(bytes), attributes: [.posixPermissions: mode]))
        return target
    }

    private func loadError(_ configuration: ChannelsConfiguration, now: Timestamp = .now()) -> KeyStoreError? {
        guard let masterKeys = try? stackMasterKeys() else { return KeyStoreError(.keyUnreadable, "no master keys") }
        do {
            _ = try ChannelKeyStore.load(configuration: configuration, now: now, masterKeys: masterKeys)
            return nil
        } catch {
            return error
        }
    }

    private func certificate(_ relative: String) throws -> X509Certificate {
        try X509Certificate(pem: Array(Data(contentsOf: URL(fileURLWithPath: try path(relative)))))
    }

    private func privateKey(_ relative: String) throws -> RSAPrivateKey {
        let contents = Secret(Array(try Data(contentsOf: URL(fileURLWithPath: try path(relative)))))
        return try RSAPrivateKey(pem: SealedKeyFile.open(contents, keys: stackMasterKeys()))
    }

    // MARK: the generated files

    func testGeneratedFilesAreOwnerOnly() throws {
        let root = try Self.stack.get().root
        var modes: [String: Int] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root + "/channels")
        while let name = enumerator?.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: root + "/channels/" + name)
            modes[name] = (attributes[.posixPermissions] as? Int) ?? -1
        }
        // directories + alipay, wechatpay (with the sandbox's copy of the APIv3 key), unionpay files
        XCTAssertEqual(modes.count, 3 + 7 + 9 + 7)
        for (name, mode) in modes {
            let isDirectory = !name.contains(".")
            XCTAssertEqual(mode, isDirectory ? 0o700 : 0o600, name)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: try path("wechatpay/sandbox-apiv3.key"))).count, 32)
    }

    func testSerialsAreTheOnesOpenSSLPrints() throws {
        let store = try ChannelKeyStore.load(configuration: try configuration(), now: .now(), masterKeys: try stackMasterKeys())
        let wechatSerial = try Self.run("/usr/bin/openssl", ["x509", "-noout", "-serial", "-in", try path("wechatpay/merchant.pem")])
        XCTAssertEqual("serial=" + store.weChatPay.merchantCertificateSerial, wechatSerial.trimmingCharacters(in: .whitespacesAndNewlines))
        let unionSerial = try Self.run("/usr/bin/openssl", ["x509", "-noout", "-serial", "-in", try path("unionpay/merchant.pem")])
        let hex = String(unionSerial.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst("serial=".count))
        // UnionPay serials are 8 bytes, so the decimal certId fits a UInt64.
        XCTAssertEqual(store.unionPay.signingCertificateId, UInt64(hex, radix: 16).map(String.init))
        let platform = try certificate("wechatpay/platform.pem")
        XCTAssertNotNil(store.weChatPay.platformKeys.key(id: platform.serialNumberHex.lowercased(), now: .now()))
        XCTAssertNotNil(store.unionPay.verificationKeys.key(id: try certificate("unionpay/platform.pem").serialNumberDecimal, now: .now()))
    }

    // MARK: loading

    func testLoadsTheThreeAccounts() throws {
        let store = try ChannelKeyStore.load(configuration: try configuration(), now: .now(), masterKeys: try stackMasterKeys())
        XCTAssertEqual(store.alipay.appId, "2021000000000001")
        XCTAssertEqual(store.alipay.gatewayURL, "https://127.0.0.1:9443/alipay/gateway.do")
        XCTAssertEqual(store.weChatPay.merchantId, "1900000001")
        XCTAssertEqual(store.weChatPay.appId, "wx8888888888888888")
        XCTAssertEqual(store.weChatPay.baseURL, "https://127.0.0.1:9443/wechatpay")
        XCTAssertEqual(store.weChatPay.apiV3Key.count, 32)
        XCTAssertEqual(store.unionPay.merchantId, "777290058110048")
        XCTAssertEqual(store.unionPay.baseURL, "https://127.0.0.1:9443/unionpay/gateway/api")
        XCTAssertEqual(store.weChatPay.merchantCertificateSerial, try certificate("wechatpay/merchant.pem").serialNumberHex)
        XCTAssertEqual(store.unionPay.signingCertificateId, try certificate("unionpay/merchant.pem").serialNumberDecimal)
        // Our keys sign what the channel (the sandbox) verifies with our public half.
        let message = Array("k=v&x=y".utf8)
        let alipayPublic = try RSAPublicKey(pem: Array(Data(contentsOf: URL(fileURLWithPath: try path("alipay/merchant.pub")))))
        XCTAssertTrue(alipayPublic.verifySHA256(signature: try store.alipay.privateKey.signSHA256(message), message: message))
        XCTAssertTrue(
            try certificate("unionpay/merchant.pem").publicKey
                .verifySHA256(signature: try store.unionPay.privateKey.signSHA256(message), message: message))
        // Each current set holds the current and the previous key, current first.
        XCTAssertEqual(store.alipay.alipayKeys.keys.map { $0.acceptedUntil == nil }, [true, false])
        XCTAssertEqual(store.weChatPay.platformKeys.keys.map { $0.acceptedUntil == nil }, [true, false])
        XCTAssertEqual(store.unionPay.verificationKeys.keys.map { $0.acceptedUntil == nil }, [true, false])
    }

    func testNoTextualFormShowsKeyMaterial() throws {
        let store = try ChannelKeyStore.load(configuration: try configuration(), now: .now(), masterKeys: try stackMasterKeys())
        let apiV3Key = String(decoding: try Data(contentsOf: URL(fileURLWithPath: try path("wechatpay/sandbox-apiv3.key"))), as: UTF8.self)
        for text in [store.description, "\(store)", String(reflecting: store), "\(store.weChatPay)", "\(store.alipay)"] {
            XCTAssertFalse(text.contains(apiV3Key), text)
            XCTAssertFalse(text.contains("PRIVATE KEY"), text)
            XCTAssertFalse(text.contains("MII"), text)  // the start of every base64 DER key
        }
        XCTAssertTrue(store.description.contains("keys: <redacted>"))
    }

    func testPreviousKeyIsAcceptedDuringTheGraceOnly() throws {
        let configuration = try configuration { $0.verificationKeyGraceSeconds = 600 }
        let store = try ChannelKeyStore.load(configuration: configuration, now: .now(), masterKeys: try stackMasterKeys())
        let message = Array("timestamp\nnonce\nbody\n".utf8)
        let cases: [(String, ChannelsConfiguration.VerificationKeyFile, VerificationKeySet, String?)] = [
            ("alipay", configuration.alipay.verificationKeys[1], store.alipay.alipayKeys, nil),
            (
                "wechatpay", configuration.wechatpay.verificationKeys[1], store.weChatPay.platformKeys,
                try certificate("wechatpay/platform-previous.pem").serialNumberHex
            ),
            (
                "unionpay", configuration.unionpay.verificationKeys[1], store.unionPay.verificationKeys,
                try certificate("unionpay/platform-previous.pem").serialNumberDecimal
            ),
        ]
        for (channel, file, keys, keyId) in cases {
            let retiredAt = try XCTUnwrap(file.retiredAtTimestamp, channel)
            let lastAccepted = retiredAt.adding(seconds: 600)
            let previous = try privateKey("\(channel)/platform-previous.key").signSHA256(message)
            let current = try privateKey("\(channel)/platform.key").signSHA256(message)
            let currentId = channel == "alipay" ? nil : keys.keys[0].id
            XCTAssertTrue(keys.verify(signature: previous, message: message, keyId: keyId, now: retiredAt), channel)
            XCTAssertTrue(keys.verify(signature: previous, message: message, keyId: keyId, now: lastAccepted), channel)
            XCTAssertFalse(keys.verify(signature: previous, message: message, keyId: keyId, now: lastAccepted.adding(seconds: 1)), channel)
            XCTAssertTrue(
                keys.verify(signature: current, message: message, keyId: currentId, now: lastAccepted.adding(seconds: 1)), channel)
        }
    }

    func testZeroGraceEndsThePreviousKeyAtItsRetirement() throws {
        let configuration = try configuration { $0.verificationKeyGraceSeconds = 0 }
        let store = try ChannelKeyStore.load(configuration: configuration, now: .now(), masterKeys: try stackMasterKeys())
        let retiredAt = try XCTUnwrap(configuration.alipay.verificationKeys[1].retiredAtTimestamp)
        XCTAssertEqual(store.alipay.alipayKeys.keys[1].acceptedUntil, retiredAt)
    }

    // MARK: refusals

    func testRefusesPrivateKeysReadableByOthers() throws {
        let open = try copy("unionpay/merchant.key", mode: 0o644)
        let error = loadError(try configuration { $0.unionpay.privateKeyFile = open })
        XCTAssertEqual(error?.code, .filePermissionsTooOpen)
        XCTAssertTrue(error?.message.contains("0644") ?? false)
        XCTAssertFalse(error?.message.contains("PRIVATE") ?? true)

        let groupReadable = try copy("wechatpay/apiv3.key", mode: 0o640)
        XCTAssertEqual(loadError(try configuration { $0.wechatpay.apiV3KeyFile = groupReadable })?.code, .filePermissionsTooOpen)
        // Public halves may be world-readable.
        let publicCopy = try copy("alipay/platform.pub", mode: 0o644)
        XCTAssertNil(loadError(try configuration { $0.alipay.verificationKeys[0].file = publicCopy }))
    }

    func testRefusesBadFiles() throws {
        let missing = try path("alipay/absent.key")
        XCTAssertEqual(loadError(try configuration { $0.alipay.privateKeyFile = missing })?.code, .fileUnreadable)
        let notAKey = try copy("wechatpay/merchant.pem", mode: 0o600)
        XCTAssertEqual(loadError(try configuration { $0.wechatpay.privateKeyFile = notAKey })?.code, .keyUnreadable)
        let notACertificate = try copy("unionpay/platform.key", mode: 0o600)
        XCTAssertEqual(
            loadError(try configuration { $0.unionpay.verificationKeys[0].file = notACertificate })?.code, .certificateUnreadable)
        let large = try copy("alipay/merchant.key", mode: 0o600, contents: [UInt8](repeating: 0x41, count: KeyFile.fileBytesMax + 1))
        XCTAssertEqual(loadError(try configuration { $0.alipay.privateKeyFile = large })?.code, .fileTooLarge)
        let short = try copy("wechatpay/apiv3.key", mode: 0o600, contents: Array("0123456789abcdef".utf8))
        let error = loadError(try configuration { $0.wechatpay.apiV3KeyFile = short })
        XCTAssertEqual(error?.code, .apiV3KeyInvalid)
        XCTAssertFalse(error?.message.contains("0123456789abcdef") ?? true)
        let withNewline = try copy("wechatpay/apiv3.key", mode: 0o600, contents: Array(String(repeating: "k", count: 32).utf8) + [0x0A])
        XCTAssertNil(loadError(try configuration { $0.wechatpay.apiV3KeyFile = withNewline }))
    }

    func testRefusesAccountsThatDoNotHangTogether() throws {
        let otherKey = try path("wechatpay/merchant.key")
        XCTAssertEqual(loadError(try configuration { $0.unionpay.privateKeyFile = otherKey })?.code, .accountInvalid)
        // The same certificate twice, under two file names.
        let again = try copy("wechatpay/platform.pem", mode: 0o600)
        let duplicate = try configuration {
            $0.wechatpay.verificationKeys[1] = ChannelsConfiguration.VerificationKeyFile(file: again, retiredAt: "2026-01-01T00:00:00Z")
        }
        XCTAssertEqual(loadError(duplicate)?.code, .accountInvalid)
        let twoCurrent = try configuration { $0.alipay.verificationKeys[1].retiredAt = nil }
        XCTAssertEqual(loadError(twoCurrent)?.code, .accountInvalid)
    }

    func testRefusesCertificatesOutsideTheirValidity() throws {
        let certificate = try certificate("unionpay/merchant.pem")
        let after = Timestamp(secondsSinceEpoch: certificate.notAfterUnixSeconds + 1)
        XCTAssertEqual(loadError(try configuration(), now: after)?.code, .certificateNotValidNow)
        let before = Timestamp(secondsSinceEpoch: certificate.notBeforeUnixSeconds - 86_400)
        XCTAssertEqual(loadError(try configuration(), now: before)?.code, .certificateNotValidNow)
    }
}
