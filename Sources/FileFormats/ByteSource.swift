#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stream of bytes read a chunk at a time, so a file of any size passes through a bounded
/// buffer. Sources stack: a file range, the inflater over it, the CRC check over that.
public protocol ByteSource: AnyObject {
    /// The next bytes (never an empty array), or nil at the end.
    func nextChunk() throws(FileFormatError) -> [UInt8]?
}

/// Bytes already in memory, handed out in chunks (tests, and the sandbox's one-shot use).
public final class MemorySource: ByteSource {
    public static let chunkBytes = 64 * 1024
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    public func nextChunk() throws(FileFormatError) -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        let end = min(bytes.count, offset + Self.chunkBytes)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// A regular file opened read-only. Reads are positioned (`pread`), so several sources may read
/// ranges of one file without sharing a file offset.
public final class ReadOnlyFile {
    public let path: String
    public let byteCount: Int
    private let descriptor: Int32

    public init(path: String) throws(FileFormatError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileFormatError(.unreadable, "cannot open \(path): errno \(errno)") }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw FileFormatError(.unreadable, "\(path) is not a regular file")
        }
        self.path = path
        self.descriptor = descriptor
        self.byteCount = Int(status.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// Up to `count` bytes at `offset`; fewer only at the end of the file.
    public func read(at offset: Int, count: Int) throws(FileFormatError) -> [UInt8] {
        precondition(offset >= 0 && count >= 0, "negative file range")
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset + filled))
            }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw FileFormatError(.unreadable, "cannot read \(path) at \(offset + filled): errno \(errno)") }
            if got == 0 { break }
            filled += got
        }
        if filled < count { bytes.removeSubrange(filled...) }
        return bytes
    }
}

/// The bytes of `file` from `offset` to `end`, in chunks. A file shorter than the range is
/// truncated: the range came from the file's own directory.
public final class FileRangeSource: ByteSource {
    public static let chunkBytes = 64 * 1024
    private let file: ReadOnlyFile
    private var offset: Int
    private let end: Int

    public init(file: ReadOnlyFile, offset: Int = 0, end: Int? = nil) {
        self.file = file
        self.offset = offset
        self.end = end ?? file.byteCount
    }

    public func nextChunk() throws(FileFormatError) -> [UInt8]? {
        guard offset < end else { return nil }
        let chunk = try file.read(at: offset, count: min(Self.chunkBytes, end - offset))
        guard !chunk.isEmpty else { throw FileFormatError(.truncated, "\(file.path) ends at \(offset), before \(end)") }
        offset += chunk.count
        return chunk
    }
}
