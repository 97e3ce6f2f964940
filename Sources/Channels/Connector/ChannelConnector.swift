import HTTPClient
import PaygateCore

/// One payment channel, seen from paygate. A connector is pure: it turns domain values
/// into the channel's signed wire requests and the channel's answers and callbacks back into
/// domain values. Sending is done by the caller through `HTTPClient`, so every connector is tested
/// with fixed vectors and no network, and the I/O (timeouts, circuit breaker) lives in one place.
///
/// Each channel is two files, as in the style guide: `<Channel>Connector.swift` (URLs, requests,
/// responses, callbacks) and `<Channel>Transformers.swift` (wire structs, amounts, statuses).
public protocol ChannelConnector: Sendable {
    var channel: Channel { get }

    func prepayRequest(_ order: PrepayOrder, now: Timestamp) throws(ChannelError) -> OutboundRequest
    /// The answer to the prepay of `order`, with what the channel hands the payer; an answer
    /// naming another order is `.unknown`, as for a query.
    func prepayResult(_ response: ChannelResponse, for order: PrepayOrder) -> PrepayResult

    func queryRequest(_ payment: ChannelPaymentReference, now: Timestamp) throws(ChannelError) -> OutboundRequest
    /// The answer to the query of `paymentId`. A signed answer that names another order says
    /// nothing about this one (a channel that mixed up two requests): it is `.unknown`, never
    /// that order's state applied to ours (`AnsweredOrder`).
    func queryResult(_ response: ChannelResponse, for paymentId: PaymentId) -> QueryResult

    func closeRequest(_ payment: ChannelPaymentReference, now: Timestamp) throws(ChannelError) -> OutboundRequest
    /// The answer to closing `paymentId`; an answer naming another order is `.unknown`, as above.
    func closeResult(_ response: ChannelResponse, for paymentId: PaymentId) -> CloseResult

    func refundRequest(_ refund: RefundOrder, now: Timestamp) throws(ChannelError) -> OutboundRequest
    /// The answer to the refund request of `refund`. A signed answer about another refund, order
    /// or amount is `.unknown`, never applied (`AnsweredRefund`).
    func refundResult(_ response: ChannelResponse, for refund: RefundOrder) -> RefundResult

    func refundQueryRequest(_ refund: ChannelRefundReference, now: Timestamp) throws(ChannelError) -> OutboundRequest
    /// The answer to the refund query of `refund`; one about another refund is `.unknown`, as above.
    func refundQueryResult(_ response: ChannelResponse, for refund: ChannelRefundReference) -> RefundResult

    /// The statement (reconciliation) request of one China calendar day, `yyyy-MM-dd`.
    func statementRequest(day: String, now: Timestamp) throws(ChannelError) -> OutboundRequest
    /// What the first answer says: fetch the file (with the SHA-1 to check, when the channel
    /// gives one), the file is inline, or the channel has none for that day.
    func statementDownload(_ response: ChannelResponse, now: Timestamp) throws(ChannelError) -> StatementDownload
    /// Streams the downloaded file (as fetched, or the inline bytes written to disk) one record at
    /// a time. `expectedSHA1Hex` is the digest `.fetch` named; it is checked over the uncompressed
    /// file when the reader reaches its end. Records read before a throw belong to a bad file.
    func openStatement(path: String, day: String, expectedSHA1Hex: String?) throws(ChannelError) -> any StatementReader

    /// Verifies a callback (signature, decryption) before anything else looks at it, and maps it
    /// to a domain notification. A forged, undecryptable or malformed callback is `.rejected`.
    func verifyCallback(_ request: HTTPRequest, now: Timestamp) -> CallbackVerification

    /// What the channel expects back: Alipay `success`, WeChat Pay 200/204, UnionPay 200 `ok`;
    /// and the channel's own failure form when we refuse a callback.
    func callbackAcknowledgement(accepted: Bool) -> HTTPResponse
}

extension ChannelConnector {
    /// A statement with no digest to check (UnionPay's inline file, Alipay's download).
    public func openStatement(path: String, day: String) throws(ChannelError) -> any StatementReader {
        try openStatement(path: path, day: day, expectedSHA1Hex: nil)
    }
}

/// The HTTP answer a connector parses (status, lower-case header names, raw body).
public struct ChannelResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first(where: { $0.0 == name })?.1
    }
}

/// A connector-level failure to build a request or read an answer (never contains key material).
public struct ChannelError: Error, Sendable, Equatable {
    public enum Code: String, Sendable {
        case signingFailed = "signing_failed"
        case malformedResponse = "malformed_response"
        case badSignature = "bad_signature"
        case unsupported
        /// A statement file that cannot be trusted: digest mismatch, cut-off or corrupt archive,
        /// wrong encoding, a missing column, an unreadable line, a summary that disagrees.
        case badStatement = "bad_statement"
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }
}
