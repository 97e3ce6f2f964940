import Foundation
import XCTest

@testable import PaygateCore

final class AuthFailuresConfigurationTests: XCTestCase {
    private func decode(_ text: String) throws -> AuthFailuresConfiguration {
        try JSONDecoder().decode(AuthFailuresConfiguration.self, from: Data(text.utf8))
    }

    func testDocumentedDefaults() throws {
        let configuration = try decode("{}")
        XCTAssertEqual(configuration, AuthFailuresConfiguration())
        XCTAssertEqual(configuration.failuresMax, 20)
        XCTAssertEqual(configuration.windowSeconds, 60)
        XCTAssertEqual(configuration.exemptAddresses, [])
    }

    func testOverridesRoundTrip() throws {
        let configuration = try decode(#"{"failures_max": 5, "window_seconds": 600, "exempt_addresses": ["10.0.0.1"]}"#)
        XCTAssertEqual(configuration.failuresMax, 5)
        XCTAssertEqual(configuration.windowSeconds, 600)
        XCTAssertEqual(configuration.exemptAddresses, ["10.0.0.1"])
        XCTAssertEqual(try decode(String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)), configuration)
        XCTAssertNoThrow(try configuration.validate())
    }

    func testValidateRefusesLimitsThatLimitNothingOrForever() throws {
        for text in [#"{"failures_max": 0}"#, #"{"window_seconds": 0}"#, #"{"window_seconds": 86401}"#] {
            XCTAssertThrowsError(try decode(text).validate(), text)
        }
    }
}
