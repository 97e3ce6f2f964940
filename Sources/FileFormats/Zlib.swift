import CZlib

/// The three wrappings of a deflate stream: bare (inside a zip entry), zlib (UnionPay's
/// `fileContent`) and gzip (WeChat Pay's `tar_type=GZIP`). zlib tells them apart by window bits.
public enum CompressionFormat: Sendable {
    case raw, zlib, gzip

    var windowBits: Int32 {
        switch self {
        case .raw: -15
        case .zlib: 15
        case .gzip: 31
        }
    }
}

/// One-shot compression and CRC-32 through zlib: the only place that calls it besides
/// `InflateStream`.
public enum Zlib {
    /// The level the sandbox writes with: zlib's default trade of speed for size.
    public static let defaultLevel: Int32 = 6

    public static func compress(_ bytes: [UInt8], format: CompressionFormat, level: Int32 = defaultLevel) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        // Only a bad level or out of memory fail here: programmer errors or a dying process.
        precondition(paygate_deflate_init2(stream, level, format.windowBits) == Z_OK, "deflateInit2 failed")
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(bytes.count))) + 64)
        var status: Int32 = Z_OK
        bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.pointee.avail_in = uInt(input.count)
                stream.pointee.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.pointee.avail_out = uInt(out.count)
                status = deflate(stream, Z_FINISH)
            }
        }
        precondition(status == Z_STREAM_END, "deflate did not finish in its bound: \(status)")
        output.removeSubrange(Int(stream.pointee.total_out)...)
        return output
    }

    /// The whole stream inflated; more than `outputBytesMax` bytes is refused.
    public static func decompress(_ bytes: [UInt8], format: CompressionFormat, outputBytesMax: Int) throws(FileFormatError) -> [UInt8] {
        let source = InflatingSource(MemorySource(bytes), format: format)
        var output: [UInt8] = []
        while let chunk = try source.nextChunk() {
            guard output.count + chunk.count <= outputBytesMax else {
                throw FileFormatError(.tooLarge, "inflates to more than \(outputBytesMax) bytes")
            }
            output += chunk
        }
        return output
    }

    /// CRC-32 (the zip and gzip one) of `bytes`, continuing from `crc` (0 to start).
    public static func crc32(_ crc: UInt32, _ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { buffer in
            UInt32(CZlib.crc32(uLong(crc), buffer.bindMemory(to: Bytef.self).baseAddress, uInt(buffer.count)))
        }
    }
}

/// Inflates what `upstream` yields, a chunk at a time: memory stays at zlib's window plus one
/// chunk whatever the size of the stream. The end of the stream must be reached (else the data
/// was cut short) and nothing may follow it.
public final class InflatingSource: ByteSource {
    public static let chunkBytes = 64 * 1024
    private let upstream: any ByteSource
    private let format: CompressionFormat
    private let stream: UnsafeMutablePointer<z_stream>
    private var input: [UInt8] = []
    private var inputOffset = 0
    private var ended = false
    /// The last inflate filled the output: zlib may hold more output without needing input.
    private var outputWasFull = false

    public init(_ upstream: any ByteSource, format: CompressionFormat) {
        self.upstream = upstream
        self.format = format
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        precondition(paygate_inflate_init2(stream, format.windowBits) == Z_OK, "inflateInit2 failed (out of memory)")
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    public func nextChunk() throws(FileFormatError) -> [UInt8]? {
        guard !ended else { return nil }
        var output = [UInt8](repeating: 0, count: Self.chunkBytes)
        while true {
            if inputOffset == input.count && !outputWasFull {
                guard let next = try upstream.nextChunk() else {
                    throw FileFormatError(.truncated, "the \(format) stream ends before its end marker")
                }
                input = next
                inputOffset = 0
            }
            let (produced, finished) = try step(&output)
            outputWasFull = produced == output.count
            if finished {
                ended = true
                guard inputOffset == input.count, try upstream.nextChunk() == nil else {
                    throw FileFormatError(.corrupt, "bytes follow the end of the \(format) stream")
                }
            }
            if produced > 0 {
                output.removeSubrange(produced...)
                return output
            }
            if finished { return nil }
        }
    }

    /// One call of inflate over the pending input; how much it wrote and whether the stream ended.
    private func step(_ output: inout [UInt8]) throws(FileFormatError) -> (produced: Int, finished: Bool) {
        let pending = input.count - inputOffset
        var status: Int32 = Z_OK
        var produced = 0
        input.withUnsafeBytes { inBuffer in
            output.withUnsafeMutableBytes { outBuffer in
                stream.pointee.next_in = UnsafeMutablePointer(
                    mutating: inBuffer.bindMemory(to: Bytef.self).baseAddress.map { $0 + inputOffset })
                stream.pointee.avail_in = uInt(pending)
                stream.pointee.next_out = outBuffer.bindMemory(to: Bytef.self).baseAddress
                stream.pointee.avail_out = uInt(outBuffer.count)
                status = inflate(stream, Z_NO_FLUSH)
                produced = outBuffer.count - Int(stream.pointee.avail_out)
            }
        }
        inputOffset += pending - Int(stream.pointee.avail_in)
        switch status {
        case Z_OK, Z_BUF_ERROR: return (produced, false)  // Z_BUF_ERROR: no progress until more input
        case Z_STREAM_END: return (produced, true)
        case Z_MEM_ERROR: throw FileFormatError(.tooLarge, "zlib ran out of memory")
        default:
            let reason = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
            throw FileFormatError(.corrupt, "the \(format) stream is corrupt: \(reason)")
        }
    }
}

/// Passes `upstream` through and, at its end, checks its CRC-32 and length against what the
/// container promised (a zip entry's directory record).
public final class CRCCheckedSource: ByteSource {
    private let upstream: any ByteSource
    private let name: String
    private let expectedCRC: UInt32
    private let expectedByteCount: Int
    private var crc: UInt32 = 0
    private var byteCount = 0

    public init(_ upstream: any ByteSource, name: String, crc32: UInt32, byteCount: Int) {
        self.upstream = upstream
        self.name = name
        self.expectedCRC = crc32
        self.expectedByteCount = byteCount
    }

    public func nextChunk() throws(FileFormatError) -> [UInt8]? {
        guard let chunk = try upstream.nextChunk() else {
            guard byteCount == expectedByteCount else {
                throw FileFormatError(.corrupt, "\(name) holds \(byteCount) bytes, its directory says \(expectedByteCount)")
            }
            guard crc == expectedCRC else { throw FileFormatError(.corrupt, "\(name) fails its CRC-32 check") }
            return nil
        }
        byteCount += chunk.count
        guard byteCount <= expectedByteCount else {
            throw FileFormatError(.corrupt, "\(name) holds more than the \(expectedByteCount) bytes its directory says")
        }
        crc = Zlib.crc32(crc, chunk)
        return chunk
    }
}
