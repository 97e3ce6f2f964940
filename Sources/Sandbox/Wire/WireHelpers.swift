import PaygateCore
import PaygateCrypto

extension JSONValue {
    /// The string member `key`, or nil when missing or not a string.
    func text(_ key: String) -> String? {
        guard case .string(let value)? = self[key] else { return nil }
        return value
    }

    /// The integer member `key` (read from its source text, never through Double), or nil.
    func integer(_ key: String) -> Int64? {
        guard case .number(let value)? = self[key] else { return nil }
        return Int64(value)
    }

    static func object(_ bytes: [UInt8]) -> JSONValue? {
        guard let value = try? JSONParser.parse(bytes), case .object = value else { return nil }
        return value
    }
}

/// Amounts in the channels' units, integer arithmetic only. (What each channel accepts in a
/// request: `AlipayLimits.amount`, `WeChatPayLimits.fen`, `UnionPayLimits.txnAmt`.)
enum WireAmount {
    /// The fee the sandbox's statements charge: 0.6 %, rounded half up to a whole fen.
    static let feePerMille: Int64 = 6

    static func fee(_ amount: Money) -> Money {
        Money(minorUnits: (amount.minorUnits * feePerMille + 500) / 1000, currency: amount.currency)
    }
}

/// Signing with the channel's key. The key was read at start-up; a signing failure then is a
/// broken key or memory exhaustion, which no answer can recover from.
extension SandboxChannelKeys {
    func sign(_ message: [UInt8]) -> String {
        do {
            return Base64.encode(try channelPrivateKey.signSHA256(message))
        } catch {
            preconditionFailure("the channel key cannot sign: \(error.code)")
        }
    }

    /// True when `signature` verifies under a merchant key named `keyId`, or under any
    /// merchant key when the channel names none (Alipay).
    func merchantSigned(_ signature: [UInt8], _ message: [UInt8], keyId: String?, sameId: (String, String) -> Bool = { $0 == $1 }) -> Bool {
        merchantKeys.contains { key in
            (keyId.map { sameId($0, key.id) } ?? true) && key.publicKey.verifySHA256(signature: signature, message: message)
        }
    }
}

/// Shared by every channel side: the configuration and the state.
struct SandboxContext: Sendable {
    let configuration: SandboxConfiguration
    let state: SandboxState

    func payURL(_ channel: Channel, token: String) -> String {
        configuration.publicBaseURL + "/pay/" + channel.rawValue + "/" + token
    }

    static func plain(_ status: Int, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }
}
