import Foundation
import PaygateCore
import Storage

/// paygate-worker writes a signed checkpoint of the audit log's head every
/// `audit.checkpoint_interval_seconds` (README "Audit log"): the newest records that could be
/// removed unseen are at most that old (admin actions write their own checkpoint at once). One
/// short append per interval; the thread is not joined at stop, a checkpoint is one `write`.
public enum AuditCheckpointThread {
    /// False when the configuration names no checkpoint file.
    @discardableResult
    public static func start(configuration: Configuration, stop: WorkerStop, log: Log) throws -> Bool {
        guard configuration.audit.checkpointFile != nil else { return false }
        let trail = try AuditTrail(
            connections: try ShardConnections(configuration: configuration.database), configuration: configuration.audit,
            program: "paygate-worker")
        let interval = Int64(configuration.audit.checkpointIntervalSeconds) * 1000
        let thread = Thread {
            while !stop.isRaised {
                do { try trail.checkpoint() } catch { log.warning("audit checkpoint not written (tried again later): \(error)") }
                stop.wait(milliseconds: interval)
            }
        }
        thread.name = "audit-checkpoint"
        thread.start()
        log.info("audit: a checkpoint every \(configuration.audit.checkpointIntervalSeconds)s")
        return true
    }
}
