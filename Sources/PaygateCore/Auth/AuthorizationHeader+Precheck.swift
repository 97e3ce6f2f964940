extension AuthorizationHeader {
    /// The answer to a wrong signature, an unknown merchant and a merchant_id that no merchant
    /// can have: docs/API.md section 2 answers them alike, so nothing tells a caller which it was.
    public static let wrongSignatureMessage = "The signature does not match the request."

    /// What is refused before any lookup or HMAC (docs/API.md section 2), so that a request that
    /// cannot succeed costs neither a directory read nor a secret opened:
    /// - a merchant_id of any other shape than `mch_` and 24 lower-case hex digits (a trailing
    ///   space, upper case, another length) is an unknown merchant: 401 `invalid_signature`. The
    ///   directory is never asked about it, so no collation rule of the database can make it
    ///   match a real merchant's row;
    /// - a timestamp more than `windowSeconds` from `nowSeconds`: 401 `timestamp_out_of_window`.
    public func precheck(nowSeconds: Int64, windowSeconds: Int) throws(APIError) -> MerchantId {
        guard let merchant = MerchantId(merchantId) else {
            throw APIError(.invalidSignature, AuthorizationHeader.wrongSignatureMessage)
        }
        guard abs(nowSeconds - timestamp) <= Int64(windowSeconds) else {
            throw APIError(.timestampOutOfWindow, "The timestamp is more than \(windowSeconds) s from the server clock.")
        }
        return merchant
    }
}
