import Channels
import Foundation
import PaygateCore
import PaygateCrypto

/// ROOT/paygate.json, the configuration of the pool, the worker and the admin tool: built as the
/// `Configuration` value they read, checked by the code that reads it (`validate`, the channel
/// key store) before it is written, and read back with `Configuration.load` after. Rewritten on
/// every init, so the options take effect on the next start; paths only, never key text.
enum PaygateConfigurationWriter {
    /// Bodies above this are refused with 413 (nginx caps them first, at the same size).
    static let requestBodyBytesMax = 65_536

    static func configuration(_ layout: StackLayout, _ options: InitOptions) throws(SetupError) -> Configuration {
        var pool = PoolConfiguration(
            socketPath: layout.poolSocket, workers: options.workers, threadsPerWorker: options.threadsPerWorker,
            requestBodyBytesMax: requestBodyBytesMax, pidFile: layout.poolPidFile)
        pool.workingThreadsMax = options.workingThreadsMax
        let connections = ConnectionPoolConfiguration(
            connectionsPerShard: options.databaseConnectionsPerShard, connectionWaitMilliseconds: options.databaseConnectionWaitMilliseconds
        )
        var webhooks = WebhooksConfiguration()
        if let schedule = options.webhookScheduleSeconds { webhooks.scheduleSeconds = schedule }
        var queries = QueriesConfiguration()
        if let schedule = options.queryScheduleSeconds { queries.scheduleSeconds = schedule }
        if let rate = options.queryRatePerSecond { queries.channelRatePerSecond = rate }
        var reconciliation = ReconciliationConfiguration()
        reconciliation.directory = layout.reconDirectory
        // The sandbox's statement of a day exists as soon as the day is over: the worker
        // reconciles yesterday right after it starts (a real channel publishes it the next morning).
        reconciliation.afterHour = 0
        var configuration = Configuration(
            mode: .local, pool: pool, database: StackDatabase.configuration(layout, pool: connections), masterKeyFile: layout.masterKeyFile,
            channels: try channels(layout, options), webhooks: webhooks, queries: queries, reconciliation: reconciliation)
        configuration.audit.checkpointFile = layout.auditCheckpointFile
        configuration.audit.keyFile = layout.auditKeyFile
        if let seconds = options.auditSecurityFlushSeconds { configuration.audit.securityFlushSeconds = seconds }
        if let seconds = options.auditCheckpointSeconds { configuration.audit.checkpointIntervalSeconds = seconds }
        configuration.masterKeyDirectory = layout.masterKeyDirectory
        // The local stack listens on loopback only, so every client (the tests, the scripts, a
        // developer) shares 127.0.0.1: counting its failures would throttle them all together.
        configuration.authFailures.exemptAddresses = localExemptAddresses
        if let rules = options.riskRulesFile, let model = options.riskModelFile {
            configuration.risk.enabled = options.riskEnabled
            configuration.risk.rulesFile = rules
            configuration.risk.modelFile = model
            configuration.risk.redis.socket = layout.redisSocket
        }
        return configuration
    }

    /// The client addresses the local stack never slows for failed authentications.
    static let localExemptAddresses = ["127.0.0.1", "::1"]

    /// Checks, writes, reads back. The key store loads every key file the section names, so an
    /// account that does not hang together stops init rather than the pool's start.
    static func write(_ configuration: Configuration, to path: String) throws(SetupError) {
        do {
            try configuration.validate()
        } catch {
            throw SetupError(.configurationInvalid, "the options make a configuration paygate refuses: \(error)")
        }
        if let channels = configuration.channels {
            let masterKeys = try SetupFiles.crypto("reading the master keys") { () throws(CryptoError) in
                try KeyRing(configuration: configuration)
            }
            do {
                _ = try ChannelKeyStore.load(configuration: channels, now: .now(), masterKeys: masterKeys)
            } catch {
                throw SetupError(.configurationInvalid, "the channel keys do not load: \(error.message)")
            }
        }
        try SetupFiles.write(path, text: try JSONFile.encode(configuration), .ownerOnly)
        do {
            _ = try Configuration.load(path: path)
        } catch {
            throw SetupError(.readBackFailed, "\(path) does not read back: \(error)")
        }
    }

    private static func channels(_ layout: StackLayout, _ options: InitOptions) throws(SetupError) -> ChannelsConfiguration {
        let sandbox = "https://127.0.0.1:\(options.sandboxPort)"
        let alipay = ChannelFiles(layout: layout, channel: .alipay)
        let wechatpay = ChannelFiles(layout: layout, channel: .wechatpay)
        let unionpay = ChannelFiles(layout: layout, channel: .unionpay)
        var channels = ChannelsConfiguration(
            caFile: layout.caCertificateFile, callbackBaseURL: "https://127.0.0.1:\(options.port)/callbacks",
            alipay: .init(
                baseURL: sandbox + "/alipay/gateway.do", appId: LocalChannelAccounts.alipayAppId,
                privateKeyFile: alipay.privateKey(.merchant), verificationKeys: try verificationKeys(alipay)),
            wechatpay: .init(
                baseURL: sandbox + "/wechatpay", merchantId: LocalChannelAccounts.weChatPayMerchantId,
                appId: LocalChannelAccounts.weChatPayAppId, privateKeyFile: wechatpay.privateKey(.merchant),
                certificateFile: wechatpay.publicHalf(.merchant), apiV3KeyFile: wechatpay.apiV3Key,
                verificationKeys: try verificationKeys(wechatpay)),
            unionpay: .init(
                baseURL: sandbox + "/unionpay/gateway/api", merchantId: LocalChannelAccounts.unionPayMerchantId,
                privateKeyFile: unionpay.privateKey(.merchant), certificateFile: unionpay.publicHalf(.merchant),
                verificationKeys: try verificationKeys(unionpay)))
        channels.connectTimeoutMilliseconds = options.channelConnectTimeoutMilliseconds
        channels.totalTimeoutMilliseconds = options.channelTotalTimeoutMilliseconds
        channels.verificationKeyGraceSeconds = options.channelKeyGraceSeconds
        channels.feeBasisPoints = Dictionary(
            uniqueKeysWithValues: Channel.allCases.map { ($0.rawValue, LocalChannelAccounts.feeBasisPoints) })
        return channels
    }

    /// The current platform key and, after a rotation, the previous one with its retirement. A
    /// previous certificate that is no longer valid verifies nothing and the key store would
    /// refuse it, so it is left out.
    static func verificationKeys(_ files: ChannelFiles) throws(SetupError) -> [ChannelsConfiguration.VerificationKeyFile] {
        var keys = [ChannelsConfiguration.VerificationKeyFile(file: files.publicHalf(.platform))]
        let previous = files.publicHalf(.platformPrevious)
        let now = Timestamp.now().secondsSinceEpoch
        if SetupFiles.hasContents(previous), SetupFiles.hasContents(files.previousRetiredAt),
            !ChannelKeyWriter.isOutsideValidity(previous, files, now: now)
        {
            let text = String(decoding: SetupFiles.read(files.previousRetiredAt) ?? [], as: UTF8.self)
            let retiredAt = text.trimmingCharacters(in: .whitespacesAndNewlines)
            keys.append(ChannelsConfiguration.VerificationKeyFile(file: previous, retiredAt: retiredAt))
        }
        return keys
    }
}
