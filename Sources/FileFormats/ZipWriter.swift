/// Builds a zip archive in memory: local header and data per entry, then the central directory
/// and its end record (APPNOTE 6.3). Used by the channel sandbox, whose files are a day's orders.
public struct ZipWriter {
    public enum Method: Sendable { case stored, deflated }

    /// MS-DOS date and time, as zip stores them (local time of the channel, 2-second steps).
    public struct Modified: Sendable {
        public var year, month, day, hour, minute, second: Int
        public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
            self.year = year; self.month = month; self.day = day; self.hour = hour; self.minute = minute; self.second = second
        }
        var dosTime: UInt16 { UInt16(hour << 11 | minute << 5 | second / 2) }
        var dosDate: UInt16 { UInt16(max(0, year - 1980) << 9 | month << 5 | day) }
    }

    private var bytes: [UInt8] = []
    private var directory: [UInt8] = []
    private var count = 0
    private let modified: Modified

    public init(modified: Modified) {
        self.modified = modified
    }

    /// `name` as raw bytes: GBK (flag clear) as Chinese channels write, or UTF-8 (flag set).
    public mutating func add(name: [UInt8], nameIsUTF8: Bool, contents: [UInt8], method: Method = .deflated) {
        let data = method == .deflated ? Zlib.compress(contents, format: .raw) : contents
        precondition(bytes.count < Int(UInt32.max) && data.count < Int(UInt32.max), "zip64 is not written")
        let crc = Zlib.crc32(0, contents)
        let flags: UInt16 = nameIsUTF8 ? ZipEntry.utf8NameFlag : 0
        let methodCode = method == .deflated ? ZipEntry.deflated : ZipEntry.stored
        var common: [UInt8] = []
        LittleEndian.append(UInt16(20), to: &common)  // version needed: 2.0 (deflate)
        LittleEndian.append(flags, to: &common)
        LittleEndian.append(methodCode, to: &common)
        LittleEndian.append(modified.dosTime, to: &common)
        LittleEndian.append(modified.dosDate, to: &common)
        LittleEndian.append(crc, to: &common)
        LittleEndian.append(UInt32(data.count), to: &common)
        LittleEndian.append(UInt32(contents.count), to: &common)
        LittleEndian.append(UInt16(name.count), to: &common)
        LittleEndian.append(UInt16(0), to: &common)  // extra field length

        LittleEndian.append(ZipArchive.centralSignature, to: &directory)
        LittleEndian.append(UInt16(20), to: &directory)  // made by: MS-DOS, 2.0
        directory += common
        for _ in 0..<3 { LittleEndian.append(UInt16(0), to: &directory) }  // comment length, disk, internal attributes
        LittleEndian.append(UInt32(0), to: &directory)  // external attributes
        LittleEndian.append(UInt32(bytes.count), to: &directory)
        directory += name

        LittleEndian.append(ZipArchive.localSignature, to: &bytes)
        bytes += common + name + data
        count += 1
    }

    /// The archive: entries, central directory, end record.
    public func finished() -> [UInt8] {
        var archive = bytes + directory
        LittleEndian.append(ZipArchive.endSignature, to: &archive)
        LittleEndian.append(UInt16(0), to: &archive)
        LittleEndian.append(UInt16(0), to: &archive)
        LittleEndian.append(UInt16(count), to: &archive)
        LittleEndian.append(UInt16(count), to: &archive)
        LittleEndian.append(UInt32(directory.count), to: &archive)
        LittleEndian.append(UInt32(bytes.count), to: &archive)
        LittleEndian.append(UInt16(0), to: &archive)
        return archive
    }
}
