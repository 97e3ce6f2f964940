import Foundation
import PaygateCore
import Storage
import Synchronization

/// Every admin action of paygate-admin is appended to the audit log when it ends (README "Audit
/// log"): who (`actor`), what (`action`, `target`), how it ended (`success`, or `failure` with the
/// error), from where (this host, user and process), followed by a signed checkpoint of the head.
/// An action that fails through `fail` is recorded by `fail` itself, so every exit path of a
/// command is covered. Reads (lists, reports, balances, check) are not recorded.
final class AdminAudit: Sendable {
    /// The action under way, the one `fail` records as failed.
    struct Action: Sendable {
        var action: String
        var target: String
        var details: String = "{}"
    }

    /// Error messages kept in a record's details at most (the rest is cut).
    static let errorCharactersMax = 512

    /// The one of this process, for `fail`.
    static let current = Mutex<AdminAudit?>(nil)

    let trail: AuditTrail
    /// PAYGATE_ACTOR, else the user sudo was run by, else the operating-system user.
    let actor: String
    private let pending = Mutex<Action?>(nil)

    init(trail: AuditTrail, environment: [String: String]) {
        self.trail = trail
        actor = environment["PAYGATE_ACTOR"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["SUDO_USER"] ?? trail.origin.user
    }

    func begin(_ action: Action) { pending.withLock { $0 = action } }

    /// Records the pending action as done; `target` and `details` replace what `begin` said
    /// (a merchant's id is known only once it is made). Not recorded: exit 1, the action stands.
    func succeeded(target: String? = nil, details: String? = nil) {
        guard
            var action = pending.withLock({ current in
                defer { current = nil }; return current
            })
        else { return }
        if let target { action.target = target }
        if let details { action.details = details }
        do {
            try trail.record(actor: actor, action: action.action, target: action.target, outcome: "success", details: action.details)
        } catch {
            FileHandle.standardError.write(
                Data("paygate-admin: \(action.action) was carried out but could not be recorded in the audit log: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Records the pending action (if any) as failed with `message`; a failure to record is told.
    func failed(_ message: String) {
        guard
            let action = pending.withLock({ current in
                defer { current = nil }; return current
            })
        else { return }
        var details = JSONWriter()
        details.objectOpen()
        details.member("error", String(message.prefix(Self.errorCharactersMax)))
        details.objectClose()
        do {
            try trail.record(actor: actor, action: action.action, target: action.target, outcome: "failure", details: details.string)
        } catch {
            FileHandle.standardError.write(Data("paygate-admin: the failure of \(action.action) could not be recorded: \(error)\n".utf8))
        }
    }
}

/// What each admin command is in the audit log; nil for reads. Arguments as `main` left them
/// (global options taken out).
func auditedAction(_ arguments: [String], merchantId: String?) -> AdminAudit.Action? {
    func value(_ flag: String) -> String {
        guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return "" }
        return arguments[index + 1]
    }
    switch Array(arguments.prefix(2)) {
    case ["migrate"]: return .init(action: "schema.migrate", target: "databases")
    case ["merchant", "create"]: return .init(action: "merchant.create", target: "merchant:new")
    case ["merchant", "enable"]: return .init(action: "merchant.enable", target: "merchant:\(merchantId ?? "")")
    case ["merchant", "disable"]: return .init(action: "merchant.disable", target: "merchant:\(merchantId ?? "")")
    // Secrets and keys rotate (their new values are printed once, never recorded).
    case ["merchant", "rotate-secret"]: return .init(action: "merchant.rotate_secret", target: "merchant:\(merchantId ?? "")")
    case ["merchant", "rotate-webhook-secret"]:
        return .init(action: "merchant.rotate_webhook_secret", target: "merchant:\(merchantId ?? "")")
    case ["keys", "rotate-master"]: return .init(action: "keys.rotate_master", target: "master_key")
    case ["keys", "seal-files"]: return .init(action: "keys.seal_files", target: "channel_key_files")
    case ["events", "resend"]: return .init(action: "events.resend", target: "event:\(arguments.count > 2 ? arguments[2] : "")")
    case ["housekeeping", "purge"]: return .init(action: "housekeeping.purge", target: "shards")
    // A statement downloaded from the channel (with --file it only reads a local file).
    case ["recon", "fetch"] where arguments.contains("--out"):
        return .init(action: "recon.fetch", target: "channel:\(value("--channel")) day:\(value("--date"))")
    case ["recon", "run"]: return .init(action: "recon.run", target: "channel:\(value("--channel")) day:\(value("--date"))")
    case ["recon", "resolve"]: return .init(action: "recon.resolve", target: "item:\(arguments.count > 2 ? arguments[2] : "")")
    case ["risk", "list"] where arguments.count > 2 && ["add", "remove"].contains(arguments[2]):
        return .init(
            action: "risk.list_\(arguments[2])",
            target: "list:\(arguments.count > 3 ? arguments[3] : "") value:\(arguments.count > 4 ? arguments[4] : "")")
    case ["risk", "approve"], ["risk", "decline"]:
        return .init(action: "risk.\(arguments[1])", target: "payment:\(arguments.count > 2 ? arguments[2] : "")")
    default: return nil
    }
}

/// A new merchant's record: its name, never its secrets.
func merchantDetails(name: String) -> String {
    var writer = JSONWriter()
    writer.objectOpen()
    writer.member("name", name)
    writer.objectClose()
    return writer.string
}

/// `channel-rotate` works on a stack root's files, with or without a running stack: it is
/// recorded in that root's audit log when its configuration and directory database answer, and
/// says on stderr when they do not (the rotation itself stands either way).
func recordChannelRotation(root: String, channel: String, error: String?) {
    do {
        let configuration = try Configuration.load(path: root + "/paygate.json")
        let trail = try AuditTrail(
            connections: try ShardConnections(configuration: configuration.database), configuration: configuration.audit,
            program: "paygate-admin")
        let audit = AdminAudit(trail: trail, environment: ProcessInfo.processInfo.environment)
        audit.begin(.init(action: "channel.rotate", target: "channel:\(channel)"))
        if let error { audit.failed(error) } else { audit.succeeded() }
    } catch {
        FileHandle.standardError.write(Data("paygate-admin: channel-rotate not recorded in the audit log: \(error)\n".utf8))
    }
}
