/// One file of a zip archive, as its central directory describes it.
public struct ZipEntry: Sendable, Equatable {
    /// The name decoded: UTF-8 when the entry says so (flag bit 11), else GBK, which is what
    /// Chinese channels write without setting the flag.
    public let name: String
    public let method: UInt16
    public let flags: UInt16
    public let crc32: UInt32
    public let compressedByteCount: Int
    public let uncompressedByteCount: Int
    let localHeaderOffset: Int

    static let stored: UInt16 = 0
    static let deflated: UInt16 = 8
    static let encryptedFlag: UInt16 = 1
    static let utf8NameFlag: UInt16 = 1 << 11
}

/// Reads a zip archive on disk (APPNOTE 6.3: end of central directory, central directory, local
/// headers). Only the directory is read up front; an entry's bytes are streamed, inflated and
/// CRC-checked as they are read. Stored and deflated entries only; no zip64, no encryption: a
/// statement archive needs neither.
public final class ZipArchive {
    /// A directory larger than this is not a statement's (which holds two or three files).
    public static let centralDirectoryBytesMax = 1 << 20
    public static let entryCountMax = 1_000
    static let endRecordBytes = 22
    static let commentBytesMax = 65_535
    static let endSignature: UInt32 = 0x0605_4b50
    static let centralSignature: UInt32 = 0x0201_4b50
    static let localSignature: UInt32 = 0x0403_4b50

    public let entries: [ZipEntry]
    private let file: ReadOnlyFile

    public init(path: String) throws(FileFormatError) {
        file = try ReadOnlyFile(path: path)
        let (offset, size, count) = try Self.centralDirectory(file)
        let directory = try file.read(at: offset, count: size)
        guard directory.count == size else { throw FileFormatError(.truncated, "the zip's central directory is cut short") }
        entries = try Self.parseEntries(directory, count: count, fileSize: file.byteCount)
    }

    /// The entry's uncompressed bytes, streamed; CRC-32 and size are checked at its end.
    public func contents(of entry: ZipEntry) throws(FileFormatError) -> any ByteSource {
        let header = try file.read(at: entry.localHeaderOffset, count: 30)
        guard header.count == 30, LittleEndian.uint32(header, 0) == Self.localSignature else {
            throw FileFormatError(.corrupt, "no local header for \(entry.name) at \(entry.localHeaderOffset)")
        }
        let start = entry.localHeaderOffset + 30 + Int(LittleEndian.uint16(header, 26)) + Int(LittleEndian.uint16(header, 28))
        let end = start + entry.compressedByteCount
        guard end <= file.byteCount else { throw FileFormatError(.truncated, "\(entry.name) runs past the end of the zip") }
        let raw = FileRangeSource(file: file, offset: start, end: end)
        let plain: any ByteSource = entry.method == ZipEntry.deflated ? InflatingSource(raw, format: .raw) : raw
        return CRCCheckedSource(plain, name: entry.name, crc32: entry.crc32, byteCount: entry.uncompressedByteCount)
    }

    /// Offset, size and entry count of the central directory, from the end record found by
    /// searching back over the longest comment a zip may carry.
    private static func centralDirectory(_ file: ReadOnlyFile) throws(FileFormatError) -> (Int, Int, Int) {
        let tailBytes = min(file.byteCount, endRecordBytes + commentBytesMax)
        let tail = try file.read(at: file.byteCount - tailBytes, count: tailBytes)
        var index = tail.count - endRecordBytes
        while index >= 0, LittleEndian.uint32(tail, index) != endSignature { index -= 1 }
        guard index >= 0 else {
            throw FileFormatError(.truncated, "no end of central directory: the zip is cut short or not a zip")
        }
        let count = Int(LittleEndian.uint16(tail, index + 10))
        let size = Int(LittleEndian.uint32(tail, index + 12))
        let offset = Int(LittleEndian.uint32(tail, index + 16))
        guard count <= entryCountMax, size <= centralDirectoryBytesMax else {
            throw FileFormatError(.tooLarge, "the zip lists \(count) entries in \(size) bytes")
        }
        guard offset + size <= file.byteCount - tailBytes + index else {
            throw FileFormatError(.corrupt, "the zip's central directory lies outside the file")
        }
        return (offset, size, count)
    }

    private static func parseEntries(_ directory: [UInt8], count: Int, fileSize: Int) throws(FileFormatError) -> [ZipEntry] {
        var entries: [ZipEntry] = []
        var offset = 0
        for number in 0..<count {
            guard offset + 46 <= directory.count, LittleEndian.uint32(directory, offset) == centralSignature else {
                throw FileFormatError(.corrupt, "central directory record \(number + 1) is unreadable")
            }
            let nameBytes = Int(LittleEndian.uint16(directory, offset + 28))
            let skipBytes = Int(LittleEndian.uint16(directory, offset + 30)) + Int(LittleEndian.uint16(directory, offset + 32))
            guard offset + 46 + nameBytes + skipBytes <= directory.count else {
                throw FileFormatError(.corrupt, "central directory record \(number + 1) runs past the directory")
            }
            let entry = try entry(directory, offset, Array(directory[(offset + 46)..<(offset + 46 + nameBytes)]))
            guard entry.localHeaderOffset < fileSize else {
                throw FileFormatError(.corrupt, "\(entry.name) starts past the end of the zip")
            }
            entries.append(entry)
            offset += 46 + nameBytes + skipBytes
        }
        return entries
    }

    private static func entry(_ directory: [UInt8], _ offset: Int, _ rawName: [UInt8]) throws(FileFormatError) -> ZipEntry {
        let flags = LittleEndian.uint16(directory, offset + 8)
        let method = LittleEndian.uint16(directory, offset + 10)
        let name =
            flags & ZipEntry.utf8NameFlag != 0
            ? String(decoding: rawName, as: UTF8.self) : ((try? GBKCodec.decode(rawName)) ?? String(decoding: rawName, as: UTF8.self))
        let compressed = LittleEndian.uint32(directory, offset + 20)
        let uncompressed = LittleEndian.uint32(directory, offset + 24)
        let localOffset = LittleEndian.uint32(directory, offset + 42)
        guard flags & ZipEntry.encryptedFlag == 0 else { throw FileFormatError(.unsupported, "\(name) is encrypted") }
        guard method == ZipEntry.stored || method == ZipEntry.deflated else {
            throw FileFormatError(.unsupported, "\(name) uses compression method \(method)")
        }
        guard compressed != .max, uncompressed != .max, localOffset != .max else {
            throw FileFormatError(.unsupported, "\(name) needs zip64")
        }
        return ZipEntry(
            name: name, method: method, flags: flags, crc32: LittleEndian.uint32(directory, offset + 16),
            compressedByteCount: Int(compressed), uncompressedByteCount: Int(uncompressed), localHeaderOffset: Int(localOffset))
    }
}
