/// `GET /v1/payments?...` query parameters (docs/API.md section 5).
public struct ListPaymentsQuery: Sendable, Equatable {
    public static let limitRange = 1...100
    public static let limitDefault = 10

    public var merchantOrderNo: String?
    public var status: PaymentStatus?
    public var createdFrom: Timestamp?
    public var createdTo: Timestamp?
    public var limit: Int
    public var startingAfter: PaymentId?

    public init(query: Substring) throws(APIError) {
        var merchantOrderNo: String?
        var status: PaymentStatus?
        var createdFrom: Timestamp?
        var createdTo: Timestamp?
        var limit = ListPaymentsQuery.limitDefault
        var startingAfter: PaymentId?
        for (name, value) in QueryString.pairs(query) {
            switch name {
            case "merchant_order_no":
                try Validate.businessNumber(value, field: name)
                merchantOrderNo = value
            case "status":
                guard let parsed = PaymentStatus(rawValue: value) else {
                    throw APIError(.invalidField, "status must be one of the payment statuses.", field: name)
                }
                status = parsed
            case "created_from", "created_to":
                guard value.contains("T"), let parsed = Timestamp(parsing: value) else {
                    throw APIError(.invalidField, "\(name) must be an RFC 3339 UTC time such as 2026-01-31T00:00:00Z.", field: name)
                }
                if name == "created_from" { createdFrom = parsed } else { createdTo = parsed }
            case "limit":
                // Digits only: Int() would also take "+5", which docs/API.md section 5 does not.
                guard value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let parsed = Int(value),
                    ListPaymentsQuery.limitRange.contains(parsed)
                else {
                    throw APIError(.invalidField, "limit must be an integer from 1 to 100.", field: name)
                }
                limit = parsed
            case "starting_after":
                guard let parsed = PaymentId(value) else {
                    throw APIError(.invalidField, "starting_after must be a payment_id.", field: name)
                }
                startingAfter = parsed
            default:
                throw APIError(.invalidField, "Unknown query parameter \(name).", field: name)
            }
        }
        self.merchantOrderNo = merchantOrderNo
        self.status = status
        self.createdFrom = createdFrom
        self.createdTo = createdTo
        self.limit = limit
        self.startingAfter = startingAfter
    }
}

/// application/x-www-form-urlencoded pairs, percent-decoded ('+' is a space).
public enum QueryString {
    public static func pairs(_ query: Substring) -> [(String, String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { part in
            if let equals = part.firstIndex(of: "=") {
                return (decode(part[..<equals]), decode(part[part.index(after: equals)...]))
            }
            return (decode(part), "")
        }
    }

    public static func decode(_ text: Substring) -> String {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(0x20)
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexDigit(bytes[index + 1]), let low = hexDigit(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }
}
