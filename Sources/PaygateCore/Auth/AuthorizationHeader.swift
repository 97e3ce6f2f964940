/// The `Authorization: PAYGATE-HMAC-SHA256 ...` header of docs/API.md section 2, parsed but not yet
/// verified (verification needs the merchant's secret and lives in the gateway).
public struct AuthorizationHeader: Sendable, Equatable {
    public static let scheme = "PAYGATE-HMAC-SHA256"
    public static let nonceLengthRange = 16...64
    public static let headerLengthMax = 1024
    /// Unix seconds as plain digits: no sign, and few enough digits that clock arithmetic on it
    /// can never overflow.
    public static let timestampDigitsMax = 12

    public var merchantId: String
    public var timestamp: Int64
    /// The timestamp exactly as sent: the signature covers this text, not a re-formatting of it.
    public var timestampText: String
    public var nonce: String
    public var signature: String

    /// Fails with `unauthenticated` for anything that is not a well-formed header.
    public init(_ header: String?) throws(APIError) {
        guard let header, !header.isEmpty else {
            throw APIError(.unauthenticated, "The Authorization header is missing.")
        }
        guard header.utf8.count <= AuthorizationHeader.headerLengthMax,
            header.hasPrefix(AuthorizationHeader.scheme + " ")
        else {
            throw APIError(.unauthenticated, "The Authorization header must use the PAYGATE-HMAC-SHA256 scheme.")
        }
        var values: [String: String] = [:]
        for part in header.dropFirst(AuthorizationHeader.scheme.count + 1).split(separator: ",") {
            let trimmed = part.drop(while: { $0 == " " })
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw APIError(.unauthenticated, "The Authorization header is malformed.")
            }
            let name = String(trimmed[..<equals])
            var value = trimmed[trimmed.index(after: equals)...]
            guard value.count >= 2, value.first == "\"", value.last == "\"" else {
                throw APIError(.unauthenticated, "The Authorization header is malformed.")
            }
            value = value.dropFirst().dropLast()
            guard values.updateValue(String(value), forKey: name) == nil else {
                throw APIError(.unauthenticated, "The Authorization header repeats \(name).")
            }
        }
        guard let merchantId = values["merchant_id"], !merchantId.isEmpty,
            let timestampText = values["timestamp"], (1...AuthorizationHeader.timestampDigitsMax).contains(timestampText.utf8.count),
            timestampText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let timestamp = Int64(timestampText),
            let nonce = values["nonce"], let signature = values["signature"], !signature.isEmpty, values.count == 4
        else {
            throw APIError(.unauthenticated, "The Authorization header needs merchant_id, timestamp, nonce and signature.")
        }
        guard AuthorizationHeader.nonceLengthRange.contains(nonce.utf8.count),
            nonce.utf8.allSatisfy(Validate.isAlphanumeric)
        else {
            throw APIError(.unauthenticated, "nonce must be 16 to 64 characters of A-Z, a-z and 0-9.")
        }
        self.merchantId = merchantId
        self.timestamp = timestamp
        self.timestampText = timestampText
        self.nonce = nonce
        self.signature = signature
    }

    /// METHOD \n REQUEST_URI \n timestamp \n nonce \n BODY \n
    public static func stringToSign(method: String, requestURI: String, timestamp: Int64, nonce: String, body: [UInt8]) -> [UInt8] {
        stringToSign(method: method, requestURI: requestURI, timestampText: String(timestamp), nonce: nonce, body: body)
    }

    public static func stringToSign(method: String, requestURI: String, timestampText: String, nonce: String, body: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(method.utf8.count + requestURI.utf8.count + nonce.utf8.count + body.count + 32)
        bytes.append(contentsOf: method.utf8); bytes.append(0x0A)
        bytes.append(contentsOf: requestURI.utf8); bytes.append(0x0A)
        bytes.append(contentsOf: timestampText.utf8); bytes.append(0x0A)
        bytes.append(contentsOf: nonce.utf8); bytes.append(0x0A)
        bytes.append(contentsOf: body); bytes.append(0x0A)
        return bytes
    }
}
