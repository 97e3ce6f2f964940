/// The head of the audit log at one moment (sequence, record hash, time), kept outside the
/// database with a signature, so that removing the newest records, which leaves a whole chain
/// behind, is still found (`AuditChain.verify`). Sequence 0 is the empty log.
public struct AuditCheckpoint: Sendable, Equatable {
    public var sequence: Int64
    public var recordHash: String
    /// RFC 3339 with milliseconds, when it was taken.
    public var time: String

    public init(sequence: Int64, recordHash: String, time: String) {
        self.sequence = sequence
        self.recordHash = recordHash
        self.time = time
    }

    /// The bytes the signature covers: a version line and the three fields, one per line (none
    /// of them can hold a newline: digits, hex, a timestamp).
    public var signedBytes: [UInt8] {
        Array("paygate-audit-checkpoint-v1\n\(sequence)\n\(recordHash)\n\(time)\n".utf8)
    }

    /// One line of the checkpoint file: `{"sequence":N,"hash":"…","time":"…","signature":"…"}`.
    public func line(signature: String) -> String {
        var writer = JSONWriter()
        writer.objectOpen()
        writer.member("sequence", Int(sequence))
        writer.member("hash", recordHash)
        writer.member("time", time)
        writer.member("signature", signature)
        writer.objectClose()
        return writer.string
    }

    /// Reads a line written by `line(signature:)`; nil for anything else.
    public static func parse(line: String) -> (checkpoint: AuditCheckpoint, signature: String)? {
        guard let value = try? JSONParser.parse(Array(line.utf8)),
            case .number(let sequenceText)? = value["sequence"], let sequence = Int64(sequenceText), sequence >= 0,
            case .string(let hash)? = value["hash"], case .string(let time)? = value["time"],
            case .string(let signature)? = value["signature"]
        else { return nil }
        return (AuditCheckpoint(sequence: sequence, recordHash: hash, time: time), signature)
    }
}
