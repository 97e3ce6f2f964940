import PaygateCrypto
import XCTest

@testable import PaygateCore

/// Every kind of tampering the audit chain must name (README "Audit log"), on fixed records.
final class AuditChainTests: XCTestCase {
    private let hash: AuditChain.Hash = { SHA256Digest.hash($0) }
    private let origin = AuditOrigin(host: "host-1", user: "ops", process: "paygate-admin[42]")

    /// Five records as the appender links them.
    private func chain(_ count: Int = 5) -> [AuditRecord] {
        var records: [AuditRecord] = []
        for index in 1...count {
            let entry = AuditEntry(
                actor: "ops", action: "merchant.create", target: "merchant:mch_\(index)", outcome: "success", origin: origin,
                details: "{\"n\":\(index)}")
            let head = records.last.map { (sequence: $0.sequence, recordHash: $0.recordHash) }
            records.append(AuditChain.link(entry, after: head, time: "2026-12-06 10:00:0\(index).000", hash: hash))
        }
        return records
    }

    private func checkpoint(of records: [AuditRecord]) -> AuditCheckpoint {
        AuditCheckpoint(sequence: records.last!.sequence, recordHash: records.last!.recordHash, time: "2026-12-06T10:00:10.000Z")
    }

    func testLinkedRecordsCarryTheirPredecessorsHash() {
        let records = chain()
        XCTAssertEqual(records.map(\.sequence), [1, 2, 3, 4, 5])
        XCTAssertEqual(records[0].previousHash, AuditChain.genesisHash)
        XCTAssertEqual(records[3].previousHash, records[2].recordHash)
        XCTAssertEqual(records[0].recordHash, Hex.encode(SHA256Digest.hash(records[0].canonicalBytes)))
    }

    func testCanonicalFormIsFixed() {
        let record = AuditRecord(
            sequence: 7, time: "2026-12-06 10:00:00.000",
            entry: AuditEntry(
                actor: "a", action: "b", target: "c", outcome: "success", origin: AuditOrigin(host: "h", user: "u", process: "p")),
            previousHash: AuditChain.genesisHash, recordHash: "")
        let expected =
            "paygate-audit-v1\n23:2026-12-06 10:00:00.000\n1:a\n1:b\n1:c\n7:success\n1:h\n1:u\n1:p\n2:{}\n64:\(AuditChain.genesisHash)\n"
        XCTAssertEqual(String(decoding: record.canonicalBytes, as: UTF8.self), expected)
    }

    func testAnUntouchedChainVerifies() {
        let records = chain()
        XCTAssertEqual(AuditChain.verify(records, checkpoint: checkpoint(of: records), hash: hash), [])
        XCTAssertEqual(AuditChain.verify([], checkpoint: nil, hash: hash), [])
        XCTAssertEqual(AuditChain.verify(records, checkpoint: nil, hash: hash), [])
    }

    func testAChangedRecordIsNamed() {
        var records = chain()
        let sealed = checkpoint(of: records)
        records[2].entry.outcome = "failure"
        XCTAssertEqual(AuditChain.verify(records, checkpoint: sealed, hash: hash), [.changed(sequence: 3)])
    }

    func testARecordChangedAndRehashedIsNamed() {
        var records = chain()
        let sealed = checkpoint(of: records)
        records[1].entry.target = "merchant:someone_else"
        records[1].recordHash = Hex.encode(SHA256Digest.hash(records[1].canonicalBytes))
        XCTAssertEqual(AuditChain.verify(records, checkpoint: sealed, hash: hash), [.changed(sequence: 2)])
    }

    func testARecordRemovedInTheMiddleIsNamed() {
        var records = chain()
        let sealed = checkpoint(of: records)
        records.remove(at: 2)
        XCTAssertEqual(AuditChain.verify(records, checkpoint: sealed, hash: hash), [.removed(first: 3, last: 3)])
    }

    func testARecordInsertedInTheMiddleIsNamed() {
        let original = chain()
        let sealed = checkpoint(of: original)
        // A forged record linked to record 2, the later ones renumbered to make room.
        let forged = AuditChain.link(
            AuditEntry(actor: "ops", action: "merchant.enable", target: "merchant:x", outcome: "success", origin: origin),
            after: (2, original[1].recordHash), time: "2026-12-06 10:00:02.500", hash: hash)
        var records = Array(original[0..<2]) + [forged]
        for var later in original[2...] {
            later.sequence += 1
            records.append(later)
        }
        XCTAssertEqual(AuditChain.verify(records, checkpoint: sealed, hash: hash), [.inserted(sequence: 3)])
    }

    func testAFirstRecordInsertedBeforeTheGenesisIsNamed() {
        let original = chain(3)
        let forged = AuditChain.link(
            AuditEntry(actor: "ops", action: "x", target: "y", outcome: "success", origin: origin), after: nil,
            time: "2026-12-06 09:00:00.000", hash: hash)
        var records = [forged]
        for var later in original {
            later.sequence += 1
            records.append(later)
        }
        XCTAssertEqual(AuditChain.verify(records, checkpoint: nil, hash: hash), [.inserted(sequence: 1)])
    }

    func testRemovingTheNewestRecordsIsFoundOnlyWithTheCheckpoint() {
        let records = chain()
        let sealed = checkpoint(of: records)
        let shortened = Array(records[0..<3])
        XCTAssertEqual(AuditChain.verify(shortened, checkpoint: nil, hash: hash), [])
        XCTAssertEqual(AuditChain.verify(shortened, checkpoint: sealed, hash: hash), [.removed(first: 4, last: 5)])
        XCTAssertEqual(AuditChain.verify([], checkpoint: sealed, hash: hash), [.removed(first: 1, last: 5)])
    }

    func testNewestRecordsReplacedAreFoundWithTheCheckpoint() {
        var records = chain()
        let sealed = checkpoint(of: records)
        records.removeLast()
        let head = (sequence: records[3].sequence, recordHash: records[3].recordHash)
        records.append(
            AuditChain.link(
                AuditEntry(actor: "ops", action: "x", target: "y", outcome: "success", origin: origin), after: head,
                time: "2026-12-06 10:00:09.000", hash: hash))
        XCTAssertEqual(AuditChain.verify(records, checkpoint: sealed, hash: hash), [.changed(sequence: 5)])
    }

    func testEntryFieldsAreClippedToTheirColumns() {
        let entry = AuditEntry(
            actor: String(repeating: "a", count: 300), action: "x", target: "t  ", outcome: "success", origin: origin)
        XCTAssertEqual(entry.actor.count, AuditEntry.actorBytesMax)
        XCTAssertEqual(entry.target, "t")
    }

    func testCheckpointLinesReadBack() {
        let sealed = AuditCheckpoint(sequence: 12, recordHash: String(repeating: "ab", count: 32), time: "2026-12-06T10:00:00.000Z")
        let parsed = AuditCheckpoint.parse(line: sealed.line(signature: "00ff"))
        XCTAssertEqual(parsed?.checkpoint, sealed)
        XCTAssertEqual(parsed?.signature, "00ff")
        XCTAssertNil(AuditCheckpoint.parse(line: "{\"sequence\":\"12\"}"))
    }
}
