import PaygateCore

/// The parameters of one call to Alipay's gateway, in each layout Alipay's clients send:
/// - everything in a form-encoded POST body (paygate's connector);
/// - everything in the URL query of a GET (python-alipay-sdk);
/// - the common parameters and `sign` in the URL query, `biz_content` in a form-encoded POST
///   body (Alipay's official SDKs).
///
/// The layout changes nothing else: the signature covers the same sorted `k=v&…` text of every
/// non-empty parameter except `sign` (`sign_type` included), wherever each one travelled. A name
/// sent twice (in the query and in the body too) is refused, as one signed message must not be
/// readable two ways.
enum AlipayRequestForm {
    static func parameters(_ request: HTTPRequest) -> WireForm? {
        switch request.method {
        case "GET":
            guard request.body.isEmpty else { return nil }
            return WireForm.decoding(urlEncoded: Array(request.query.utf8))
        case "POST":
            // Joined with `&`, so a name in both halves is a repeated name, which decoding refuses.
            return WireForm.decoding(urlEncoded: Array(request.query.utf8) + [UInt8(ascii: "&")] + request.body)
        default:
            return nil
        }
    }
}
