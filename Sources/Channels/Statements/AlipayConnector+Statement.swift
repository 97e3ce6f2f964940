import HTTPClient
import PaygateCore

/// `alipay.data.dataservice.bill.downloadurl.query` (`bill_type=trade`): a signed answer naming a
/// `bill_download_url` valid for 30 s, fetched with a plain GET (the URL carries Alipay's token)
/// and holding a zip read by `AlipayStatementReader`. Alipay publishes no digest of the file;
/// the zip's CRC-32s and the footer's totals are the checks.
extension AlipayConnector {
    /// sub_code of a day Alipay has no bill for.
    static let billNotExist = "isp.bill_not_exist"

    /// `day` is `yyyy-MM-dd`, a China calendar day, as Alipay's bill_date.
    public func statementRequest(day: String, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        try signedRequest(Method.statement, AlipayTransformers.statementContent(day: day), notifyURL: nil, now: now)
    }

    public func statementDownload(_ response: ChannelResponse, now: Timestamp) throws(ChannelError) -> StatementDownload {
        switch verifiedAnswer(response, Method.statement) {
        case .failure(let failure):
            throw ChannelError(.badSignature, failure.reason)
        case .success(let answer):
            if answer.string("sub_code") == Self.billNotExist { return .none }
            guard answer.string("code") == AlipayTransformers.successCode, let url = answer.string("bill_download_url"), !url.isEmpty else {
                throw ChannelError(
                    .malformedResponse,
                    "no bill_download_url (code \(answer.string("code") ?? "-"), sub_code \(answer.string("sub_code") ?? "-"))")
            }
            return .fetch(OutboundRequest(method: "GET", url: url), sha1Hex: nil)
        }
    }

    public func openStatement(path: String, day: String, expectedSHA1Hex: String?) throws(ChannelError) -> any StatementReader {
        guard expectedSHA1Hex == nil else { throw ChannelError(.unsupported, "Alipay publishes no digest of its bills") }
        return try AlipayStatementReader(path: path, day: day)
    }
}
