/// Where the flows report a security event (a forged callback) for the audit log. The pool's
/// implementation only counts in memory (`SecurityTally`); a background flush writes the counts,
/// so reporting never waits on the database.
public protocol SecurityEventRecording: Sendable {
    func note(_ kind: SecurityTally.Kind, targets: [String])
}
