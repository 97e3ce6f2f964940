import Channels
import Foundation
import PaygateCore
import PaygateCrypto
import Sandbox
import XCTest

@testable import Setup

/// `paygate-admin init` writes files, and the code that uses them reads them back.
final class StackInitTests: XCTestCase {
    func testEveryFileReadsBackThroughItsReader() throws {
        let layout = try temporaryRoot(self)
        let result = try StackInit.run(
            layout,
            options {
                $0.workers = 3
                $0.threadsPerWorker = 64
                $0.workingThreadsMax = 32
                $0.databaseConnectionsPerShard = 4
                $0.databaseConnectionWaitMilliseconds = 1000
                $0.queryScheduleSeconds = [20, 20, 20]
                $0.webhookScheduleSeconds = [1, 1, 2]
                $0.channelKeyGraceSeconds = 600
                $0.sandboxThreads = 16
                $0.sandboxCallbackSenders = 32
                $0.sandboxFastRetries = true
                $0.auditSecurityFlushSeconds = 2
                $0.auditCheckpointSeconds = 3
            })
        XCTAssertTrue(result.sandboxConfigurationChanged)
        // master key, audit checkpoint key, 3 database passwords, CA + server, 3 x 2 key pairs, APIv3
        XCTAssertEqual(result.notes.count, 1 + 1 + 3 + 2 + 3 * 2 + 1, "\(result.notes)")

        let configuration = try Configuration.load(path: layout.configurationFile)
        XCTAssertEqual(configuration.pool.workers, 3)
        XCTAssertEqual(configuration.pool.threadsPerWorker, 64)
        XCTAssertEqual(configuration.pool.workingThreadsMax, 32)
        XCTAssertEqual(configuration.pool.socketPath, layout.root + "/run/paygate.sock")
        XCTAssertEqual(configuration.database.pool.connectionsPerShard, 4)
        XCTAssertEqual(configuration.database.pool.connectionWaitMilliseconds, 1000)
        XCTAssertEqual(
            configuration.database.servers.map(\.socket),
            [layout.root + "/mariadb/s0/mysqld.sock", layout.root + "/mariadb/s1/mysqld.sock"])
        XCTAssertEqual(configuration.database.slotMap.map(\.last), [255, 511, 767, 1023])
        XCTAssertEqual(configuration.queries.scheduleSeconds, [20, 20, 20])
        XCTAssertEqual(configuration.webhooks.scheduleSeconds, [1, 1, 2])
        XCTAssertEqual(try SecretBox.loadKey(path: configuration.masterKeyFile).count, SecretBox.keyByteCount)
        XCTAssertEqual(configuration.audit.checkpointFile, layout.root + "/audit/checkpoints")
        XCTAssertEqual(configuration.audit.keyFile, layout.root + "/secrets/audit.key")
        XCTAssertEqual(configuration.audit.securityFlushSeconds, 2)
        XCTAssertEqual(configuration.audit.checkpointIntervalSeconds, 3)
        XCTAssertEqual(try ProtectedFile.read(path: layout.auditKeyFile, access: .ownerOnly, bytesMax: 64).count, 32)

        let channels = try XCTUnwrap(configuration.channels)
        XCTAssertEqual(channels.callbackBaseURL, "https://127.0.0.1:18443/callbacks")
        XCTAssertEqual(channels.alipay.baseURL, "https://127.0.0.1:19443/alipay/gateway.do")
        XCTAssertEqual(channels.verificationKeyGraceSeconds, 600)
        let store = try ChannelKeyStore.load(configuration: channels, now: .now(), masterKeys: masterKeys(layout))
        XCTAssertEqual(store.weChatPay.merchantId, LocalChannelAccounts.weChatPayMerchantId)
        XCTAssertEqual(store.weChatPay.merchantCertificateSerial.count, 32)  // 16 bytes in hex
        XCTAssertLessThanOrEqual(try XCTUnwrap(UInt64(store.unionPay.signingCertificateId)), UInt64(Int64.max))

        try assertTheSandboxMeetsPaygate(layout, store: store)
    }

    /// The sandbox's file reads back, and the two sides of each account meet: the sandbox
    /// verifies what paygate signs, and the other way round.
    private func assertTheSandboxMeetsPaygate(_ layout: StackLayout, store: ChannelKeyStore) throws {
        let file = try SandboxConfigurationFile.load(path: layout.sandboxConfigurationFile)
        let sandbox = try file.sandboxConfiguration()
        XCTAssertEqual(file.threadCount, 16)
        XCTAssertEqual(file.callbackSenderCount, 32)
        XCTAssertEqual(sandbox.publicBaseURL, "https://127.0.0.1:19443")
        XCTAssertEqual(sandbox.retryScheduleMilliseconds[.unionpay], [1000, 1000, 2000, 2000, 5000])
        let message = Array("a=1&b=2".utf8)
        XCTAssertTrue(
            sandbox.alipay.merchantKeys[0].publicKey.verifySHA256(
                signature: try store.alipay.privateKey.signSHA256(message), message: message))
        XCTAssertEqual(sandbox.wechatpay.merchantKeys[0].id, store.weChatPay.merchantCertificateSerial)
        XCTAssertEqual(sandbox.unionpay.merchantKeys[0].id, store.unionPay.signingCertificateId)
        XCTAssertNotNil(store.weChatPay.platformKeys.key(id: sandbox.wechatpay.channelKeyId, now: .now()))
        XCTAssertTrue(
            store.unionPay.verificationKeys.verify(
                signature: try sandbox.unionpay.channelPrivateKey.signSHA256(message), message: message,
                keyId: sandbox.unionpay.channelKeyId, now: .now()))
        XCTAssertEqual(sandbox.weChatPayAPIv3Key.reveal(), store.weChatPay.apiV3Key.reveal())
    }

    func testUnsetOptionsKeepTheReadersDefaults() throws {
        let layout = try temporaryRoot(self)
        _ = try StackInit.run(layout, options())
        let configuration = try Configuration.load(path: layout.configurationFile)
        XCTAssertEqual(configuration.queries.scheduleSeconds, QueriesConfiguration().scheduleSeconds)
        XCTAssertEqual(configuration.webhooks.scheduleSeconds, WebhooksConfiguration.defaultScheduleSeconds)
        XCTAssertEqual(configuration.pool.workers, 2)
        XCTAssertEqual(configuration.channels?.connectTimeoutMilliseconds, 3000)
        // The local stack's clients all share loopback: never slowed for failed authentications.
        XCTAssertEqual(configuration.authFailures.exemptAddresses, ["127.0.0.1", "::1"])
        XCTAssertEqual(configuration.authFailures.failuresMax, AuthFailuresConfiguration().failuresMax)
        let file = try SandboxConfigurationFile.load(path: layout.sandboxConfigurationFile)
        XCTAssertNil(file.retrySchedules)
        XCTAssertEqual(try file.sandboxConfiguration().retryScheduleMilliseconds[.alipay], SandboxConfiguration.channelSchedules[.alipay])
    }

    func testModesOfSecretsKeysAndConfiguration() throws {
        let layout = try temporaryRoot(self)
        _ = try StackInit.run(layout, options())
        XCTAssertEqual(try mode(layout.secretsDirectory), 0o700)
        XCTAssertEqual(try mode(layout.masterKeyFile), 0o600)
        XCTAssertEqual(try contents(layout.masterKeyFile).count, 32)
        XCTAssertEqual(try mode(layout.tlsDirectory), 0o755)
        XCTAssertEqual(try mode(layout.caKeyFile), 0o600)
        XCTAssertEqual(try mode(layout.serverKeyFile), 0o600)
        XCTAssertEqual(try mode(layout.caCertificateFile), 0o644)
        XCTAssertEqual(try mode(layout.serverCertificateFile), 0o644)
        XCTAssertEqual(try mode(layout.configurationFile), 0o600)
        XCTAssertEqual(try mode(layout.sandboxConfigurationFile), 0o600)
        XCTAssertEqual(try mode(layout.channelsDirectory), 0o700)
        var count = 0
        for channel in Channel.allCases {
            let directory = layout.channelsDirectory + "/" + channel.rawValue
            XCTAssertEqual(try mode(directory), 0o700)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
                XCTAssertEqual(try mode(directory + "/" + name), 0o600, name)
                count += 1
            }
        }
        XCTAssertEqual(count, 4 + 6 + 4)  // WeChat Pay: the APIv3 key and the sandbox's copy of it
        // Ours is sealed under the master key (testOurChannelKeysAreSealedUnderTheMasterKey); the
        // sandbox's is the key itself.
        XCTAssertEqual(try contents(layout.channelsDirectory + "/wechatpay/sandbox-apiv3.key").count, 32)
        XCTAssertTrue(try contents(layout.channelsDirectory + "/wechatpay/apiv3.key").starts(with: SealedKeyFile.prefix))
        // One password per database account, owner-only, 48 hex digits; the configuration names
        // the files and carries no password itself.
        XCTAssertEqual(try mode(layout.databasePasswordsDirectory), 0o711)
        for role in DatabaseRole.allCases {
            XCTAssertEqual(try mode(layout.databasePasswordFile(role)), 0o600)
            let password = try contents(layout.databasePasswordFile(role))
            XCTAssertEqual(password.count, 48)
            XCTAssertTrue(password.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        }
        let database = try Configuration.load(path: layout.configurationFile).database
        XCTAssertEqual(database.servers.map(\.user), ["paygate_app", "paygate_app"])
        XCTAssertEqual(database.servers.map(\.password), [nil, nil])
        XCTAssertEqual(database.servers.map(\.passwordFile), Array(repeating: layout.databasePasswordFile(.application), count: 2))
        XCTAssertEqual(database.accounts.migration?.user, "paygate_migrate")
        XCTAssertEqual(database.accounts.readOnly?.passwordFile, layout.databasePasswordFile(.readOnly))
        // Nothing is left half made.
        XCTAssertEqual(try snapshot(layout.root).keys.filter { $0.hasSuffix(".tmp") }, [])
    }

    func testKeyFilesAreMadeUnderAnyUmask() throws {
        let layout = try temporaryRoot(self)
        let previous = umask(0)
        defer { umask(previous) }
        _ = try StackInit.run(layout, options())
        XCTAssertEqual(try mode(layout.masterKeyFile), 0o600)
        XCTAssertEqual(try mode(layout.channelsDirectory + "/unionpay/platform.key"), 0o600)
    }

    func testRunningAgainKeepsEveryKeyAndRewritesOnlyTheConfiguration() throws {
        let layout = try temporaryRoot(self)
        _ = try StackInit.run(layout, options())
        let before = try snapshot(layout.root)
        let again = try StackInit.run(layout, options())
        XCTAssertEqual(again.notes, [])
        XCTAssertFalse(again.sandboxConfigurationChanged)
        XCTAssertEqual(try snapshot(layout.root), before)

        let changed = try StackInit.run(layout, options(port: 28443, sandboxPort: 29443) { $0.threadsPerWorker = 8 })
        XCTAssertEqual(changed.notes, [])
        XCTAssertTrue(changed.sandboxConfigurationChanged)
        let after = try snapshot(layout.root)
        XCTAssertEqual(Set(after.keys), Set(before.keys))
        XCTAssertEqual(Set(after.keys.filter { after[$0] != before[$0] }), ["paygate.json", "sandbox.json"])
        XCTAssertEqual(try Configuration.load(path: layout.configurationFile).pool.threadsPerWorker, 8)
    }

    func testAnExistingMasterKeyIsNeverReplaced() throws {
        let layout = try temporaryRoot(self)
        try FileManager.default.createDirectory(atPath: layout.secretsDirectory, withIntermediateDirectories: true)
        let key = Data(repeating: 7, count: 32)
        XCTAssertTrue(FileManager.default.createFile(atPath: layout.masterKeyFile, contents: key, attributes: [.posixPermissions: 0o600]))
        _ = try StackInit.run(layout, options())
        XCTAssertEqual(try contents(layout.masterKeyFile), key)
    }

    func testANewPrivateKeyGetsANewPublicHalf() throws {
        let layout = try temporaryRoot(self)
        _ = try StackInit.run(layout, options())
        let directory = layout.channelsDirectory + "/unionpay"
        let oldCertificate = try contents(directory + "/merchant.pem")
        try FileManager.default.removeItem(atPath: directory + "/merchant.key")
        let result = try StackInit.run(layout, options())
        XCTAssertEqual(result.notes, ["generating the unionpay merchant key"])
        XCTAssertNotEqual(try contents(directory + "/merchant.pem"), oldCertificate)
        // The key store refuses a key that does not match its certificate: it loads.
        _ = try ChannelKeyStore.load(
            configuration: XCTUnwrap(Configuration.load(path: layout.configurationFile).channels), now: .now(),
            masterKeys: masterKeys(layout))
    }

    /// The key store refuses a certificate outside its validity, so init renews an expired local
    /// certificate (same key, new certificate) and leaves out an expired previous one.
    func testAnExpiredLocalCertificateIsRenewedAndAnExpiredPreviousOneLeftOut() throws {
        let layout = try temporaryRoot(self)
        _ = try StackInit.run(layout, options())
        let directory = layout.channelsDirectory + "/unionpay"
        let key = try RSAPrivateKey(pem: Array(try contents(directory + "/platform.key")))
        let expired = try X509Certificate.selfSigned(
            key: key, commonName: "expired", serialNumber: 7, notBeforeUnixSeconds: 1_000_000_000, validityDays: 30
        ).pem()
        for name in ["platform.pem", "platform-previous.pem"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(expired.utf8)))
        }
        XCTAssertTrue(
            FileManager.default.createFile(atPath: directory + "/platform-previous.retired-at", contents: Data("2001-09-10T00:00:00Z".utf8))
        )
        let result = try StackInit.run(layout, options())
        XCTAssertEqual(result.notes, ["renewing the unionpay platform certificate: it is not valid now"])
        let renewed = try X509Certificate(pem: Array(try contents(directory + "/platform.pem")))
        XCTAssertTrue(renewed.isValid(atUnixSeconds: Timestamp.now().secondsSinceEpoch))
        XCTAssertTrue(renewed.publicKey == key.publicKey)
        let channels = try XCTUnwrap(Configuration.load(path: layout.configurationFile).channels)
        XCTAssertEqual(channels.unionpay.verificationKeys.map(\.file), [directory + "/platform.pem"])
        _ = try ChannelKeyStore.load(configuration: channels, now: .now(), masterKeys: masterKeys(layout))
    }

    func testAConfigurationItsReaderRefusesIsNotWritten() throws {
        let layout = try temporaryRoot(self)
        XCTAssertThrowsError(
            try StackInit.run(
                layout,
                options {
                    $0.threadsPerWorker = 4; $0.workingThreadsMax = 8
                })
        ) { error in
            XCTAssertEqual((error as? SetupError)?.code, .configurationInvalid)
            XCTAssertTrue("\(error)".contains("working_threads_max"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: layout.configurationFile))
        XCTAssertThrowsError(try StackInit.run(layout, options { $0.sandboxThreads = 100_000 })) { error in
            XCTAssertEqual((error as? SetupError)?.code, .configurationInvalid)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: layout.sandboxConfigurationFile))
    }

    func testRotationKeepsThePreviousKeyWithItsRetirement() throws {
        let layout = try temporaryRoot(self)
        _ = try StackInit.run(layout, options())
        let directory = layout.channelsDirectory + "/wechatpay"
        let oldKey = try contents(directory + "/platform.key")
        let now = Timestamp(secondsSinceEpoch: Timestamp.now().secondsSinceEpoch)
        try ChannelKeyRotation.rotate(layout, channel: .wechatpay, now: now)
        XCTAssertEqual(try contents(directory + "/platform-previous.key"), oldKey)
        XCTAssertNotEqual(try contents(directory + "/platform.key"), oldKey)
        XCTAssertEqual(try mode(directory + "/platform-previous.retired-at"), 0o600)
        _ = try StackInit.run(layout, options())
        let channels = try XCTUnwrap(Configuration.load(path: layout.configurationFile).channels)
        XCTAssertEqual(channels.wechatpay.verificationKeys.map(\.retiredAtTimestamp), [nil, now])
        XCTAssertEqual(channels.alipay.verificationKeys.count, 1)
        let store = try ChannelKeyStore.load(configuration: channels, now: .now(), masterKeys: masterKeys(layout))
        XCTAssertEqual(store.weChatPay.platformKeys.keys.count, 2)
        // The sandbox signs with the new key: paygate knows it.
        let sandbox = try SandboxConfigurationFile.load(path: layout.sandboxConfigurationFile).sandboxConfiguration()
        XCTAssertEqual(store.weChatPay.platformKeys.keys[0].id, sandbox.wechatpay.channelKeyId)
    }

    func testRotationNeedsKeysToRotate() throws {
        let layout = try temporaryRoot(self)
        XCTAssertThrowsError(try ChannelKeyRotation.rotate(layout, channel: .alipay, now: .now())) { error in
            XCTAssertEqual((error as? SetupError)?.code, .rootIncomplete)
        }
    }

    /// Our private keys and our copy of the APIv3 key are sealed under the master key on disk; the
    /// channel's side (what the sandbox reads) stays plain; a plain key of an older stack is sealed.
    func testOurChannelKeysAreSealedUnderTheMasterKey() throws {
        let layout = try temporaryRoot(self)
        _ = try StackInit.run(layout, options())
        for channel in Channel.allCases {
            let files = ChannelFiles(layout: layout, channel: channel)
            let ours = try contents(files.privateKey(.merchant))
            XCTAssertTrue(ours.starts(with: Array("paygate-sealed:02".utf8)), channel.rawValue)
            XCTAssertNil(String(decoding: ours, as: UTF8.self).range(of: "PRIVATE KEY"))
            XCTAssertTrue(try contents(files.privateKey(.platform)).starts(with: Array("-----BEGIN".utf8)))
        }
        let wechatpay = ChannelFiles(layout: layout, channel: .wechatpay)
        let ourAPIV3Key = Secret(Array(try contents(wechatpay.apiV3Key)))
        XCTAssertTrue(SealedKeyFile.isSealed(ourAPIV3Key))
        let channelsCopy = Array(try contents(wechatpay.sandboxAPIV3Key))
        XCTAssertEqual(channelsCopy.count, 32)
        XCTAssertEqual(try SealedKeyFile.open(ourAPIV3Key, keys: masterKeys(layout)).reveal(), channelsCopy)
        // A plain APIv3 key of an older stack is sealed in place; the channel's copy stays the key.
        try ProtectedFile.write(path: wechatpay.apiV3Key, contents: Secret(channelsCopy), access: .ownerOnly)
        XCTAssertEqual(try StackInit.run(layout, options()).notes, ["sealing \(wechatpay.apiV3Key) under the master key"])
        XCTAssertTrue(try contents(wechatpay.apiV3Key).starts(with: SealedKeyFile.prefix))
        XCTAssertEqual(Array(try contents(wechatpay.sandboxAPIV3Key)), channelsCopy)

        let alipay = ChannelFiles(layout: layout, channel: .alipay)
        let plain = try SealedKeyFile.open(Secret(Array(try contents(alipay.privateKey(.merchant)))), keys: masterKeys(layout))
        try ProtectedFile.write(path: alipay.privateKey(.merchant), contents: plain, access: .ownerOnly)
        let result = try StackInit.run(layout, options())
        XCTAssertEqual(result.notes, ["sealing \(alipay.privateKey(.merchant)) under the master key"])
        XCTAssertTrue(try contents(alipay.privateKey(.merchant)).starts(with: SealedKeyFile.prefix))
    }
}
