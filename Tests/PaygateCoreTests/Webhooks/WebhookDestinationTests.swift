import XCTest

@testable import PaygateCore

final class WebhookDestinationTests: XCTestCase {
    func testProductionNeedsHTTPS() {
        XCTAssertNil(WebhookDestination.refusal(for: "https://merchant.example/hooks", mode: .production))
        XCTAssertNil(WebhookDestination.refusal(for: "HTTPS://merchant.example:8443/h?x=1", mode: .production))
        XCTAssertEqual(
            WebhookDestination.refusal(for: "http://merchant.example/hooks", mode: .production)?.description,
            "notify_url must be https in production mode")
    }

    func testLocalModeAllowsLoopbackHTTP() {
        XCTAssertNil(WebhookDestination.refusal(for: "http://127.0.0.1:8080/hook", mode: .local))
        XCTAssertNil(WebhookDestination.refusal(for: "https://127.0.0.1/hook", mode: .local))
    }

    func testEveryModeRefusesWhatIsNoHTTPURL() {
        for mode in [Configuration.Mode.local, .production] {
            for url in ["ftp://merchant.example/", "file:///etc/passwd", "https://", "http:///path", "merchant.example"] {
                XCTAssertNotNil(WebhookDestination.refusal(for: url, mode: mode), url)
            }
            XCTAssertNotNil(WebhookDestination.refusal(for: "https://user:pw@merchant.example/", mode: mode))
        }
    }

    func testRefusalsNameNoPartOfTheURL() {
        let refusal = WebhookDestination.refusal(for: "http://secret-token.example/x", mode: .production)
        XCTAssertFalse(refusal!.description.contains("secret-token"))
    }

    func testSignaturePayloadAndHeader() {
        let body = Array(#"{"id":"evt_1"}"#.utf8)
        XCTAssertEqual(
            String(decoding: WebhookSignature.signedPayload(timestamp: 1_795_000_000, body: body), as: UTF8.self),
            #"1795000000.{"id":"evt_1"}"#)
        XCTAssertEqual(WebhookSignature.headerValue(timestamp: 1_795_000_000, macHex: "00ff"), "t=1795000000,v1=00ff")
        // During a webhook secret's rotation: one v1 per secret, the new one first.
        XCTAssertEqual(
            WebhookSignature.headerValue(timestamp: 1_795_000_000, macHexes: ["aa01", "bb02"]), "t=1795000000,v1=aa01,v1=bb02")
    }
}
