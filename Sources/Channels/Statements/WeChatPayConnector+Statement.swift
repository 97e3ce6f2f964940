import FileFormats
import HTTPClient
import PaygateCore

/// `GET /v3/bill/tradebill` (`bill_type=ALL`, `tar_type=GZIP`): a signed answer with the file's
/// SHA-1 and a `download_url` on the API host, fetched with a signed GET; the file is gzip and
/// read by `WeChatPayStatementReader`, which checks the SHA-1 over the uncompressed bytes.
extension WeChatPayConnector {
    /// The error code of a day without a bill (HTTP 400), which is not a failure.
    static let noStatementCode = "NO_STATEMENT_EXIST"

    /// `day` is `yyyy-MM-dd` (a China calendar day); all trades of the day, gzip.
    public func statementRequest(day: String, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        try signedRequest(
            "GET", "/v3/bill/tradebill?bill_date=" + FormFields.percentEncoded(day) + "&bill_type=ALL&tar_type=GZIP", body: "", now: now)
    }

    public func statementDownload(_ response: ChannelResponse, now: Timestamp) throws(ChannelError) -> StatementDownload {
        let answer: JSONValue
        switch verifiedAnswer(response) {
        case .failure(let failure): throw ChannelError(.badSignature, failure.reason)
        case .success(let value): answer = value
        }
        if response.status == 400, answer.string("code") == Self.noStatementCode { return .none }
        guard response.status == 200, answer.string("hash_type") == "SHA1", let digest = answer.string("hash_value"),
            digest.utf8.count == 40, digest.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) })
        else {
            throw ChannelError(.malformedResponse, "no SHA1 hash_value in the bill answer (HTTP \(response.status))")
        }
        // Only a URL on our configured host gets our Authorization header.
        guard let url = answer.string("download_url"), url.hasPrefix(account.baseURL + "/") else {
            throw ChannelError(.malformedResponse, "no download_url on the API host")
        }
        return .fetch(
            try signedRequest("GET", String(url.dropFirst(account.baseURL.count)), body: "", now: now), sha1Hex: digest.lowercased())
    }

    public func openStatement(path: String, day: String, expectedSHA1Hex: String?) throws(ChannelError) -> any StatementReader {
        try WeChatPayStatementReader(path: path, expectedSHA1Hex: expectedSHA1Hex)
    }
}
