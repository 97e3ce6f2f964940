/// Where an audited action came from: the host, the operating-system user and the process
/// (program name and pid) that wrote the record.
public struct AuditOrigin: Sendable, Equatable {
    public var host: String
    public var user: String
    public var process: String

    /// `stored`: the values as read back from the log, kept exactly (a value changed there must
    /// hash differently); otherwise clipped like `AuditEntry`'s fields.
    public init(host: String, user: String, process: String, stored: Bool = false) {
        self.host = stored ? host : AuditEntry.clipped(host, to: AuditEntry.originBytesMax)
        self.user = stored ? user : AuditEntry.clipped(user, to: AuditEntry.originBytesMax)
        self.process = stored ? process : AuditEntry.clipped(process, to: AuditEntry.originBytesMax)
    }
}

/// What a writer asks to append: who did what to what, how it ended, from where, and details
/// (a JSON object's text, never a secret). Fields are clipped to their column's size here, so
/// what is hashed is exactly what the database keeps.
public struct AuditEntry: Sendable, Equatable {
    /// Column sizes of sql/directory/0004_audit_log.sql, in characters.
    public static let actorBytesMax = 128
    public static let actionBytesMax = 64
    public static let targetBytesMax = 255
    public static let outcomeBytesMax = 16
    public static let originBytesMax = 128
    public static let detailsBytesMax = 4_096

    public var actor: String
    public var action: String
    public var target: String
    public var outcome: String
    public var origin: AuditOrigin
    public var details: String

    public init(actor: String, action: String, target: String, outcome: String, origin: AuditOrigin, details: String = "{}") {
        self.actor = Self.clipped(actor, to: Self.actorBytesMax)
        self.action = Self.clipped(action, to: Self.actionBytesMax)
        self.target = Self.clipped(target, to: Self.targetBytesMax)
        self.outcome = Self.clipped(outcome, to: Self.outcomeBytesMax)
        self.origin = origin
        self.details = details.unicodeScalars.count <= Self.detailsBytesMax ? details : "{\"clipped\":true}"
    }

    /// The values as read back from the log, exactly: a value changed there must hash differently.
    public init(stored actor: String, action: String, target: String, outcome: String, origin: AuditOrigin, details: String) {
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.origin = origin
        self.details = details
    }

    /// At most `count` characters as MariaDB counts them (code points), with trailing spaces
    /// dropped: the columns compare with PAD SPACE, and a value must read back exactly.
    static func clipped(_ text: String, to count: Int) -> String {
        var scalars = String.UnicodeScalarView(text.unicodeScalars.prefix(count))
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}

/// One row of the audit log: an entry with its place and time, the hash of the record before it
/// (`previousHash`, `AuditChain.genesisHash` for the first) and the hash of its own canonical form.
public struct AuditRecord: Sendable, Equatable {
    public var sequence: Int64
    /// MariaDB DATETIME(3) text in UTC, exactly as stored (`Timestamp.databaseString`).
    public var time: String
    public var entry: AuditEntry
    /// Lower-case hex of SHA-256, 64 characters.
    public var previousHash: String
    public var recordHash: String

    public init(sequence: Int64, time: String, entry: AuditEntry, previousHash: String, recordHash: String) {
        self.sequence = sequence
        self.time = time
        self.entry = entry
        self.previousHash = previousHash
        self.recordHash = recordHash
    }

    /// The bytes `recordHash` is the SHA-256 of: a version line, then each field as its UTF-8
    /// length, a colon, its bytes and a newline, so no two different records share a form
    /// whatever their fields contain. The sequence is not in it: it is the row's place, and the
    /// chain's order is its links (`AuditChain`), so a record inserted by renumbering the ones
    /// after it shows as inserted, not as every later record changed.
    public var canonicalBytes: [UInt8] {
        var bytes = Array("paygate-audit-v1\n".utf8)
        let fields = [
            time, entry.actor, entry.action, entry.target, entry.outcome, entry.origin.host, entry.origin.user,
            entry.origin.process, entry.details, previousHash,
        ]
        for field in fields {
            let utf8 = Array(field.utf8)
            bytes.append(contentsOf: Array(String(utf8.count).utf8))
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }
}
