import Glibc
import PaygateCore

/// What the processes of paygate use to write the audit log: the store, the checkpoints file
/// (nil without `audit.checkpoint_file`), and this process's origin.
public struct AuditTrail: Sendable {
    public let store: AuditLogStore
    public let checkpoints: AuditCheckpoints?
    public let origin: AuditOrigin

    public init(connections: ShardConnections, configuration: AuditConfiguration, program: String) throws {
        store = AuditLogStore(connections: connections)
        if let path = configuration.checkpointFile, let keyFile = configuration.keyFile {
            checkpoints = try AuditCheckpoints(path: path, keyFile: keyFile)
        } else {
            checkpoints = nil
        }
        origin = Self.origin(program: program)
    }

    /// This host (its name as the kernel has it: no DNS lookup), the operating-system user this
    /// process runs as, and program[pid].
    public static func origin(program: String) -> AuditOrigin {
        let user = getpwuid(geteuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "uid \(geteuid())"
        var name = [CChar](repeating: 0, count: Int(HOST_NAME_MAX) + 1)
        let host =
            gethostname(&name, name.count - 1) == 0
            ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown"
        return AuditOrigin(host: host, user: user, process: "\(program)[\(getpid())]")
    }

    /// Appends one record made here (origin filled in), then writes a checkpoint of the new head:
    /// an admin action is covered by a checkpoint as soon as it is recorded.
    @discardableResult
    public func record(actor: String, action: String, target: String, outcome: String, details: String = "{}") throws -> AuditRecord {
        let entry = AuditEntry(actor: actor, action: action, target: target, outcome: outcome, origin: origin, details: details)
        let record = try store.append([entry])[0]
        try checkpoints?.append(
            AuditCheckpoint(sequence: record.sequence, recordHash: record.recordHash, time: Timestamp.now().rfc3339Milliseconds))
        return record
    }

    /// Writes a checkpoint of the current head (the worker's interval); nothing without a file.
    public func checkpoint() throws {
        guard let checkpoints else { return }
        let head = try store.head()
        try checkpoints.append(
            AuditCheckpoint(
                sequence: head?.sequence ?? 0, recordHash: head?.recordHash ?? AuditChain.genesisHash,
                time: Timestamp.now().rfc3339Milliseconds))
    }
}
