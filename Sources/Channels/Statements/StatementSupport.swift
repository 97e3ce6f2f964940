import FileFormats
import PaygateCore
import PaygateCrypto

/// What the three statement readers share: error mapping, columns by header name, amounts with
/// signs, GBK lines, digests.
enum StatementFile {
    /// No statement line is longer than this (WeChat Pay's, the widest, is under 1 KiB).
    static let lineBytesMax = 16 * 1024
    /// The inflated size of an inline (UnionPay) statement archive held in memory at once.
    static let inlineBytesMax = 64 << 20

    static func bad(_ message: String) -> ChannelError {
        ChannelError(.badStatement, message)
    }

    /// Runs a file-format step, turning its failure into `.badStatement` with `context` first.
    static func attempt<Value>(_ context: String, _ body: () throws(FileFormatError) -> Value) throws(ChannelError) -> Value {
        do {
            return try body()
        } catch {
            throw bad(context + ": " + error.message)
        }
    }

    /// "12.30", "-12.30": the sign and the magnitude, integer arithmetic only.
    static func signedYuan(_ text: String) -> (negative: Bool, magnitude: Money)? {
        let negative = text.hasPrefix("-")
        guard let magnitude = ChannelAmount.parseYuan(negative ? String(text.dropFirst()) : text) else { return nil }
        return (negative, magnitude)
    }
}

/// Column positions found by header name, so a reordered or added column reads the same and a
/// missing one is an error naming it.
struct StatementColumns {
    private var positions: [String: Int] = [:]
    let count: Int

    init(header: [String], required: [String], file: String) throws(ChannelError) {
        for (position, name) in header.enumerated() where positions[name] == nil { positions[name] = position }
        count = header.count
        if let missing = required.first(where: { positions[$0] == nil }) {
            throw StatementFile.bad("\(file): the header has no column \(missing)")
        }
    }

    /// The cell of a required column (every row is checked to have `count` cells first).
    func cell(_ cells: [String], _ name: String) -> String {
        cells[positions[name]!]
    }
}

/// Reads a GBK text file's lines, refusing UTF-8 where GBK is due with a message that says so.
final class GBKLines {
    private let lines: LineReader
    private let codec = GBKCodec(.decode)
    let file: String
    var lineNumber: Int { lines.lineNumber }

    init(_ source: any ByteSource, file: String) {
        self.lines = LineReader(source, lineBytesMax: StatementFile.lineBytesMax)
        self.file = file
    }

    func nextRaw() throws(ChannelError) -> [UInt8]? {
        let number = lines.lineNumber + 1
        return try StatementFile.attempt("\(file) line \(number)") { () throws(FileFormatError) in try lines.nextLine() }
    }

    func decode(_ bytes: [UInt8]) throws(ChannelError) -> String {
        guard !GBKCodec.looksLikeUTF8(bytes) else {
            throw StatementFile.bad("\(file) line \(lineNumber) is UTF-8, not the GBK the channel writes")
        }
        return try StatementFile.attempt("\(file) line \(lineNumber)") { () throws(FileFormatError) in try codec.decode(bytes) }
    }

    func next() throws(ChannelError) -> String? {
        guard let raw = try nextRaw() else { return nil }
        return try decode(raw)
    }
}

/// Passes bytes through while hashing them, so the digest of a file is checked in the same
/// single pass that parses it.
final class SHA1CheckingSource: ByteSource {
    private let upstream: any ByteSource
    private let hasher = SHA1Hasher()
    private let expectedHex: String

    init(_ upstream: any ByteSource, expectedHex: String) {
        self.upstream = upstream
        self.expectedHex = expectedHex.lowercased()
    }

    func nextChunk() throws(FileFormatError) -> [UInt8]? {
        guard let chunk = try upstream.nextChunk() else {
            let actual = hasher.finishHex()
            guard actual == expectedHex else {
                throw FileFormatError(.corrupt, "SHA-1 \(actual) differs from the published \(expectedHex)")
            }
            return nil
        }
        hasher.update(chunk)
        return chunk
    }
}

/// Splits one CSV line on commas, honouring double-quoted cells ("a,b" and "" for a quote), and
/// trims the spaces and tabs channels pad cells with (Alipay ends long numbers with a tab so
/// spreadsheets keep them as text).
enum CSVLine {
    static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            switch (character, quoted) {
            case ("\"", false) where current.allSatisfy({ $0 == " " || $0 == "\t" }): quoted = true; current = ""
            case ("\"", true):
                var lookahead = iterator
                if lookahead.next() == "\"" {
                    current.append("\"")
                    iterator = lookahead
                } else {
                    quoted = false
                }
            case (",", false):
                cells.append(trimmed(current))
                current = ""
            default: current.append(character)
            }
        }
        cells.append(trimmed(current))
        return cells
    }

    static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
