import PaygateCore

/// The channels' statement files as reconciliation sees them: fetched once into a directory and
/// kept, then read line by line as often as needed (`LiveStatements` downloads and parses them
/// with the connectors; tests give a scripted stand-in).
public protocol StatementSource {
    /// Downloads the statement of (channel, day) into `directory`, checking what the channel
    /// says of it (WeChat Pay's hash), and keeps it there.
    func fetch(_ channel: Channel, day: StatementDay, into directory: String, requestId: String) throws(ReconError) -> StatementFile
    /// A statement file already at hand (downloaded from the channel's console, kept from an
    /// earlier run), reconciled where it lies.
    func adopt(_ channel: Channel, day: StatementDay, path: String) throws(ReconError) -> StatementFile
    /// Reads a kept file from its start. The reader checks the file's own totals at its end.
    func open(_ file: StatementFile) throws(ReconError) -> any StatementLines
}

/// A statement as kept: nil `path` when the channel has none for the day (no trade at all).
public struct StatementFile: Sendable, Equatable {
    public var channel: Channel
    public var day: StatementDay
    public var path: String?
    /// Our digest of the kept file, recorded with the run.
    public var sha256: String?
    /// The digest the channel published for it (WeChat Pay's SHA-1), checked as it is read.
    public var channelDigest: String?
    public init(channel: Channel, day: StatementDay, path: String?, sha256: String?, channelDigest: String?) {
        self.channel = channel; self.day = day; self.path = path; self.sha256 = sha256; self.channelDigest = channelDigest
    }
}

/// One line of a statement, in reconciliation's terms. References are as the channel lists them.
public struct ReconStatementLine: Sendable, Equatable {
    public var kind: ReconKind
    public var orderReference: String
    public var refundReference: String?
    public var channelTransactionId: String
    public var side: ReconStatementSide
    public init(kind: ReconKind, orderReference: String, refundReference: String?, channelTransactionId: String, side: ReconStatementSide) {
        self.kind = kind; self.orderReference = orderReference; self.refundReference = refundReference
        self.channelTransactionId = channelTransactionId; self.side = side
    }
}

/// A statement read in order, one line at a time (memory flat in the file's size). nil at the
/// end, once the file's own totals were checked against its lines.
public protocol StatementLines: AnyObject {
    func next() throws(ReconError) -> ReconStatementLine?
}

/// Why a run stopped; the run row says it (`recon_runs.error`), nothing is recorded as matched.
public struct ReconError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The channel did not answer (or not definitely): the worker tries again later.
        case unavailable
        /// The file is not a statement we can trust: hash, archive, encoding, columns, totals.
        case badStatement = "bad_statement"
        /// Our own database failed.
        case storage
        /// Reconciliation is not configured (no directory, no channel).
        case notConfigured = "not_configured"
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    public var description: String { "\(code.rawValue): \(message)" }
}
