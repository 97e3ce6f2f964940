import Foundation
import PaygateCrypto
import XCTest

@testable import Setup

/// A fresh stack root for one test, removed at its end (test keys protect nothing, but they do not
/// outlive the test either).
func temporaryRoot(_ test: XCTestCase) throws -> StackLayout {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("paygate-setup-\(UUID().uuidString.prefix(8))").path
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return try StackLayout(root: path)
}

func options(port: Int = 18443, sandboxPort: Int = 19443, _ edit: (inout InitOptions) -> Void = { _ in }) -> InitOptions {
    var options = InitOptions(port: port, sandboxPort: sandboxPort)
    edit(&options)
    return options
}

func mode(_ path: String) throws -> Int {
    try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int, path)
}

/// The master keys `paygate-admin init` made for `layout` (they open our sealed channel keys).
func masterKeys(_ layout: StackLayout) throws -> KeyRing {
    try KeyRing(location: KeyRingLocation(firstKeyFile: layout.masterKeyFile, directory: layout.masterKeyDirectory))
}

func contents(_ path: String) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: path))
}

/// Every regular file under `directory` with its bytes, by path relative to it.
func snapshot(_ directory: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: directory)
    while let name = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
            files[name] = try contents(directory + "/" + name)
        }
    }
    return files
}

/// Runs a tool (the openssl command line serves as an independent oracle) and returns its output.
@discardableResult
func runTool(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
