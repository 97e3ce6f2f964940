import Foundation
import XCTest

@testable import PaygateCore

final class ConfigurationTests: XCTestCase {
    /// The example of /tmp/team/common.md with ROOT = /srv/paygate; `pool` and top-level extras are spliced in.
    private func exampleJSON(pool: String? = nil, extra: String = "") -> String {
        let poolText =
            pool ?? """
                {"socket_path": "/srv/paygate/run/paygate.sock", "workers": 2, "threads_per_worker": 64,
                 "request_body_bytes_max": 65536, "pid_file": "/srv/paygate/run/paygate.pid"}
                """
        return """
            {
              "mode": "local",
              "master_key_file": "/srv/paygate/secrets/master.key",
              "auth_window_seconds": 300,\(extra)
              "pool": \(poolText),
              "database": {
                "servers": [{"name": "s0", "socket": "/srv/paygate/mariadb/s0/mysqld.sock", "user": "root"},
                            {"name": "s1", "socket": "/srv/paygate/mariadb/s1/mysqld.sock", "user": "root"}],
                "directory": {"server": "s0", "database": "paygate_directory"},
                "shards": [{"name": "shard0", "server": "s0", "database": "paygate_shard_0"},
                           {"name": "shard1", "server": "s0", "database": "paygate_shard_1"},
                           {"name": "shard2", "server": "s1", "database": "paygate_shard_2"},
                           {"name": "shard3", "server": "s1", "database": "paygate_shard_3"}],
                "slot_count": 1024,
                "slot_map": [{"first": 0, "last": 255, "shard": "shard0"}, {"first": 256, "last": 511, "shard": "shard1"},
                             {"first": 512, "last": 767, "shard": "shard2"}, {"first": 768, "last": 1023, "shard": "shard3"}]
              }
            }
            """
    }

    private func decode(_ text: String) throws -> Configuration {
        try JSONDecoder().decode(Configuration.self, from: Data(text.utf8))
    }

    private func validationError(_ text: String) -> String? {
        do {
            try decode(text).validate()
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testDecodesTheFullExample() throws {
        let configuration = try decode(exampleJSON())
        XCTAssertEqual(configuration.mode, .local)
        XCTAssertEqual(configuration.masterKeyFile, "/srv/paygate/secrets/master.key")
        XCTAssertEqual(configuration.authWindowSeconds, 300)
        XCTAssertEqual(configuration.pool.socketPath, "/srv/paygate/run/paygate.sock")
        XCTAssertEqual(configuration.pool.workers, 2)
        XCTAssertEqual(configuration.pool.threadsPerWorker, 64)
        XCTAssertEqual(configuration.pool.requestBodyBytesMax, 65_536)
        XCTAssertEqual(configuration.pool.pidFile, "/srv/paygate/run/paygate.pid")
        XCTAssertEqual(configuration.database.servers.map(\.name), ["s0", "s1"])
        XCTAssertEqual(configuration.database.servers[1].socket, "/srv/paygate/mariadb/s1/mysqld.sock")
        XCTAssertEqual(configuration.database.servers[0].user, "root")
        XCTAssertNil(configuration.database.servers[0].password)
        XCTAssertEqual(configuration.database.directory.database, "paygate_directory")
        XCTAssertEqual(configuration.database.shards.map(\.server), ["s0", "s0", "s1", "s1"])
        XCTAssertEqual(configuration.database.slotCount, 1024)
        XCTAssertEqual(configuration.database.slotMap.map(\.first), [0, 256, 512, 768])
        XCTAssertEqual(configuration.database.slotMap.map(\.shard), ["shard0", "shard1", "shard2", "shard3"])
        XCTAssertNoThrow(try configuration.validate())
        let map = try ShardMap(configuration.database)
        XCTAssertEqual(map.shardIndex(forSlot: 574), 2)
    }

    func testDocumentedDefaults() throws {
        let configuration = try decode(exampleJSON(pool: "{\"socket_path\": \"/s\"}"))
        XCTAssertEqual(configuration.idempotencyTTLSeconds, 86_400)
        XCTAssertEqual(configuration.idempotencyLeaseSeconds, 60)
        XCTAssertEqual(configuration.merchantCacheSeconds, 5)
        XCTAssertEqual(configuration.pool.workers, 2)
        XCTAssertEqual(configuration.pool.threadsPerWorker, 256)
        XCTAssertEqual(configuration.pool.workingThreadsMax, 6)
        XCTAssertEqual(configuration.pool.requestBodyBytesMax, 65_536)
        XCTAssertNil(configuration.pool.pidFile)
        XCTAssertEqual(configuration.database.connectTimeoutSeconds, 2)
        XCTAssertEqual(configuration.database.readTimeoutSeconds, 10)
        XCTAssertEqual(configuration.database.writeTimeoutSeconds, 10)
        XCTAssertEqual(configuration.database.pool.connectionsPerShard, 8)
        XCTAssertEqual(configuration.database.pool.directoryConnections, 4)
        XCTAssertEqual(configuration.database.pool.connectionWaitMilliseconds, 2_000)
        XCTAssertEqual(configuration.queries.scheduleSeconds, [30, 60, 120, 300, 600])
        XCTAssertEqual(configuration.queries.channelRatePerSecond, 50)
        let withoutOptional = exampleJSON()
            .replacingOccurrences(of: "\"mode\": \"local\",", with: "")
            .replacingOccurrences(of: "\"auth_window_seconds\": 300,", with: "")
        let minimal = try decode(withoutOptional)
        XCTAssertEqual(minimal.mode, .local)
        XCTAssertEqual(minimal.authWindowSeconds, 300)
    }

    func testProductionModeAndOverrides() throws {
        let text = exampleJSON(extra: "\n\"idempotency_ttl_seconds\": 172800, \"merchant_cache_seconds\": 1,")
            .replacingOccurrences(of: "\"local\"", with: "\"production\"")
        let configuration = try decode(text)
        XCTAssertEqual(configuration.mode, .production)
        XCTAssertEqual(configuration.idempotencyTTLSeconds, 172_800)
        XCTAssertEqual(configuration.merchantCacheSeconds, 1)
    }

    func testDecodingRefusesBrokenFiles() {
        XCTAssertThrowsError(try decode(exampleJSON().replacingOccurrences(of: "\"local\"", with: "\"staging\"")))
        XCTAssertThrowsError(try decode(exampleJSON().replacingOccurrences(of: "\"master_key_file\"", with: "\"master_key\"")))
        XCTAssertThrowsError(try decode(exampleJSON(pool: "{\"workers\": 2}")))
        XCTAssertThrowsError(
            try decode(exampleJSON().replacingOccurrences(of: "\"auth_window_seconds\": 300", with: "\"auth_window_seconds\": \"300\"")))
        XCTAssertThrowsError(try decode("{}"))
    }

    func testValidateRefusesBadLimits() {
        XCTAssertNil(validationError(exampleJSON()))
        XCTAssertNotNil(
            validationError(exampleJSON().replacingOccurrences(of: "\"auth_window_seconds\": 300", with: "\"auth_window_seconds\": 0")))
        XCTAssertNotNil(
            validationError(exampleJSON().replacingOccurrences(of: "\"auth_window_seconds\": 300", with: "\"auth_window_seconds\": -5")))
        XCTAssertNotNil(validationError(exampleJSON(extra: " \"idempotency_ttl_seconds\": 86399,")))
        XCTAssertNotNil(validationError(exampleJSON(pool: "{\"socket_path\": \"/s\", \"workers\": 0}")))
        XCTAssertNotNil(validationError(exampleJSON(pool: "{\"socket_path\": \"/s\", \"threads_per_worker\": 0}")))
        XCTAssertNotNil(validationError(exampleJSON(pool: "{\"socket_path\": \"/s\", \"working_threads_max\": 0}")))
        XCTAssertNotNil(
            validationError(exampleJSON(pool: "{\"socket_path\": \"/s\", \"threads_per_worker\": 8, \"working_threads_max\": 9}")))
        XCTAssertNotNil(validationError(exampleJSON(pool: "{\"socket_path\": \"/s\", \"request_body_bytes_max\": 1023}")))
        XCTAssertNil(validationError(exampleJSON(pool: "{\"socket_path\": \"/s\", \"request_body_bytes_max\": 1024}")))
        // A connection wait as long as a statement's timeout would turn a full pool into timeouts.
        XCTAssertNotNil(validationError(exampleJSON(extra: " \"queries\": {\"schedule_seconds\": []},")))
        XCTAssertNotNil(validationError(exampleJSON(extra: " \"queries\": {\"schedule_seconds\": [30, 0]},")))
        XCTAssertNotNil(validationError(exampleJSON(extra: " \"queries\": {\"channel_rate_per_second\": 0},")))
        XCTAssertNil(validationError(exampleJSON(extra: " \"queries\": {\"schedule_seconds\": [20, 20]},")))
    }

    func testTheConnectionPoolMustWaitLessThanAStatement() throws {
        func pooled(_ pool: String) -> String {
            exampleJSON().replacingOccurrences(of: "\"slot_count\"", with: "\"pool\": \(pool), \"slot_count\"")
        }
        XCTAssertNil(validationError(pooled("{\"connections_per_shard\": 4, \"connection_wait_ms\": 1000}")))
        XCTAssertEqual(try decode(pooled("{\"connections_per_shard\": 4}")).database.pool.connectionsPerShard, 4)
        XCTAssertNotNil(validationError(pooled("{\"connections_per_shard\": 0}")))
        XCTAssertNotNil(validationError(pooled("{\"connection_wait_ms\": 10000}")), "not below read_timeout_seconds (10)")
        XCTAssertNotNil(validationError(pooled("{\"connection_wait_ms\": 0}")))
    }

    func testValidateRefusesABadSlotMap() {
        let gap = exampleJSON().replacingOccurrences(of: "{\"first\": 256, \"last\": 511", with: "{\"first\": 257, \"last\": 511")
        XCTAssertNotNil(validationError(gap))
        let unknown = exampleJSON().replacingOccurrences(
            of: "\"server\": \"s1\", \"database\": \"paygate_shard_3\"", with: "\"server\": \"s9\", \"database\": \"paygate_shard_3\"")
        XCTAssertTrue(validationError(unknown)?.contains("s9") ?? false)
    }

    func testLoadReadsAndValidatesAFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "paygate-core-tests-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.json")
        try Data(exampleJSON().utf8).write(to: good)
        XCTAssertEqual(try Configuration.load(path: good.path).database.shards.count, 4)
        let bad = directory.appendingPathComponent("bad.json")
        try Data(exampleJSON(pool: "{\"socket_path\": \"/s\", \"workers\": 0}").utf8).write(to: bad)
        XCTAssertThrowsError(try Configuration.load(path: bad.path))
        let broken = directory.appendingPathComponent("broken.json")
        try Data("{\"mode\":".utf8).write(to: broken)
        XCTAssertThrowsError(try Configuration.load(path: broken.path))
        XCTAssertThrowsError(try Configuration.load(path: directory.appendingPathComponent("missing.json").path))
    }
}

/// Which account each kind of process connects with (`DatabaseConfiguration.using`).
final class DatabaseAccountsTests: XCTestCase {
    private func database(accounts: String) throws -> DatabaseConfiguration {
        let json = """
            {"servers": [{"name": "s0", "socket": "/r/s0.sock", "user": "paygate_app", "password_file": "/r/app.password"},
                         {"name": "s1", "host": "db1.internal", "port": 3306, "user": "paygate_app", "password_file": "/r/app.password",
                          "tls": {"ca_file": "/r/db-ca.pem"}}],
             "directory": {"server": "s0", "database": "d"},
             "shards": [{"name": "shard0", "server": "s1", "database": "s"}],
             "slot_map": [{"first": 0, "last": 1023, "shard": "shard0"}]\(accounts)}
            """
        return try JSONDecoder().decode(DatabaseConfiguration.self, from: Data(json.utf8))
    }

    func testEachRoleGetsItsAccountOnEveryServer() throws {
        let configuration = try database(
            accounts: """
                , "accounts": {"migration": {"user": "paygate_migrate", "password_file": "/r/m.password"},
                               "read_only": {"user": "paygate_read", "password_file": "/r/r.password"}}
                """)
        XCTAssertEqual(configuration.using(.application).servers.map(\.user), ["paygate_app", "paygate_app"])
        XCTAssertEqual(configuration.using(.migration).servers.map(\.user), ["paygate_migrate", "paygate_migrate"])
        XCTAssertEqual(configuration.using(.migration).servers.map(\.passwordFile), ["/r/m.password", "/r/m.password"])
        XCTAssertEqual(configuration.using(.readOnly).servers.map(\.user), ["paygate_read", "paygate_read"])
        XCTAssertEqual(configuration.using(.readOnly).servers.map(\.passwordFile), ["/r/r.password", "/r/r.password"])
        XCTAssertEqual(configuration.accounts.host, "localhost")
        // TLS stays with the server whatever the account.
        XCTAssertEqual(configuration.using(.readOnly).servers[1].tls, DatabaseTLS(caFile: "/r/db-ca.pem"))
        XCTAssertEqual(configuration.servers[1].tls?.verifyServerCertificate, true)
    }

    func testWithoutAccountsEveryRoleUsesTheServersUser() throws {
        let configuration = try database(accounts: "")
        for role in DatabaseRole.allCases {
            XCTAssertEqual(configuration.using(role).servers.map(\.user), ["paygate_app", "paygate_app"])
            XCTAssertEqual(configuration.using(role).servers.map(\.passwordFile), ["/r/app.password", "/r/app.password"])
        }
    }
}
