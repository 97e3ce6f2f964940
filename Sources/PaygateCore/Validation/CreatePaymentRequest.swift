/// A validated `POST /v1/payments` body (docs/API.md section 5). Construction is the validation:
/// a value of this type is always acceptable, and the first failing field is reported.
public struct CreatePaymentRequest: Sendable, Equatable {
    public static let merchantOrderNoLengthMax = 64
    /// Lengths of text fields are counted in Unicode code points (docs/API.md section 5), as JSON
    /// Schema's maxLength and the VARCHAR columns count them: a client can check them exactly,
    /// whatever Unicode version it has, which is not true of user-perceived characters.
    public static let subjectLengthMax = 128
    /// Serialized metadata must fit the TEXT column with room to spare.
    public static let metadataJSONBytesMax = 16_384
    public static let notifyURLLengthMax = 512
    public static let expireSecondsRange = 60...86_400
    public static let expireSecondsDefault = 900
    public static let metadataEntriesMax = 20
    public static let metadataKeyLengthMax = 64
    public static let metadataValueLengthMax = 512
    public static let payerValueLengthMax = 128
    /// Every member the body may carry (docs/API.md section 5); any other is refused by name.
    public static let fieldNames: Set<String> = [
        "merchant_order_no", "amount", "currency", "channel", "subject", "notify_url", "expire_seconds", "payer", "metadata",
    ]

    public var merchantOrderNo: String
    public var amount: Money
    public var channel: Channel
    public var subject: String
    public var notifyURL: String
    public var expireSeconds: Int
    /// Normalised JSON of the `payer` object, or nil.
    public var payerJSON: String?
    /// The payer's members, for risk's counters (an empty string counts as absent).
    public var payerIP: String?
    public var payerDeviceId: String?
    public var payerUserId: String?
    /// Normalised JSON of the `metadata` object ("{}" when absent).
    public var metadataJSON: String

    public init(body: [UInt8]) throws(APIError) {
        let document: JSONValue
        do { document = try JSONParser.parse(body) } catch { throw APIError(.invalidJSON, "The body is not valid JSON: \(error.reason).") }
        guard case .object = document else { throw APIError(.invalidJSON, "The body must be a JSON object.") }
        let fields = FieldReader(document)
        try fields.refuseUnknownMembers(CreatePaymentRequest.fieldNames)

        merchantOrderNo = try fields.requiredString("merchant_order_no")
        try Validate.businessNumber(merchantOrderNo, field: "merchant_order_no")

        let amountText = try fields.requiredString("amount")
        let currencyText = try fields.requiredString("currency")
        guard let currency = Currency(rawValue: currencyText) else {
            throw APIError(.unsupportedCurrency, "Currency \(currencyText) is not supported.", field: "currency")
        }
        amount = try Validate.amount(amountText, currency: currency, field: "amount")

        let channelText = try fields.requiredString("channel")
        guard let channel = Channel(rawValue: channelText) else {
            throw APIError(.unsupportedChannel, "Channel \(channelText) is not supported.", field: "channel")
        }
        self.channel = channel

        subject = try fields.requiredString("subject")
        guard (1...CreatePaymentRequest.subjectLengthMax).contains(subject.unicodeScalars.count) else {
            throw APIError(.invalidField, "subject must be 1 to 128 characters (Unicode code points).", field: "subject")
        }

        notifyURL = try fields.requiredString("notify_url")
        try Validate.notifyURL(notifyURL, lengthMax: CreatePaymentRequest.notifyURLLengthMax)

        expireSeconds =
            try fields.optionalInteger("expire_seconds", in: CreatePaymentRequest.expireSecondsRange)
            ?? CreatePaymentRequest.expireSecondsDefault
        payerJSON = try fields.optionalPayer()
        payerIP = fields.payerMember("ip")
        payerDeviceId = fields.payerMember("device_id")
        payerUserId = fields.payerMember("user_id")
        metadataJSON = try fields.optionalMetadata()
    }
}

/// Reads typed fields out of a JSON object, answering the API's codes with the field's name.
struct FieldReader {
    let document: JSONValue

    init(_ document: JSONValue) { self.document = document }

    /// The first member not in `allowed` is 400 `invalid_field` naming it (docs/API.md section 3):
    /// a misspelt optional field ("expire_second") would otherwise be dropped without a word and
    /// the request carried out with its default. Checked before the required fields, so a
    /// misspelt required one is reported by the name the client actually sent.
    func refuseUnknownMembers(_ allowed: Set<String>) throws(APIError) {
        guard case .object(let members) = document else { return }
        for member in members where !allowed.contains(member.key) {
            throw APIError(.invalidField, "Unknown field \(member.key).", field: member.key)
        }
    }

    func requiredString(_ name: String) throws(APIError) -> String {
        guard let value = document[name], value != .null else {
            throw APIError(.missingField, "\(name) is required.", field: name)
        }
        guard case .string(let text) = value else {
            throw APIError(.invalidField, "\(name) must be a string.", field: name)
        }
        return text
    }

    func optionalString(_ name: String) throws(APIError) -> String? {
        guard let value = document[name], value != .null else { return nil }
        guard case .string(let text) = value else {
            throw APIError(.invalidField, "\(name) must be a string.", field: name)
        }
        return text
    }

    func optionalInteger(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let value = document[name], value != .null else { return nil }
        guard case .number(let text) = value, let number = Int(text), range.contains(number) else {
            throw APIError(.invalidField, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound).", field: name)
        }
        return number
    }

    func optionalPayer() throws(APIError) -> String? {
        guard let value = document["payer"], value != .null else { return nil }
        guard case .object(let members) = value else {
            throw APIError(.invalidField, "payer must be an object.", field: "payer")
        }
        let allowed: Set<String> = ["ip", "device_id", "user_id"]
        for member in members {
            guard allowed.contains(member.key) else {
                throw APIError(.invalidField, "payer may only carry ip, device_id and user_id.", field: "payer")
            }
            guard case .string(let text) = member.value, text.unicodeScalars.count <= CreatePaymentRequest.payerValueLengthMax else {
                throw APIError(.invalidField, "payer.\(member.key) must be a string of at most 128 characters.", field: "payer")
            }
        }
        return value.serialized
    }

    /// A member of an accepted `payer` (checked by `optionalPayer` first); nil when absent or empty.
    func payerMember(_ name: String) -> String? {
        guard case .object(let members)? = document["payer"] else { return nil }
        for member in members where member.key == name {
            if case .string(let text) = member.value, !text.isEmpty { return text }
        }
        return nil
    }

    func optionalMetadata() throws(APIError) -> String {
        guard let value = document["metadata"], value != .null else { return "{}" }
        guard case .object(let members) = value else {
            throw APIError(.invalidField, "metadata must be an object of strings.", field: "metadata")
        }
        guard members.count <= CreatePaymentRequest.metadataEntriesMax else {
            throw APIError(.invalidField, "metadata may hold at most 20 values.", field: "metadata")
        }
        for member in members {
            guard case .string(let text) = member.value, member.key.unicodeScalars.count <= CreatePaymentRequest.metadataKeyLengthMax,
                text.unicodeScalars.count <= CreatePaymentRequest.metadataValueLengthMax
            else {
                throw APIError(
                    .invalidField, "metadata values must be strings (keys up to 64, values up to 512 characters).", field: "metadata")
            }
        }
        let serialized = value.serialized
        guard serialized.utf8.count <= CreatePaymentRequest.metadataJSONBytesMax else {
            throw APIError(.invalidField, "metadata is too large (at most 16384 bytes as JSON).", field: "metadata")
        }
        return serialized
    }
}

/// Field rules shared by payments and refunds.
public enum Validate {
    /// `merchant_order_no` / `merchant_refund_no`: 1–64 of [A-Za-z0-9_-].
    public static func businessNumber(_ text: String, field: String) throws(APIError) {
        let bytes = text.utf8
        guard (1...CreatePaymentRequest.merchantOrderNoLengthMax).contains(bytes.count),
            bytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") })
        else {
            throw APIError(.invalidField, "\(field) must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -.", field: field)
        }
    }

    public static func amount(_ text: String, currency: Currency, field: String) throws(APIError) -> Money {
        do {
            return try Money.parse(text, currency: currency)
        } catch {
            let digits = currency.minorDigits
            let rule =
                "\(field) must be a decimal string greater than 0 and at most 100000000 with at most \(digits) decimal places for \(currency.rawValue)."
            throw APIError(.invalidField, rule, field: field)
        }
    }

    /// http(s) URL with a host, at most `lengthMax` bytes, no spaces or control characters
    /// (docs/API.md section 5). Production-mode address checks (no loopback/private targets)
    /// happen at delivery time.
    public static func notifyURL(_ text: String, lengthMax: Int) throws(APIError) {
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = text.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = text.dropFirst(7)
        } else {
            throw APIError(.invalidField, "notify_url must be an http or https URL.", field: "notify_url")
        }
        let authority = rest.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        guard text.utf8.count <= lengthMax, isHostAndPort(Array(authority.utf8)),
            text.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F })
        else {
            throw APIError(
                .invalidField, "notify_url must be an http or https URL of at most \(lengthMax) characters.", field: "notify_url")
        }
    }

    /// `host[:port]` as a webhook can be sent to: a name or IPv4 address of ASCII letters, digits,
    /// dots and hyphens, or an IPv6 address in brackets; a port of 1 to 5 digits up to 65535.
    /// Anything else (credentials, a stray bracket, a non-ASCII name not written as punycode)
    /// names no address we could ever deliver to, so it is refused at create, not dead-lettered.
    static func isHostAndPort(_ bytes: [UInt8]) -> Bool {
        var index = 0
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")), close > 1,
                bytes[1..<close].allSatisfy({ isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") })
            else {
                return false
            }
            index = close + 1
        } else {
            while index < bytes.count,
                isAlphanumeric(bytes[index]) || bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "-")
            {
                index += 1
            }
            guard index > 0 else { return false }
        }
        if index == bytes.count { return true }
        guard bytes[index] == UInt8(ascii: ":") else { return false }
        let port = bytes[(index + 1)...]
        guard (1...5).contains(port.count), port.allSatisfy({ (48...57).contains($0) }) else { return false }
        return port.reduce(0) { $0 * 10 + Int($1 - 48) } <= 65_535
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte)
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }
}
