import FileFormats
import Foundation
import XCTest

/// Zip, gzip, GBK and lines against vectors made by another implementation (Python's zipfile,
/// gzip and codecs), so the reader is not only checked against our own writer.
final class FileFormatsTests: XCTestCase {
    /// `stored.txt` (stored, "hello\r\nworld\n") and `deflated.txt` (deflated, "row 1\n" … "row 199\n").
    static let pythonZip =
        "UEsDBBQAAAAAAABQe11JcDWqDQAAAA0AAAAKAAAAc3RvcmVkLnR4dGhlbGxvDQp3b3JsZApQSwMEFAAAAAgAAFB7XZeu0IaNAQAAzAUAAAwAAABkZWZsYXRlZC50eHQ91LttAzEABNHcVbgELv+syoATt2+DM3RCRfcg6Wb5/fXzmY/vv7Pes92z33Pcc95z3XPf89wzhQ+eDo+H5wMQhEAEIyBBqSjV74BSUSpKRakoFaWiVJSG0lCaPwWloTSUhtJQGkpD6SgdpaN0/xGUjtJROkpH6SgDZaAMlIEy/GNRBspAGSgDZaJMlIkyUSbK9P2gTJSJMlEWykJZKAtloSyU5WtGWSgLZaNslI2yUTbKRtko21pQNspBOSgH5aAclINyUA7KMbpXndkVuyuGVyyvmF6xvWJ8xfqK+RW9/4z1Xsiv5Jfya/nF/Gp+OdtzDDr17ULPpmPUseqYdew6hh3LjmnHttPe0PTMO/YdA4+Fx8Rj4zHyWHnMPP0tV8/SY+qx9Rh7rD3mHnuPwcfiM95VoGf0sfqYfew+hh/Lj+nH9mP8me9u0bP/OIC4gDiBuIE4griCOIO4g6x3Wek5hbiFOIa4hjiHuIc4iLiIOInsd/vpuYo4i7iLOIy4jDiNuI04jriOnHedno9fUEsBAhQDFAAAAAAAAFB7XUlwNaoNAAAADQAAAAoAAAAAAAAAAAAAAIABAAAAAHN0b3JlZC50eHRQSwECFAMUAAAACAAAUHtdl67Qho0BAADMBQAADAAAAAAAAAAAAAAAgAE1AAAAZGVmbGF0ZWQudHh0UEsFBgAAAAACAAIAcgAAAOwBAAAAAA=="
    /// gzip of "a,b\nc,d\n" (mtime 0).
    static let pythonGzip = "H4sIAAAAAAACA0vUSeJK1knhAgCAOnKHCAAAAA=="

    func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "fileformats-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func lines(_ source: any ByteSource) throws -> [String] {
        let reader = LineReader(source, lineBytesMax: 1 << 20)
        var lines: [String] = []
        while let line = try reader.nextLine() { lines.append(String(decoding: line, as: UTF8.self)) }
        return lines
    }

    func testReadsAZipWrittenByPython() throws {
        let archive = try ZipArchive(path: temporaryFile(Array(Data(base64Encoded: Self.pythonZip)!)))
        XCTAssertEqual(archive.entries.map(\.name), ["stored.txt", "deflated.txt"])
        XCTAssertEqual(try lines(archive.contents(of: archive.entries[0])), ["hello", "world"])
        let rows = try lines(archive.contents(of: archive.entries[1]))
        XCTAssertEqual(rows.count, 199)
        XCTAssertEqual(rows.last, "row 199")
    }

    func testWriterRoundTripsWithAGBKName() throws {
        var writer = ZipWriter(modified: .init(year: 2026, month: 11, day: 27, hour: 9, minute: 5, second: 0))
        let name = try GBKCodec.encode("2088_20261127_业务明细.csv")
        writer.add(name: name, nameIsUTF8: false, contents: Array("a\nb\n".utf8))
        writer.add(name: Array("plain".utf8), nameIsUTF8: true, contents: Array(repeating: 0x41, count: 100_000), method: .stored)
        let archive = try ZipArchive(path: temporaryFile(writer.finished()))
        XCTAssertEqual(archive.entries.map(\.name), ["2088_20261127_业务明细.csv", "plain"])
        XCTAssertEqual(try lines(archive.contents(of: archive.entries[0])), ["a", "b"])
        XCTAssertEqual(try lines(archive.contents(of: archive.entries[1])), [String(repeating: "A", count: 100_000)])
    }

    func testTruncatedZipIsRefused() throws {
        let bytes = Array(Data(base64Encoded: Self.pythonZip)!)
        XCTAssertThrowsError(try ZipArchive(path: temporaryFile(Array(bytes.dropLast(30))))) { error in
            XCTAssertEqual((error as? FileFormatError)?.code, .truncated)
        }
    }

    func testCorruptEntryFailsItsCRC() throws {
        var bytes = Array(Data(base64Encoded: Self.pythonZip)!)
        bytes[30 + 10] ^= 0x01  // a byte of stored.txt's data
        let archive = try ZipArchive(path: temporaryFile(bytes))
        XCTAssertThrowsError(try lines(archive.contents(of: archive.entries[0]))) { error in
            XCTAssertEqual((error as? FileFormatError)?.code, .corrupt)
        }
    }

    func testGzipFromPythonAndOurOwn() throws {
        XCTAssertEqual(
            try lines(InflatingSource(MemorySource(Array(Data(base64Encoded: Self.pythonGzip)!)), format: .gzip)), ["a,b", "c,d"])
        let big = Array((0..<50_000).map { "line \($0)\n" }.joined().utf8)
        let packed = Zlib.compress(big, format: .gzip)
        XCTAssertEqual(try Zlib.decompress(packed, format: .gzip, outputBytesMax: big.count), big)
        XCTAssertThrowsError(try Zlib.decompress(packed, format: .gzip, outputBytesMax: big.count - 1))
        XCTAssertThrowsError(try Zlib.decompress(Array(packed.dropLast(20)), format: .gzip, outputBytesMax: big.count)) { error in
            XCTAssertEqual((error as? FileFormatError)?.code, .truncated)
        }
    }

    func testGBKVectors() throws {
        XCTAssertEqual(try GBKCodec.encode("支付宝"), [0xD6, 0xA7, 0xB8, 0xB6, 0xB1, 0xA6])
        XCTAssertEqual(try GBKCodec.decode([0xD6, 0xA7, 0xB8, 0xB6, 0xB1, 0xA6, 0x41]), "支付宝A")
        XCTAssertThrowsError(try GBKCodec.decode([0xD6]))  // a lead byte without its trail byte
        XCTAssertThrowsError(try GBKCodec.encode("pay 😀"))
        XCTAssertEqual(try GBKCodec.encode("pay 😀", replacingWith: 0x3F), Array("pay ?".utf8))
        XCTAssertTrue(GBKCodec.looksLikeUTF8(Array("支付宝".utf8)))
        XCTAssertFalse(GBKCodec.looksLikeUTF8([0xD6, 0xA7, 0xB8, 0xB6, 0xB1, 0xA6]))
        XCTAssertFalse(GBKCodec.looksLikeUTF8(Array("ascii".utf8)))
    }

    func testLineReaderLimitsAndEnds() throws {
        XCTAssertEqual(try lines(MemorySource(Array("a\r\n\nlast".utf8))), ["a", "", "last"])
        let reader = LineReader(MemorySource(Array(repeating: 0x41, count: 300)), lineBytesMax: 100)
        XCTAssertThrowsError(try reader.nextLine()) { error in XCTAssertEqual((error as? FileFormatError)?.code, .tooLarge) }
    }
}
