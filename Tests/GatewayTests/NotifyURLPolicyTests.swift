import PaygateCore
import XCTest

@testable import Gateway

final class NotifyURLPolicyTests: XCTestCase {
    private func refused(_ url: String, _ mode: Configuration.Mode) -> Bool {
        do { try NotifyURLPolicy.check(url, mode: mode); return false } catch {
            XCTAssertEqual(error.code, .invalidField)
            XCTAssertEqual(error.field, "notify_url")
            return true
        }
    }

    func testLocalModeAllowsHTTPToLoopback() {
        XCTAssertFalse(refused("http://127.0.0.1:8088/hooks", .local))
        XCTAssertFalse(refused("http://127.0.0.2/hooks", .local))
        XCTAssertFalse(refused("http://[::1]:8088/hooks", .local))
        XCTAssertFalse(refused("http://localhost:8088/hooks", .local))
        // A name is resolved at each send and the address connected to is checked then.
        XCTAssertFalse(refused("https://merchant.example/notify", .local))
    }

    /// Local mode delivers to loopback only (docs/API.md section 8): a literal address elsewhere
    /// could never be delivered to, so it is refused at create (section 5).
    func testLocalModeRefusesLiteralAddressesElsewhere() {
        for url in [
            "http://10.1.2.3/n", "http://192.168.255.254:9/notify", "https://169.254.169.254/latest", "http://93.184.216.34/n",
            "http://[fe80::1]:8443/n", "http://[::ffff:10.0.0.1]/n", "http://[2001:4860:4860::8888]/n", "http://0.0.0.0/n",
        ] {
            XCTAssertTrue(refused(url, .local), url)
        }
    }

    func testProductionRequiresHTTPS() {
        XCTAssertTrue(refused("http://merchant.example/notify", .production))
        XCTAssertFalse(refused("https://merchant.example/notify", .production))
        XCTAssertFalse(refused("https://93.184.216.34:8443/notify", .production))
    }

    func testProductionRefusesNonPublicLiteralsAndLocalNames() {
        for url in [
            "https://127.0.0.1/n", "https://10.1.2.3/n", "https://192.168.0.1:443/n", "https://169.254.169.254/latest",
            "https://[::1]/n", "https://[fe80::1]:8443/n", "https://[::ffff:10.0.0.1]/n", "https://localhost/n",
            "https://LOCALHOST:8443/n", "https://printer.local/n", "https://0.0.0.0/n",
        ] {
            XCTAssertTrue(refused(url, .production), url)
        }
    }

    func testCredentialsAreRefusedEverywhere() {
        XCTAssertTrue(refused("https://user:pass@merchant.example/n", .local))
        XCTAssertTrue(refused("https://user:pass@merchant.example/n", .production))
    }
}
