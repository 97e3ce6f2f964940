import Foundation
import HTTPClient
import PaygateCore
import PaygateCrypto

/// The sandbox's config file (JSON, absolute paths), read by `paygate-sandbox --config FILE` and
/// written by `paygate-admin init` from this same type (SandboxConfigurationFile+Writing.swift).
/// The format is documented at the top of Sources/paygate-sandbox/main.swift.
public struct SandboxConfigurationFile: Codable, Sendable {
    /// Threads of the one worker process, each serving one request at a time. The state lock is
    /// held only for the bookkeeping, never across a fault knob's sleep, so with `latency_ms` on
    /// most threads are asleep: a sleeping thread costs its stack (virtual memory, a few pages
    /// touched) and one connection, not CPU. 4096 lets a benchmark hold a thousand and more slow
    /// channel answers at once (`make bench` (g) at 1,024 clients), so the sandbox is not the
    /// limit; the process also needs a descriptor per thread (scripts/stack-sandbox.sh raises
    /// its open-files limit).
    public static let threadsMax = 4096
    public static let threadsDefault = 8

    public struct ChannelEntry: Codable, Sendable {
        public var merchantAccountId: String
        public var platformKeyFile: String
        /// WeChat Pay and UnionPay: the platform certificate, whose serial names the key.
        public var platformCertificateFile: String?
        /// PEM certificates (WeChat Pay, UnionPay) or PEM public keys (Alipay).
        public var merchantKeyFiles: [String]
        /// WeChat Pay only: the 32-character APIv3 key.
        public var apiv3KeyFile: String?

        enum CodingKeys: String, CodingKey {
            case merchantAccountId = "merchant_account_id"
            case platformKeyFile = "platform_key_file"
            case platformCertificateFile = "platform_certificate_file"
            case merchantKeyFiles = "merchant_key_files"
            case apiv3KeyFile = "apiv3_key_file"
        }

        public init(
            merchantAccountId: String, platformKeyFile: String, platformCertificateFile: String?, merchantKeyFiles: [String],
            apiv3KeyFile: String? = nil
        ) {
            self.merchantAccountId = merchantAccountId
            self.platformKeyFile = platformKeyFile
            self.platformCertificateFile = platformCertificateFile
            self.merchantKeyFiles = merchantKeyFiles
            self.apiv3KeyFile = apiv3KeyFile
        }
    }

    public var listenSocket: String
    public var pidFile: String?
    public var threads: Int?
    public var publicBaseURL: String
    public var callbackCAFile: String?
    public var callbackConnectTimeoutMilliseconds: Int?
    public var callbackTotalTimeoutMilliseconds: Int?
    /// Durations such as "250ms", "15s", "4m", "1h"; a channel left out keeps its real schedule.
    public var retrySchedules: [String: [String]]?
    /// Threads sending callbacks (CallbackDispatcher); default `CallbackDispatcher.senderCountDefault`.
    public var callbackSenders: Int?
    public var channels: [String: ChannelEntry]

    enum CodingKeys: String, CodingKey {
        case listenSocket = "listen_socket"
        case pidFile = "pid_file"
        case threads
        case publicBaseURL = "public_base_url"
        case callbackCAFile = "callback_ca_file"
        case callbackConnectTimeoutMilliseconds = "callback_connect_timeout_ms"
        case callbackTotalTimeoutMilliseconds = "callback_total_timeout_ms"
        case retrySchedules = "retry_schedules"
        case callbackSenders = "callback_senders"
        case channels
    }

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public static func load(path: String) throws(LoadError) -> SandboxConfigurationFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw LoadError("cannot read \(path)") }
        do {
            return try JSONDecoder().decode(SandboxConfigurationFile.self, from: data)
        } catch {
            throw LoadError("\(path) is not a sandbox configuration: \(error)")
        }
    }

    public var threadCount: Int { threads ?? Self.threadsDefault }
    public var callbackSenderCount: Int { callbackSenders ?? CallbackDispatcher.senderCountDefault }

    /// The HTTPS client settings of the callback dispatcher (it reaches paygate through nginx).
    public var callbackClient: HTTPClientConfiguration {
        HTTPClientConfiguration(
            caFile: callbackCAFile, connectTimeoutMilliseconds: callbackConnectTimeoutMilliseconds ?? 1_000,
            totalTimeoutMilliseconds: callbackTotalTimeoutMilliseconds ?? 10_000)
    }

    /// Reads every key file and checks the limits agree.
    public func sandboxConfiguration() throws(LoadError) -> SandboxConfiguration {
        guard (1...Self.threadsMax).contains(threadCount) else { throw LoadError("threads must be 1...\(Self.threadsMax)") }
        guard (1...CallbackDispatcher.senderCountMax).contains(callbackSenderCount) else {
            throw LoadError("callback_senders must be 1...\(CallbackDispatcher.senderCountMax)")
        }
        guard publicBaseURL.hasPrefix("https://") || publicBaseURL.hasPrefix("http://") else {
            throw LoadError("public_base_url must be an http(s) URL")
        }
        guard (callbackConnectTimeoutMilliseconds ?? 1_000) > 0,
            (callbackTotalTimeoutMilliseconds ?? 10_000) >= (callbackConnectTimeoutMilliseconds ?? 1_000)
        else {
            throw LoadError("callback timeouts must be positive, the total covering the connect")
        }
        guard let apiV3Path = channels["wechatpay"]?.apiv3KeyFile else { throw LoadError("channels.wechatpay.apiv3_key_file is required") }
        let apiV3Key = Secret(try Self.secretFile(apiV3Path))
        guard apiV3Key.count == AESGCM.keyByteCount else { throw LoadError("\(apiV3Path) must hold exactly \(AESGCM.keyByteCount) bytes") }
        var schedules = SandboxConfiguration.channelSchedules
        for (name, steps) in retrySchedules ?? [:] {
            guard let channel = Channel(rawValue: name) else { throw LoadError("retry_schedules: unknown channel \(name)") }
            guard steps.count <= SandboxConfiguration.retryStepCountMax else {
                throw LoadError("retry_schedules.\(name): at most \(SandboxConfiguration.retryStepCountMax) steps")
            }
            schedules[channel] = try steps.map { (step) throws(LoadError) in
                guard let milliseconds = Self.milliseconds(step) else {
                    throw LoadError("retry_schedules.\(name): \(step) is not a duration")
                }
                return milliseconds
            }
        }
        return SandboxConfiguration(
            publicBaseURL: publicBaseURL, alipay: try keys(.alipay), wechatpay: try keys(.wechatpay), weChatPayAPIv3Key: apiV3Key,
            unionpay: try keys(.unionpay), retryScheduleMilliseconds: schedules)
    }

    private func keys(_ channel: Channel) throws(LoadError) -> SandboxChannelKeys {
        guard let entry = channels[channel.rawValue] else { throw LoadError("channels.\(channel.rawValue) is required") }
        guard !entry.merchantKeyFiles.isEmpty else { throw LoadError("channels.\(channel.rawValue).merchant_key_files is empty") }
        let privateKey: RSAPrivateKey
        do {
            privateKey = try RSAPrivateKey(pem: Secret(try Self.secretFile(entry.platformKeyFile)))
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError("\(entry.platformKeyFile) is not an RSA private key")
        }
        var keyId = ""
        if channel != .alipay {
            guard let path = entry.platformCertificateFile else {
                throw LoadError("channels.\(channel.rawValue).platform_certificate_file is required")
            }
            let certificate = try Self.certificate(path)
            guard certificate.publicKey == privateKey.publicKey else {
                throw LoadError("\(path) does not certify \(entry.platformKeyFile)")
            }
            keyId = channel == .wechatpay ? certificate.serialNumberHex : certificate.serialNumberDecimal
        }
        var merchantKeys: [MerchantKey] = []
        for path in entry.merchantKeyFiles {
            let text = try Self.publicFile(path)
            if text.contains("BEGIN CERTIFICATE") {
                let certificate = try Self.certificate(path)
                merchantKeys.append(
                    MerchantKey(
                        id: channel == .wechatpay ? certificate.serialNumberHex : certificate.serialNumberDecimal,
                        publicKey: certificate.publicKey))
            } else {
                guard let key = try? RSAPublicKey(pem: text) else { throw LoadError("\(path) is not a PEM public key or certificate") }
                merchantKeys.append(MerchantKey(id: path, publicKey: key))
            }
        }
        return SandboxChannelKeys(
            channelPrivateKey: privateKey, channelKeyId: keyId, merchantAccountId: entry.merchantAccountId, merchantKeys: merchantKeys)
    }

    /// "250ms", "15s", "4m", "1h" as milliseconds.
    static func milliseconds(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isNumber), let value = Int64(digits) else { return nil }
            return value * factor
        }
        return nil
    }

    /// A private file must be readable by its owner only: a key others can read is not secret.
    private static func secretFile(_ path: String) throws(LoadError) -> [UInt8] {
        do {
            return try ProtectedFile.read(path: path, access: .ownerOnly, bytesMax: keyFileBytesMax).reveal()
        } catch {
            throw LoadError(error.message)
        }
    }

    /// A PEM key is a few KB; anything far larger is not one.
    static let keyFileBytesMax = 64 * 1024

    private static func publicFile(_ path: String) throws(LoadError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw LoadError("cannot read \(path)") }
        return String(decoding: data, as: UTF8.self)
    }

    private static func certificate(_ path: String) throws(LoadError) -> X509Certificate {
        guard let certificate = try? X509Certificate(pem: try publicFile(path)) else { throw LoadError("\(path) is not a PEM certificate") }
        return certificate
    }
}
