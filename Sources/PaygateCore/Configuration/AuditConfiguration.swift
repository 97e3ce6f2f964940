/// The audit log's checkpoints and the pool's security-event flush (README "Audit log"). Without
/// `checkpoint_file` and `key_file` no checkpoint is written or compared: the chain is still
/// appended and verified, but the removal of its newest records cannot be seen.
public struct AuditConfiguration: Sendable, Codable {
    /// Signed checkpoints of the log's head, one JSON line each, appended (mode 0600).
    public var checkpointFile: String?
    /// 32 random bytes (mode 0600) that sign the checkpoints with HMAC-SHA256.
    public var keyFile: String?
    /// How often `paygate-worker` writes a checkpoint (admin actions write one each as well):
    /// the newest records written since the last checkpoint are the ones whose removal cannot be
    /// shown, so this bounds that window.
    public var checkpointIntervalSeconds: Int = 60
    /// How often each pool process writes what it counted of security events (authentication
    /// failures, disabled merchants, forged callbacks): a crash loses at most this much.
    public var securityFlushSeconds: Int = 10

    public static let intervalSecondsMax = 3_600

    public init() {}

    enum CodingKeys: String, CodingKey {
        case checkpointFile = "checkpoint_file"
        case keyFile = "key_file"
        case checkpointIntervalSeconds = "checkpoint_interval_seconds"
        case securityFlushSeconds = "security_flush_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        checkpointFile = try c.decodeIfPresent(String.self, forKey: .checkpointFile)
        keyFile = try c.decodeIfPresent(String.self, forKey: .keyFile)
        checkpointIntervalSeconds = try c.decodeIfPresent(Int.self, forKey: .checkpointIntervalSeconds) ?? 60
        securityFlushSeconds = try c.decodeIfPresent(Int.self, forKey: .securityFlushSeconds) ?? 10
    }

    public func validate() throws {
        guard (1...Self.intervalSecondsMax).contains(checkpointIntervalSeconds),
            (1...Self.intervalSecondsMax).contains(securityFlushSeconds)
        else {
            throw ConfigurationError("audit: checkpoint_interval_seconds and security_flush_seconds must be 1-\(Self.intervalSecondsMax)")
        }
        guard (checkpointFile == nil) == (keyFile == nil) else {
            throw ConfigurationError("audit: checkpoint_file and key_file go together")
        }
        for path in [checkpointFile, keyFile].compactMap({ $0 }) where !path.hasPrefix("/") {
            throw ConfigurationError("audit: \(path) must be an absolute path")
        }
    }
}
