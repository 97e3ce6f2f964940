import Foundation
import XCTest

@testable import Setup

/// The TLS material nginx serves, checked with the openssl command line as an independent oracle
/// (curl in the end-to-end suite checks it once more, through nginx).
final class TLSWriterTests: XCTestCase {
    private let openssl = "/usr/bin/openssl"

    private func verify(_ layout: StackLayout, _ extra: [String]) throws -> (status: Int32, output: String) {
        try runTool(openssl, ["verify", "-CAfile", layout.caCertificateFile] + extra + [layout.serverCertificateFile])
    }

    func testServerCertificateVerifiesFor127001AndLocalhost() throws {
        let layout = try temporaryRoot(self)
        _ = try StackInit.run(layout, options())
        XCTAssertEqual(try verify(layout, ["-verify_ip", "127.0.0.1", "-purpose", "sslserver"]).status, 0)
        XCTAssertEqual(try verify(layout, ["-verify_hostname", "localhost"]).status, 0)
        XCTAssertNotEqual(try verify(layout, ["-verify_hostname", "example.com"]).status, 0)
        let text = try runTool(openssl, ["x509", "-noout", "-text", "-in", layout.caCertificateFile]).output
        XCTAssertTrue(text.contains("CA:TRUE, pathlen:0"), text)
        XCTAssertTrue(text.contains("prime256v1") || text.contains("P-256"), text)
        let server = try runTool(openssl, ["x509", "-noout", "-text", "-in", layout.serverCertificateFile]).output
        XCTAssertTrue(server.contains("TLS Web Server Authentication"), server)
        XCTAssertTrue(server.contains("CA:FALSE"), server)
        // The key nginx loads is the certificate's.
        let keyPublic = try runTool(openssl, ["pkey", "-pubout", "-in", layout.serverKeyFile]).output
        let certificatePublic = try runTool(openssl, ["x509", "-noout", "-pubkey", "-in", layout.serverCertificateFile]).output
        XCTAssertEqual(keyPublic, certificatePublic)
    }

    func testAMissingServerCertificateIsReissuedByTheSameCA() throws {
        let layout = try temporaryRoot(self)
        _ = try StackInit.run(layout, options())
        let ca = try contents(layout.caCertificateFile)
        let server = try contents(layout.serverCertificateFile)
        try FileManager.default.removeItem(atPath: layout.serverCertificateFile)
        let result = try StackInit.run(layout, options())
        XCTAssertEqual(result.notes, ["generating the server certificate for 127.0.0.1 and localhost"])
        XCTAssertEqual(try contents(layout.caCertificateFile), ca)
        XCTAssertNotEqual(try contents(layout.serverCertificateFile), server)
        XCTAssertEqual(try verify(layout, ["-verify_ip", "127.0.0.1"]).status, 0)
    }

    func testANewCAMakesANewServerCertificate() throws {
        let layout = try temporaryRoot(self)
        _ = try StackInit.run(layout, options())
        let server = try contents(layout.serverCertificateFile)
        try FileManager.default.removeItem(atPath: layout.caKeyFile)
        let result = try StackInit.run(layout, options())
        XCTAssertEqual(result.notes.count, 2, "\(result.notes)")
        XCTAssertNotEqual(try contents(layout.serverCertificateFile), server)
        XCTAssertEqual(try verify(layout, ["-verify_ip", "127.0.0.1"]).status, 0)
    }

    /// A root whose CA the openssl command line made (the stack before init existed) keeps it.
    func testACAMadeByTheOpenSSLCommandLineSignsTheNewServerCertificate() throws {
        let layout = try temporaryRoot(self)
        try FileManager.default.createDirectory(atPath: layout.tlsDirectory, withIntermediateDirectories: true)
        XCTAssertEqual(
            try runTool(openssl, ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", layout.caKeyFile]).status, 0
        )
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: layout.caKeyFile)
        XCTAssertEqual(
            try runTool(
                openssl,
                [
                    "req", "-x509", "-new", "-key", layout.caKeyFile, "-subj", "/CN=old CA", "-days", "30", "-out",
                    layout.caCertificateFile,
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
                ]
            ).status, 0)
        let ca = try contents(layout.caCertificateFile)
        _ = try StackInit.run(layout, options())
        XCTAssertEqual(try contents(layout.caCertificateFile), ca)
        XCTAssertEqual(try verify(layout, ["-verify_ip", "127.0.0.1"]).status, 0)
    }
}
