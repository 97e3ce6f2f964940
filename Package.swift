// swift-tools-version: 6.0
// paygate: nginx -> FastCGI pool (this package) -> sharded MariaDB.
// No SwiftPM dependencies on purpose: C libraries come from Debian, everything else is ours,
// which keeps a fresh CI build short.
import PackageDescription

// One strict settings list for every Swift target.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .unsafeFlags(["-warnings-as-errors"], .when(configuration: .debug)),
]

let package = Package(
    name: "paygate",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "paygate", targets: ["paygate"]),
        .executable(name: "paygate-admin", targets: ["paygate-admin"]),
        .executable(name: "paygate-bench", targets: ["paygate-bench"]),
        .executable(name: "paygate-sandbox", targets: ["paygate-sandbox"]),
        .executable(name: "paygate-worker", targets: ["paygate-worker"]),
    ],
    targets: [
        // C libraries: only the wrapper module right below each one imports it.
        .systemLibrary(name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "CMariaDB", pkgConfig: "libmariadb", providers: [.apt(["libmariadb-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),

        // Thin wrappers: Swift types in, typed errors out.
        .target(name: "FastCGI", dependencies: ["CFastCGI"], swiftSettings: strict),
        .target(name: "MariaDB", dependencies: ["CMariaDB"], swiftSettings: strict),
        .target(name: "PaygateCrypto", dependencies: ["COpenSSL", "PaygateCore"], swiftSettings: strict),
        // Outbound HTTPS (channels, webhooks): libcurl behind one client.
        .target(name: "HTTPClient", dependencies: ["CCurl"], swiftSettings: strict),
        // The containers and encodings channels publish statements in: zip, gzip, zlib (zlib
        // behind it), GBK text (glibc iconv), lines streamed from disk.
        .target(name: "FileFormats", dependencies: ["CZlib"], swiftSettings: strict),
        // Redis over its unix socket (the risk counters): hiredis behind one connection type,
        // replies as a Swift enum, EVALSHA that loads its script again after a restart.
        .target(name: "Redis", dependencies: ["CHiredis"], swiftSettings: strict),

        // Pure domain: money, state machine, validation, routing, ids. No I/O.
        .target(name: "PaygateCore", swiftSettings: strict),
        // Shards, connections and the transactions that touch them.
        // The risk counters in Redis live here too (Storage/Risk).
        .target(name: "Storage", dependencies: ["PaygateCore", "MariaDB", "PaygateCrypto", "Redis"], swiftSettings: strict),
        // Payment channels: connectors (pure request/response/callback transformers), keys.
        .target(name: "Channels", dependencies: ["PaygateCore", "PaygateCrypto", "HTTPClient", "FileFormats"], swiftSettings: strict),
        // The channel sandbox: plays Alipay, WeChat Pay and UnionPay from their side (local stack, tests).
        .target(name: "Sandbox", dependencies: ["PaygateCore", "PaygateCrypto", "HTTPClient", "FileFormats"], swiftSettings: strict),
        // The flows (create, close, callback, query, expiry, refunds, lookups) over the ports of
        // PaygateCore (stores, clock) and their own (channels). They decide nothing themselves:
        // the core decides, the stores execute.
        .target(name: "Services", dependencies: ["PaygateCore", "PaygateCrypto", "Channels", "HTTPClient"], swiftSettings: strict),
        // The in-memory twin of the stores (unit tests of the flows, simulations).
        .target(name: "StorageMemory", dependencies: ["PaygateCore", "PaygateCrypto"], swiftSettings: strict),
        // HTTP only: routes, authentication, Idempotency-Key, parsing and rendering.
        .target(
            name: "Gateway", dependencies: ["PaygateCore", "Services", "Storage", "PaygateCrypto", "MariaDB", "HTTPClient"],
            swiftSettings: strict),
        // paygate-worker's loops: due payments (expiry, queries), refunds and late refunds the
        // channel has not settled, webhook delivery.
        .target(
            name: "Jobs", dependencies: ["PaygateCore", "Services", "Storage", "PaygateCrypto", "MariaDB", "HTTPClient"],
            swiftSettings: strict),
        // Master + forked workers + threads serving FastCGI.
        .target(name: "Pool", dependencies: ["PaygateCore", "FastCGI"], swiftSettings: strict),
        // The files of a stack root (paygate-admin init): configuration written with the types that
        // read it, keys and certificates made with PaygateCrypto.
        .target(name: "Setup", dependencies: ["PaygateCore", "PaygateCrypto", "Channels", "Sandbox"], swiftSettings: strict),

        .executableTarget(name: "paygate", dependencies: ["Pool", "Gateway", "PaygateCore"], swiftSettings: strict),
        .executableTarget(
            name: "paygate-admin",
            dependencies: ["Storage", "PaygateCore", "PaygateCrypto", "Setup", "Jobs", "Services", "Channels", "HTTPClient"],
            swiftSettings: strict),
        .executableTarget(name: "paygate-worker", dependencies: ["Jobs", "PaygateCore"], swiftSettings: strict),
        .executableTarget(name: "paygate-sandbox", dependencies: ["Sandbox", "Pool", "PaygateCore", "HTTPClient"], swiftSettings: strict),
        .executableTarget(
            name: "paygate-bench",
            dependencies: ["Storage", "PaygateCore", "PaygateCrypto", "HTTPClient", "MariaDB", "Sandbox", "Channels", "Services"],
            swiftSettings: strict
        ),

        .testTarget(
            name: "PaygateCoreTests", dependencies: ["PaygateCore", "StorageMemory", "PaygateCrypto"], exclude: ["Fixtures"],
            swiftSettings: strict),
        .testTarget(name: "PaygateCryptoTests", dependencies: ["PaygateCrypto", "PaygateCore"], swiftSettings: strict),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient"], swiftSettings: strict),
        .testTarget(name: "FileFormatsTests", dependencies: ["FileFormats"], swiftSettings: strict),
        .testTarget(
            name: "ChannelsTests", dependencies: ["Channels", "PaygateCore", "PaygateCrypto", "Setup", "FileFormats"], swiftSettings: strict
        ),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "PaygateCore"], swiftSettings: strict),
        .testTarget(name: "ServicesTests", dependencies: ["Services", "StorageMemory", "PaygateCore", "Channels"], swiftSettings: strict),
        .testTarget(name: "JobsTests", dependencies: ["Jobs", "PaygateCore"], swiftSettings: strict),
        .testTarget(
            name: "StorageTests", dependencies: ["Storage", "PaygateCore", "PaygateCrypto", "MariaDB", "Redis"], swiftSettings: strict),
        // One set of store tests (the ports' promises) run on the in-memory twin and on MariaDB's
        // stores; the MariaDB class needs a running stack (scripts/e2e.sh runs it).
        .testTarget(
            name: "StoreContractTests", dependencies: ["PaygateCore", "PaygateCrypto", "StorageMemory", "Storage", "MariaDB"],
            swiftSettings: strict),
        .testTarget(
            name: "SandboxTests", dependencies: ["Sandbox", "Channels", "HTTPClient", "PaygateCore", "PaygateCrypto"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SetupTests", dependencies: ["Setup", "PaygateCore", "PaygateCrypto", "Channels", "Sandbox"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
