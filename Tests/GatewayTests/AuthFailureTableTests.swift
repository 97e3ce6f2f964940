import PaygateCore
import XCTest

@testable import Gateway

/// The pool's per-address limit on failed authentications (AuthFailuresConfiguration).
final class AuthFailureTableTests: XCTestCase {
    private static let start: Int64 = 1_700_000_000

    private func table(failuresMax: Int = 3, windowSeconds: Int = 60, exempt: [String] = []) -> AuthFailureTable {
        var configuration = AuthFailuresConfiguration()
        configuration.failuresMax = failuresMax
        configuration.windowSeconds = windowSeconds
        configuration.exemptAddresses = exempt
        return AuthFailureTable(configuration)
    }

    func testAnAddressIsRefusedOnceItHasUsedItsFailuresAndForgivenWhenItsWindowEnds() {
        var table = table()
        let address = "198.51.100.7"
        for second in 0..<3 {
            XCTAssertFalse(table.isRefused(address, nowSeconds: Self.start + Int64(second)))
            table.recordFailure(address, nowSeconds: Self.start + Int64(second))
        }
        XCTAssertEqual(table.window(of: address), AuthFailureTable.Window(startedSeconds: Self.start, failures: 3))
        XCTAssertTrue(table.isRefused(address, nowSeconds: Self.start + 3))
        XCTAssertTrue(table.isRefused(address, nowSeconds: Self.start + 59))
        XCTAssertFalse(table.isRefused(address, nowSeconds: Self.start + 60))
        // A failure after the window opens a fresh one.
        table.recordFailure(address, nowSeconds: Self.start + 61)
        XCTAssertEqual(table.window(of: address), AuthFailureTable.Window(startedSeconds: Self.start + 61, failures: 1))
        XCTAssertFalse(table.isRefused(address, nowSeconds: Self.start + 62))
    }

    func testAddressesAreCountedApart() {
        var table = table(failuresMax: 1)
        table.recordFailure("198.51.100.7", nowSeconds: Self.start)
        XCTAssertTrue(table.isRefused("198.51.100.7", nowSeconds: Self.start))
        XCTAssertFalse(table.isRefused("198.51.100.8", nowSeconds: Self.start))
        XCTAssertFalse(table.isRefused("", nowSeconds: Self.start))
    }

    func testExemptAddressesAreNeverCounted() {
        var table = table(failuresMax: 1, exempt: ["127.0.0.1"])
        for _ in 0..<10 { table.recordFailure("127.0.0.1", nowSeconds: Self.start) }
        XCTAssertFalse(table.isRefused("127.0.0.1", nowSeconds: Self.start))
        XCTAssertNil(table.window(of: "127.0.0.1"))
    }

    func testTheTableIsBoundedAndKeepsTheAddressesFailingNow() {
        var table = table(failuresMax: 2)
        table.recordFailure("attacker", nowSeconds: Self.start)
        for index in 0..<(AuthFailureTable.addressCountMax + 10) {
            table.recordFailure("10.\(index >> 16).\((index >> 8) & 255).\(index & 255)", nowSeconds: Self.start)
            if index % 1_000 == 0 { table.recordFailure("attacker", nowSeconds: Self.start) }
        }
        XCTAssertTrue(table.isRefused("attacker", nowSeconds: Self.start))
        XCTAssertNil(table.window(of: "10.0.0.0"))  // the quietest went first
    }
}
