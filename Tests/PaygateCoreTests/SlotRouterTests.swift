import XCTest

@testable import PaygateCore

final class SlotRouterTests: XCTestCase {
    func testFNV1a64KnownVectors() {
        XCTAssertEqual(SlotRouter.fnv1a64([""]), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(SlotRouter.fnv1a64([]), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(SlotRouter.fnv1a64(["a"]), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(SlotRouter.fnv1a64(["foobar"]), 0x8594_4171_f739_67e8)
    }

    /// The same values Tests/e2e/paygate_support.py computes in Python.
    func testTwoPartVectorsMatchThePythonHelper() {
        XCTAssertEqual(SlotRouter.fnv1a64(["m", "o"]), 0x083f_4219_1796_2a3e)
        XCTAssertEqual(SlotRouter.paymentSlot(merchantId: "m", merchantOrderNo: "o", slotCount: 1024), 574)
        XCTAssertEqual(SlotRouter.fnv1a64(["mch_abc", "order-1"]), 0xbefa_bf2c_b2b4_fd41)
        XCTAssertEqual(SlotRouter.fnv1a64(["\u{5546}\u{6237}", "\u{8ba2}\u{5355}"]), 0x713d_7b83_6cff_d7be)
        XCTAssertEqual(SlotRouter.fnv1a64(["idem", "m", "k"]), 0xecbd_b16e_55f2_e214)
        XCTAssertEqual(SlotRouter.idempotencySlot(merchantId: "m", key: "k", slotCount: 1024), 0x214)
    }

    func testSeparatorIsTheByte0x1F() {
        XCTAssertEqual(SlotRouter.fnv1a64(["m", "o"]), SlotRouter.fnv1a64(["m\u{1F}o"]))
        XCTAssertNotEqual(SlotRouter.fnv1a64(["ab", "c"]), SlotRouter.fnv1a64(["a", "bc"]))
        XCTAssertNotEqual(SlotRouter.fnv1a64(["ab", ""]), SlotRouter.fnv1a64(["ab"]))
    }

    func testSlotsStayInRange() {
        for count in [1, 7, 1024, 65_536] {
            for index in 0..<200 {
                let slot = SlotRouter.paymentSlot(merchantId: "mch_\(index)", merchantOrderNo: "o\(index)", slotCount: count)
                XCTAssertTrue((0..<count).contains(slot), "\(slot) of \(count)")
            }
        }
    }

    /// 10 000 keys over 1024 slots and a 4-way map: every shard gets roughly a quarter.
    func testDistributionOverFourShards() throws {
        let map = try ShardMap(ShardMapTests.fourShardConfiguration())
        var perShard = [Int](repeating: 0, count: 4)
        var perSlot = [Int](repeating: 0, count: 1024)
        for index in 0..<10_000 {
            let slot = SlotRouter.paymentSlot(merchantId: "mch_7f3a9c", merchantOrderNo: "order-\(index)", slotCount: 1024)
            perSlot[slot] += 1
            perShard[map.shardIndex(forSlot: slot)] += 1
        }
        for (shard, count) in perShard.enumerated() {
            XCTAssertTrue((2_000...3_000).contains(count), "shard \(shard) got \(count) of 10000")
        }
        // About 9.8 keys per slot on average: no slot may be empty-heavy or hot.
        XCTAssertLessThan(perSlot.max() ?? 0, 40)
        XCTAssertLessThan(perSlot.filter { $0 == 0 }.count, 20)
    }
}

final class ShardMapTests: XCTestCase {
    static func fourShardConfiguration(
        slotCount: Int = 1024,
        slotMap: [DatabaseConfiguration.SlotRange]? = nil,
        shards: [DatabaseConfiguration.Shard]? = nil,
        directoryServer: String = "s0"
    ) -> DatabaseConfiguration {
        DatabaseConfiguration(
            servers: [
                .init(name: "s0", socket: "/tmp/s0.sock", user: "root"),
                .init(name: "s1", socket: "/tmp/s1.sock", user: "root"),
            ],
            directory: .init(server: directoryServer, database: "paygate_directory"),
            shards: shards ?? [
                .init(name: "shard0", server: "s0", database: "paygate_shard_0"),
                .init(name: "shard1", server: "s0", database: "paygate_shard_1"),
                .init(name: "shard2", server: "s1", database: "paygate_shard_2"),
                .init(name: "shard3", server: "s1", database: "paygate_shard_3"),
            ],
            slotCount: slotCount,
            slotMap: slotMap ?? [
                .init(first: 0, last: 255, shard: "shard0"),
                .init(first: 256, last: 511, shard: "shard1"),
                .init(first: 512, last: 767, shard: "shard2"),
                .init(first: 768, last: 1023, shard: "shard3"),
            ])
    }

    private func error(_ configuration: DatabaseConfiguration) -> String? {
        do {
            _ = try ShardMap(configuration)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testShardIndex() throws {
        let map = try ShardMap(Self.fourShardConfiguration())
        XCTAssertEqual(map.slotCount, 1024)
        XCTAssertEqual(map.shardCount, 4)
        XCTAssertEqual(map.shardNames, ["shard0", "shard1", "shard2", "shard3"])
        XCTAssertEqual(map.shardIndex(forSlot: 0), 0)
        XCTAssertEqual(map.shardIndex(forSlot: 255), 0)
        XCTAssertEqual(map.shardIndex(forSlot: 256), 1)
        XCTAssertEqual(map.shardIndex(forSlot: 511), 1)
        XCTAssertEqual(map.shardIndex(forSlot: 512), 2)
        XCTAssertEqual(map.shardIndex(forSlot: 574), 2)
        XCTAssertEqual(map.shardIndex(forSlot: 767), 2)
        XCTAssertEqual(map.shardIndex(forSlot: 768), 3)
        XCTAssertEqual(map.shardIndex(forSlot: 1023), 3)
    }

    func testInterleavedRangesAndRangesOutOfOrder() throws {
        let map = try ShardMap(
            Self.fourShardConfiguration(
                slotCount: 8,
                slotMap: [
                    .init(first: 6, last: 7, shard: "shard0"),
                    .init(first: 0, last: 0, shard: "shard3"),
                    .init(first: 1, last: 5, shard: "shard0"),
                ]))
        XCTAssertEqual((0..<8).map { map.shardIndex(forSlot: $0) }, [3, 0, 0, 0, 0, 0, 0, 0])
    }

    func testGapIsRefused() {
        let message = error(
            Self.fourShardConfiguration(slotMap: [
                .init(first: 0, last: 255, shard: "shard0"),
                .init(first: 257, last: 1023, shard: "shard1"),
            ]))
        XCTAssertNotNil(message)
        XCTAssertTrue(message?.contains("256") ?? false, message ?? "")
    }

    func testOverlapIsRefused() {
        let message = error(
            Self.fourShardConfiguration(slotMap: [
                .init(first: 0, last: 600, shard: "shard0"),
                .init(first: 600, last: 1023, shard: "shard1"),
            ]))
        XCTAssertNotNil(message)
        XCTAssertTrue(message?.contains("600") ?? false, message ?? "")
    }

    func testUnknownShardIsRefused() {
        let message = error(Self.fourShardConfiguration(slotMap: [.init(first: 0, last: 1023, shard: "shard9")]))
        XCTAssertTrue(message?.contains("shard9") ?? false, message ?? "nil")
    }

    func testOutOfRangeIsRefused() {
        XCTAssertNotNil(error(Self.fourShardConfiguration(slotMap: [.init(first: 0, last: 1024, shard: "shard0")])))
        XCTAssertNotNil(error(Self.fourShardConfiguration(slotMap: [.init(first: -1, last: 1023, shard: "shard0")])))
        XCTAssertNotNil(
            error(
                Self.fourShardConfiguration(slotMap: [
                    .init(first: 0, last: 1023, shard: "shard0"), .init(first: 9, last: 8, shard: "shard1"),
                ])))
    }

    func testBadSlotCountIsRefused() {
        XCTAssertNotNil(error(Self.fourShardConfiguration(slotCount: 0, slotMap: [])))
        XCTAssertNotNil(error(Self.fourShardConfiguration(slotCount: 65_537, slotMap: [.init(first: 0, last: 65_536, shard: "shard0")])))
        XCTAssertNil(error(Self.fourShardConfiguration(slotCount: 65_536, slotMap: [.init(first: 0, last: 65_535, shard: "shard0")])))
    }

    func testDuplicateShardNamesAreRefused() {
        XCTAssertNotNil(
            error(
                Self.fourShardConfiguration(
                    slotMap: [.init(first: 0, last: 1023, shard: "shard0")],
                    shards: [
                        .init(name: "shard0", server: "s0", database: "a"),
                        .init(name: "shard0", server: "s1", database: "b"),
                    ])))
        XCTAssertNotNil(error(Self.fourShardConfiguration(slotMap: [.init(first: 0, last: 1023, shard: "shard0")], shards: [])))
    }

    func testUnknownServerIsRefused() {
        let message = error(
            Self.fourShardConfiguration(
                slotMap: [.init(first: 0, last: 1023, shard: "shard0")],
                shards: [.init(name: "shard0", server: "s7", database: "a")]))
        XCTAssertTrue(message?.contains("s7") ?? false, message ?? "nil")
        XCTAssertNotNil(error(Self.fourShardConfiguration(directoryServer: "s9")))
    }
}
