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
        XCTAssertFalse(refused("https://merchant.example/notify", .local))
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
