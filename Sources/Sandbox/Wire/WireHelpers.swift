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

/// Amounts in the channels' units, integer arithmetic only.
enum WireAmount {
    /// Digits in the largest fen count a merchant may send (10^10 fen is 100 000 000 yuan).
    static let fenDigitsMax = 11
    /// The fee the sandbox's statements charge: 0.6 %, rounded half up to a whole fen.
    static let feePerMille: Int64 = 6

    /// "12.30" as CNY (Alipay): the strict request grammar of `Money.parse`.
    static func parseYuan(_ text: String) -> Money? {
        try? Money.parse(text, currency: .cny)
    }

    /// "1230" fen (UnionPay txnAmt): digits only, positive.
    static func parseFen(_ text: String) -> Money? {
        guard !text.isEmpty, text.utf8.count <= fenDigitsMax, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let value = Int64(text), value > 0
        else { return nil }
        return Money(minorUnits: value, currency: .cny)
    }

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
