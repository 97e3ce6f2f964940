/// One command in the protocol's own framing, an array of bulk strings
/// (`*<count>\r\n` then `$<length>\r\n<bytes>\r\n` per argument), built here in one buffer and
/// handed to hiredis as it is (`redisAppendFormattedCommand`): hiredis' own formatter would copy
/// every argument through its printf-style builder, which cost more than the script call itself
/// on the risk path.
struct RedisFrame {
    private(set) var bytes: [UInt8] = []

    /// `arguments` framed as their UTF-8.
    init(_ arguments: [String]) {
        bytes.reserveCapacity(arguments.reduce(16) { $0 + $1.utf8.count + 16 })
        header(UInt8(ascii: "*"), arguments.count)
        for argument in arguments { append(argument.utf8) }
    }

    private mutating func append(_ argument: String.UTF8View) {
        header(UInt8(ascii: "$"), argument.count)
        bytes.append(contentsOf: argument)
        bytes.append(13)
        bytes.append(10)
    }

    /// `<mark><decimal>\r\n` (a count or a length: a small string, never on the heap).
    private mutating func header(_ mark: UInt8, _ value: Int) {
        bytes.append(mark)
        bytes.append(contentsOf: String(value).utf8)
        bytes.append(13)
        bytes.append(10)
    }
}
