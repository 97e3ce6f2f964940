import CCurl

extension OutboundError {
    /// Classifies a failed transfer. Whether the request may have been processed follows one rule:
    /// libcurl calls the pre-request callback just before sending, so a failure before that call
    /// left nothing at the peer.
    init(curlCode: CURLcode, context: TransferContext, detail: String) {
        let notSent = !context.requestReleased
        if let refused = context.refusedAddress {
            self.init(
                code: .destinationRefused,
                message: "destination \(refused) is not allowed by the destination policy",
                requestDefinitelyNotSent: true)
            return
        }
        if context.responseTooLarge || curlCode == CURLE_FILESIZE_EXCEEDED {
            self.init(code: .responseTooLarge, message: detail, requestDefinitelyNotSent: notSent)
            return
        }
        let code: Code
        switch curlCode {
        case CURLE_OPERATION_TIMEDOUT:
            code = notSent ? .connectTimeout : .timeout
        case CURLE_UNSUPPORTED_PROTOCOL:
            code = .destinationRefused  // a scheme outside PROTOCOLS_STR, e.g. http in production
        case CURLE_URL_MALFORMAT:
            code = .invalidRequest
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT,
            CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
            CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            code = .connectionFailed
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE:
            code = .tlsFailure
        default:
            code = .other(curlCode: Int(curlCode.rawValue))
        }
        self.init(code: code, message: detail, requestDefinitelyNotSent: notSent)
    }
}
