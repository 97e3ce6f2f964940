import Foundation
import PaygateCore
import PaygateCrypto

/// Writes pre-signed `POST /v1/payments` requests for wrk (one per line: the Authorization
/// header, a tab, the JSON body). Every request has its own merchant_order_no and nonce, so each
/// is a real create that is accepted once; they are signed just before the run, well inside the
/// 300 s window. With `payer`, each carries a payer as real traffic does, for risk's counters
/// ((i): risk on against risk off): an address of its own per request, a device and a user per
/// three requests, so the default rules' velocity limits are never reached by the load itself.
enum SignedRequests {
    static func payer(_ index: Int) -> String {
        let address = "10.\(index >> 16 & 255).\(index >> 8 & 255).\(index & 255)"
        return #"{"ip":"\#(address)","device_id":"bench-device-\#(index / 3)","user_id":"bench-user-\#(index / 3)"}"#
    }

    static func write(merchantId: String, secret: String, count: Int, to path: String, payer: Bool = false) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw ConfigurationError("cannot write \(path)")
        }
        defer { try? handle.close() }
        let timestamp = Timestamp.now().secondsSinceEpoch
        let runId = Hex.encode(try SecureRandom.bytes(4))
        var chunk = ""
        for index in 0..<count {
            let payerMember = payer ? #","payer":"# + Self.payer(index) : ""
            let body =
                #"{"merchant_order_no":"bench-\#(runId)-\#(index)","amount":"12.30","currency":"CNY","channel":"alipay","subject":"bench","notify_url":"https://merchant.example/notify"\#(payerMember)}"#
            let nonce = try SecureRandom.alphanumeric(32)
            let signature = Base64.encode(
                HMACSHA256.authenticate(
                    key: Array(secret.utf8),
                    message: AuthorizationHeader.stringToSign(
                        method: "POST", requestURI: "/v1/payments", timestamp: timestamp, nonce: nonce, body: Array(body.utf8))))
            chunk +=
                "PAYGATE-HMAC-SHA256 merchant_id=\"\(merchantId)\",timestamp=\"\(timestamp)\",nonce=\"\(nonce)\",signature=\"\(signature)\"\t\(body)\n"
            if chunk.utf8.count > 1 << 20 { handle.write(Data(chunk.utf8)); chunk = "" }
        }
        handle.write(Data(chunk.utf8))
    }
}
