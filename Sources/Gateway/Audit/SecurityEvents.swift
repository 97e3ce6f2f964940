import Foundation
import PaygateCore
import Storage
import Synchronization

/// The security events of one pool process (README "Audit log"): request threads count them in
/// memory (`SecurityTally` under a lock: never a database write on a request's path), and one
/// background thread of the process writes the counts to the audit log every
/// `audit.security_flush_seconds`. A process that dies loses at most one interval's counts.
/// Made empty in the master; the thread starts in a worker at its first event (threads do not
/// survive a fork).
final class SecurityEvents: SecurityEventRecording {
    private struct State {
        var tally = SecurityTally()
        var flusherStarted = false
    }

    private let state = Mutex(State())
    private let store: AuditLogStore
    private let intervalSeconds: Int
    private let log: Log

    init(store: AuditLogStore, intervalSeconds: Int, log: Log) {
        self.store = store
        self.intervalSeconds = intervalSeconds
        self.log = log
    }

    func note(_ kind: SecurityTally.Kind, targets: [String]) {
        let mustStart = state.withLock { state -> Bool in
            for target in targets { state.tally.note(kind, target: target) }
            defer { state.flusherStarted = true }
            return !state.flusherStarted
        }
        if mustStart { startFlusher() }
    }

    /// What the request's answer says about the caller: a 401 counts against the merchant id the
    /// header names (if it parses) and the client's address; a disabled merchant's request
    /// against that merchant.
    func noteRefusal(_ code: APIErrorCode, request: HTTPRequest) {
        let merchant = (try? AuthorizationHeader(request.headers["authorization"]))?.merchantId
        switch code {
        case .unauthenticated, .invalidSignature, .timestampOutOfWindow, .nonceReused:
            note(.authenticationFailed, targets: (merchant.map { ["merchant:" + $0] } ?? []) + ["ip:" + request.remoteAddress])
        case .merchantDisabled:
            note(.disabledMerchantUsed, targets: ["merchant:" + (merchant ?? "?") + " ip:" + request.remoteAddress])
        default:
            break
        }
    }

    private func startFlusher() {
        let thread = Thread { [self] in
            let origin = AuditTrail.origin(program: "paygate")
            while true {
                sleep(UInt32(intervalSeconds))
                flush(origin: origin)
            }
        }
        thread.name = "audit-flush"
        thread.start()
    }

    private func flush(origin: AuditOrigin) {
        let entries = state.withLock { $0.tally.drain(origin: origin, intervalSeconds: intervalSeconds) }
        guard !entries.isEmpty else { return }
        do {
            try store.append(entries)
        } catch {
            log.warning("audit: \(entries.count) security records of the last \(intervalSeconds) s could not be written: \(error)")
        }
    }
}
