import FileFormats
import HTTPClient
import PaygateCore
import PaygateCrypto

/// The file transfer request (txnType 76, fileType 00, settleDate MMDD): the signed answer holds
/// the archive itself, `fileContent` = Base64 of the zlib-compressed zip (the ACP SDK inflates it
/// before writing `fileName`), or respCode 98 when there is no file for that day.
extension UnionPayConnector {
    static let noFileCode = "98"

    public func statementRequest(day: String, now: Timestamp) throws(ChannelError) -> OutboundRequest {
        let digits = day.filter(\.isNumber)
        guard day.utf8.count == 10, digits.count == 8 else { throw ChannelError(.unsupported, "statement day must be yyyy-MM-dd") }
        return try signedRequest(
            account.baseURL + "/fileTransfer.do", UnionPayTransformers.fileTransferFields(settleDate: String(digits.suffix(4)), now: now))
    }

    public func statementDownload(_ response: ChannelResponse, now: Timestamp) throws(ChannelError) -> StatementDownload {
        let answer: FormFields
        switch verifiedAnswer(response) {
        case .failure(let failure): throw ChannelError(.badSignature, failure.reason)
        case .success(let fields): answer = fields
        }
        if answer["respCode"] == Self.noFileCode { return .none }
        guard answer["respCode"] == UnionPayTransformers.successCode, let content = answer["fileContent"].flatMap(Base64.decode) else {
            throw ChannelError(.malformedResponse, "no statement file (respCode \(answer["respCode"] ?? "-"))")
        }
        return .inline(
            try StatementFile.attempt("UnionPay fileContent") { () throws(FileFormatError) in
                try Zlib.decompress(content, format: .zlib, outputBytesMax: StatementFile.inlineBytesMax)
            })
    }

    public func openStatement(path: String, day: String, expectedSHA1Hex: String?) throws(ChannelError) -> any StatementReader {
        guard expectedSHA1Hex == nil else { throw ChannelError(.unsupported, "UnionPay publishes no digest of its files") }
        return try UnionPayStatementReader(path: path, day: day, merchantId: account.merchantId)
    }
}
