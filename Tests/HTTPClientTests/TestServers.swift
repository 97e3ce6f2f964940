import Foundation

/// Why the shared servers could not start; tests that need them fail with it.
struct TestServerError: Error, CustomStringConvertible {
    let description: String
}

/// Certificates (made by the openssl CLI) and the running test server of TestServerScript.
/// Started once per test process: generating keys and starting Python for each test would cost
/// more than the tests themselves.
struct TestServers: Sendable {
    let directory: String
    let caFile: String
    /// A CA that did not sign the server's certificate.
    let otherCAFile: String
    let httpsPort: Int
    let httpPort: Int
    /// Accepts TCP connections and never answers: a TLS handshake there can only time out.
    let silentPort: Int

    static let shared: Result<TestServers, TestServerError> = Result { try start() }
        .mapError { $0 as? TestServerError ?? TestServerError(description: "\($0)") }

    /// Throws (so the calling test fails, never skips) when the servers could not start.
    static func get() throws -> TestServers {
        try shared.get()
    }

    func url(_ path: String, host: String = "127.0.0.1") -> String {
        "https://\(host):\(httpsPort)\(path)"
    }

    /// How long the test server waits for its first line before the tests give up on it.
    private static let startTimeoutMilliseconds: Int32 = 10_000

    private static func start() throws -> TestServers {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("paygate-httpclient-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try makeCertificates(in: directory)
        let script = directory + "/server.py"
        try TestServerScript.source.write(toFile: script, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, directory + "/server.pem", directory + "/server.key"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        // A file, not a pipe: nobody reads it while tests run, and a full pipe would block Python.
        guard FileManager.default.createFile(atPath: directory + "/server.err", contents: nil) else {
            throw TestServerError(description: "cannot create \(directory)/server.err")
        }
        process.standardError = FileHandle(forWritingAtPath: directory + "/server.err")
        try process.run()
        // The write end of stdin stays open for the life of the test process; its close is the
        // server's signal to exit.
        KeepAlive.pipe = input

        let line = try readLine(from: output.fileHandleForReading.fileDescriptor)
        let stderr = (try? String(contentsOfFile: directory + "/server.err", encoding: .utf8)) ?? ""
        guard let data = line.data(using: .utf8),
            let ports = try? JSONSerialization.jsonObject(with: data) as? [String: Int],
            let https = ports["https"], let http = ports["http"], let silent = ports["silent"]
        else {
            throw TestServerError(description: "test server did not start: \(line) \(stderr)")
        }
        return TestServers(
            directory: directory, caFile: directory + "/ca.pem", otherCAFile: directory + "/other-ca.pem",
            httpsPort: https, httpPort: http, silentPort: silent)
    }

    private static func readLine(from descriptor: Int32) throws -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while !bytes.contains(0x0A) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, startTimeoutMilliseconds) == 1 else {
                throw TestServerError(description: "test server printed no ports in time")
            }
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { break }  // it exited; the caller reports its stderr
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func makeCertificates(in directory: String) throws {
        let caExtensions = ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]
        let ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try openssl(
            ["req", "-x509"] + ecKey + [
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=paygate test CA",
            ] + caExtensions, in: directory)
        try openssl(
            ["req", "-x509"] + ecKey + [
                "-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "2",
                "-subj", "/CN=paygate other CA",
            ] + caExtensions, in: directory)
        try openssl(
            ["req"] + ecKey + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            in: directory)
        let extensions = "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
        try extensions.write(toFile: directory + "/server.ext", atomically: true, encoding: .utf8)
        try openssl(
            [
                "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext",
            ], in: directory)
    }

    private static func openssl(_ arguments: [String], in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestServerError(description: "openssl \(arguments.prefix(2).joined(separator: " ")) failed")
        }
    }
}

/// Holds the server's stdin pipe; written once, while `TestServers.shared` is initialized.
private enum KeepAlive {
    nonisolated(unsafe) static var pipe: Pipe?
}
