/// Splits a byte stream into lines (LF, with a CR before it dropped), holding one chunk and one
/// line at a time. A line longer than `lineBytesMax` is refused: no statement line is that long,
/// and a file without line breaks must not grow the buffer without bound.
public final class LineReader {
    public static let lineBytesMaxDefault = 64 * 1024
    private let source: any ByteSource
    private let lineBytesMax: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var sourceEnded = false
    /// The number of the line last returned (1 for the first).
    public private(set) var lineNumber = 0

    public init(_ source: any ByteSource, lineBytesMax: Int = lineBytesMaxDefault) {
        self.source = source
        self.lineBytesMax = lineBytesMax
    }

    /// The next line without its line break, or nil at the end of the stream.
    public func nextLine() throws(FileFormatError) -> [UInt8]? {
        var searchFrom = start
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: 0x0A) {
                var end = newline
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let line = Array(buffer[start..<end])
                start = newline + 1
                lineNumber += 1
                return line
            }
            guard buffer.count - start <= lineBytesMax else {
                throw FileFormatError(.tooLarge, "line \(lineNumber + 1) is longer than \(lineBytesMax) bytes")
            }
            searchFrom = buffer.count
            guard !sourceEnded, let chunk = try source.nextChunk() else {
                sourceEnded = true
                guard start < buffer.count else { return nil }
                var line = Array(buffer[start...])
                if line.last == 0x0D { line.removeLast() }
                start = buffer.count
                lineNumber += 1
                return line
            }
            buffer.removeSubrange(0..<start)
            searchFrom -= start
            start = 0
            buffer += chunk
        }
    }
}
