import XCTest

@testable import PaygateCore

/// Runs `body`, which must throw an APIError, and returns that error (nil and a failure otherwise).
func thrownAPIError<T>(
    _ body: () throws(APIError) -> T, file: StaticString = #filePath, line: UInt = #line
) -> APIError? {
    do {
        let value = try body()
        XCTFail("expected an APIError, got \(value)", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

/// Asserts that `body` throws an APIError with `code` (and `field`, when given).
func assertAPIError<T>(
    _ code: APIErrorCode, field: String? = nil, _ body: () throws(APIError) -> T,
    file: StaticString = #filePath, line: UInt = #line
) {
    guard let error = thrownAPIError(body, file: file, line: line) else { return }
    XCTAssertEqual(error.code, code, "message: \(error.message)", file: file, line: line)
    if let field {
        XCTAssertEqual(error.field, field, file: file, line: line)
    }
}
