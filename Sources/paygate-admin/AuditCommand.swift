import Foundation
import PaygateCore
import PaygateCrypto
import Storage

// `paygate-admin audit ...`: the tamper-evident audit log (README "Audit log").
//
//   audit verify
//       walks the whole chain and compares its head with the latest signed checkpoint; one JSON
//       line per finding, {"finding": "changed"|"inserted", "sequence": N},
//       {"finding": "removed", "first": N, "last": M} or {"finding": "checkpoint_forged"}, then
//       {"records": N, "head": N, "checkpoint": N|null, "ok": true|false}. Exit 1 on any finding.
//   audit list [--actor A] [--action X] [--since T] [--until T] [--limit N]
//       the matching records, oldest first, one JSON line each (T: RFC 3339 or
//       "yyyy-MM-dd HH:mm:ss", UTC; --until is exclusive; default limit 100).
//   audit record --action X --target T [--outcome success|failure] [--details JSON_OBJECT]
//       appends an admin action done outside this tool (`make reload` records its rate limits).

@MainActor func auditCommand(_ arguments: [String], trail: AuditTrail, audit: AdminAudit) throws {
    var arguments = CommandArguments(arguments)
    let take = { (flag: String) in arguments.take(flag) }
    func time(_ flag: String) -> Timestamp? {
        take(flag).map { text in
            guard let time = Timestamp(parsing: text) else { fail("\(flag) takes RFC 3339 or yyyy-MM-dd HH:mm:ss (UTC)", code: 2) }
            return time
        }
    }
    let actor = take("--actor")
    let action = take("--action")
    let target = take("--target")
    let outcome = take("--outcome") ?? "success"
    let details = take("--details") ?? "{}"
    let since = time("--since")
    let until = time("--until")
    let limitText = take("--limit")
    switch arguments.rest {
    case ["verify"]:
        try auditVerify(trail)
    case ["list"]:
        guard let limit = Int(limitText ?? String(AuditLogStore.listRowsDefault)), limit >= 1 else { fail("--limit takes N >= 1", code: 2) }
        for record in try trail.store.list(actor: actor, action: action, since: since, until: until, limit: limit) {
            print(auditJSON(record))
        }
    case ["record"]:
        guard let action, !action.isEmpty, let target, !target.isEmpty else { fail("audit record needs --action and --target", code: 2) }
        guard ["success", "failure"].contains(outcome) else { fail("--outcome is success or failure", code: 2) }
        guard case .object? = try? JSONParser.parse(Array(details.utf8)) else { fail("--details must be a JSON object", code: 2) }
        let record = try trail.record(actor: audit.actor, action: action, target: target, outcome: outcome, details: details)
        print(auditJSON(record))
    default:
        fail(
            "usage: paygate-admin audit verify | audit list [--actor A] [--action X] [--since T] [--until T] [--limit N] | audit record ...",
            code: 2)
    }
}

@MainActor private func auditVerify(_ trail: AuditTrail) throws {
    let records = try trail.store.all()
    let latest = try trail.checkpoints?.latest() ?? (checkpoint: nil, forged: false)
    var findings = AuditChain.verify(records, checkpoint: latest.checkpoint, hash: { SHA256Digest.hash($0) })
    if latest.forged { findings.append(.checkpointForged) }
    for finding in findings {
        var writer = JSONWriter()
        writer.objectOpen()
        switch finding {
        case .changed(let sequence): writer.member("finding", "changed"); writer.member("sequence", Int(sequence))
        case .inserted(let sequence): writer.member("finding", "inserted"); writer.member("sequence", Int(sequence))
        case .removed(let first, let last):
            writer.member("finding", "removed")
            writer.member("first", Int(first))
            writer.member("last", Int(last))
        case .checkpointForged: writer.member("finding", "checkpoint_forged")
        }
        writer.member("detail", finding.description)
        writer.objectClose()
        print(writer.string)
    }
    var summary = JSONWriter()
    summary.objectOpen()
    summary.member("records", records.count)
    summary.member("head", Int(records.last?.sequence ?? 0))
    summary.key("checkpoint")
    if let checkpoint = latest.checkpoint { summary.value(Int(checkpoint.sequence)) } else { summary.null() }
    summary.member("ok", findings.isEmpty)
    summary.objectClose()
    print(summary.string)
    if !findings.isEmpty { exit(1) }
}

/// One record as `audit list` prints it; `details` is the stored JSON object itself.
func auditJSON(_ record: AuditRecord) -> String {
    let entry = record.entry
    var writer = JSONWriter()
    writer.objectOpen()
    writer.member("sequence", Int(record.sequence))
    writer.member("time", record.time)
    writer.member("actor", entry.actor)
    writer.member("action", entry.action)
    writer.member("target", entry.target)
    writer.member("outcome", entry.outcome)
    writer.key("origin")
    writer.objectOpen()
    writer.member("host", entry.origin.host)
    writer.member("user", entry.origin.user)
    writer.member("process", entry.origin.process)
    writer.objectClose()
    writer.key("details")
    if let parsed = try? JSONParser.parse(Array(entry.details.utf8)) { parsed.write(into: &writer) } else { writer.value(entry.details) }
    writer.member("prev_hash", record.previousHash)
    writer.member("record_hash", record.recordHash)
    writer.objectClose()
    return writer.string
}
