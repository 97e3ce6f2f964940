import Foundation
import PaygateCore
import PaygateCrypto
import Setup
import Storage

// paygate-admin: the operator's tool. Run from the repo root it finds the running stack through
// var/paygate.json (or --config FILE, or PAYGATE_CONFIG).
//
//   paygate-admin init ROOT --port PORT --sandbox-port PORT [options]   (Init/InitCommand.swift:
//                                                   a stack root's keys, certificates, configuration)
//   paygate-admin channel-rotate ROOT CHANNEL      (a new platform key; run init again afterwards)
//   paygate-admin [--config FILE] migrate [--sql-dir DIR]
//   paygate-admin [--config FILE] merchant create --name NAME
//   paygate-admin [--config FILE] merchant disable|enable --id MERCHANT_ID
//   paygate-admin [--config FILE] merchant rotate-secret|rotate-webhook-secret --id M [--overlap-seconds N]
//   paygate-admin [--config FILE] keys rotate-master|status   (KeysCommand.swift)
//   paygate-admin [--config FILE] shards          (where every slot lives, and whether it answers)
//   paygate-admin [--config FILE] events list|show|resend ...   (EventsCommand.swift)
//   paygate-admin [--config FILE] ledger balance --merchant M  (LedgerCommand.swift)
//   paygate-admin [--config FILE] check           (InvariantCommand.swift: exits 1 on any violation)
//   paygate-admin [--config FILE] housekeeping purge   (HousekeepingCommand.swift)
//   paygate-admin [--config FILE] recon run|report|resolve ...   (ReconCommand.swift)
//   paygate-admin [--config FILE] recon fetch ...                (ReconFetchCommand.swift)
//   paygate-admin [--config FILE] audit verify|list|record ...   (AuditCommand.swift)
//   paygate-admin [--config FILE] risk list|approve|decline|check-rules ...   (RiskCommand.swift)
//
// Every admin action (not the reads) is appended to the audit log when it ends, failed ones too
// (AdminAudit.swift); the actor is PAYGATE_ACTOR, else SUDO_USER, else the user running this.

let usage = """
    usage: \(InitOptions.usage)
           paygate-admin channel-rotate ROOT alipay|wechatpay|unionpay
           paygate-admin [--config FILE] migrate [--sql-dir DIR]
           paygate-admin [--config FILE] merchant create --name NAME
           paygate-admin [--config FILE] merchant disable|enable --id MERCHANT_ID
           paygate-admin [--config FILE] merchant rotate-secret|rotate-webhook-secret --id MERCHANT_ID [--overlap-seconds N]
           paygate-admin [--config FILE] keys rotate-master|status
           paygate-admin [--config FILE] shards
           paygate-admin [--config FILE] events list [--state S] [--payment ID] [--limit N]
           paygate-admin [--config FILE] events show EVENT_ID
           paygate-admin [--config FILE] events resend EVENT_ID
           paygate-admin [--config FILE] ledger balance --merchant MERCHANT_ID
           paygate-admin [--config FILE] check
           paygate-admin [--config FILE] housekeeping purge
           paygate-admin [--config FILE] recon run --channel C --date yyyy-MM-dd [--file PATH]
           paygate-admin [--config FILE] recon report --date yyyy-MM-dd [--channel C] [--all]
           paygate-admin [--config FILE] recon resolve ITEM_ID --note TEXT [--actor NAME]
           paygate-admin [--config FILE] recon fetch --channel C --date yyyy-MM-dd --out FILE|--file FILE [--records]
           paygate-admin [--config FILE] audit verify
           paygate-admin [--config FILE] audit list [--actor A] [--action X] [--since T] [--until T] [--limit N]
           paygate-admin [--config FILE] audit record --action X --target T [--outcome success|failure] [--details JSON]
           paygate-admin [--config FILE] risk list add|remove LIST VALUE
           paygate-admin [--config FILE] risk list show LIST
           paygate-admin [--config FILE] risk approve|decline PAYMENT_ID
           paygate-admin [--config FILE] risk check-rules [FILE]
    """

func fail(_ message: String, code: Int32 = 1) -> Never {
    AdminAudit.current.withLock { $0 }?.failed(message)
    FileHandle.standardError.write(Data(("paygate-admin: " + message + "\n").utf8))
    exit(code)
}

var arguments = Array(CommandLine.arguments.dropFirst())
// These make the files of a stack root, paygate.json among them: they run before it exists.
switch arguments.first {
case "init": initCommand(Array(arguments.dropFirst()))
case "channel-rotate": channelRotateCommand(Array(arguments.dropFirst()))
default: break
}
@MainActor func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name) else { return nil }
    guard index + 1 < arguments.count else { fail("\(name) needs a value\n" + usage, code: 2) }
    let value = arguments[index + 1]
    arguments.removeSubrange(index...(index + 1))
    return value
}

let configPath = option("--config") ?? ProcessInfo.processInfo.environment["PAYGATE_CONFIG"] ?? "var/paygate.json"
let sqlDirectory = option("--sql-dir") ?? "sql"
let name = option("--name")
let merchantId = option("--id")
let overlapText = option("--overlap-seconds")
let log = Log(component: "admin")

let configuration: Configuration
do { configuration = try Configuration.load(path: configPath) } catch {
    fail("\(error) (is the stack up? `make up` writes var/paygate.json)")
}

@MainActor func openDirectory() throws -> MerchantDirectory {
    MerchantDirectory(
        connections: try ShardConnections(configuration: configuration.database), keys: try KeyRing(configuration: configuration))
}

/// The audit log, opened for the commands that write or read it (AdminAudit.swift).
@MainActor func openAudit() -> AdminAudit {
    do {
        let trail = try AuditTrail(
            connections: try ShardConnections(configuration: configuration.database), configuration: configuration.audit,
            program: "paygate-admin")
        let audit = AdminAudit(trail: trail, environment: ProcessInfo.processInfo.environment)
        AdminAudit.current.withLock { $0 = audit }
        return audit
    } catch {
        fail("audit log: \(error)")
    }
}
let pendingAudit = auditedAction(arguments, merchantId: merchantId)
let adminAudit = pendingAudit != nil || arguments.first == "audit" ? openAudit() : nil
if let pendingAudit { adminAudit?.begin(pendingAudit) }

do {
    switch arguments {
    case ["migrate"]:
        try Migrator(configuration: configuration.database, sqlDirectory: sqlDirectory, log: log).run()
    case ["merchant", "create"]:
        guard let name, (1...128).contains(name.count) else { fail("merchant create needs --name (1-128 characters)", code: 2) }
        let created = try openDirectory().create(name: name)
        var writer = JSONWriter()
        writer.objectOpen()
        writer.member("merchant_id", created.id)
        writer.member("secret", created.secret)
        writer.member("webhook_secret", created.webhookSecret)
        writer.objectClose()
        // Printed first: the secrets are shown only this once, even if the record then fails.
        print(writer.string)
        adminAudit?.succeeded(target: "merchant:" + created.id, details: merchantDetails(name: name))
    case ["merchant", "disable"], ["merchant", "enable"]:
        guard let merchantId else { fail("merchant \(arguments[1]) needs --id", code: 2) }
        guard try openDirectory().setStatus(id: merchantId, active: arguments[1] == "enable") else { fail("no merchant \(merchantId)") }
        print("{\"merchant_id\": \"\(merchantId)\", \"status\": \"\(arguments[1] == "enable" ? "active" : "disabled")\"}")
    case ["merchant", "rotate-secret"], ["merchant", "rotate-webhook-secret"]:
        guard let merchantId else { fail("merchant \(arguments[1]) needs --id", code: 2) }
        let overlap = overlapText.map { Int($0) ?? -1 } ?? configuration.secretOverlapSeconds
        guard overlap >= 0 else { fail("--overlap-seconds must be a whole number of seconds >= 0", code: 2) }
        let kind: MerchantSecretKind = arguments[1] == "rotate-secret" ? .api : .webhook
        guard let rotated = try openDirectory().rotate(kind, id: merchantId, overlapSeconds: overlap) else {
            fail("no merchant \(merchantId)")
        }
        // The new secret is printed once, never again; the replaced one is not printed.
        printLine {
            $0.member("merchant_id", merchantId)
            $0.member(kind == .api ? "secret" : "webhook_secret", rotated.secret)
            $0.member("previous_valid_until", rotated.previousValidUntil.rfc3339)
        }
    case let command where command.first == "keys":
        try keysCommand(Array(command.dropFirst()))
    case ["shards"]:
        let connections = try ShardConnections(configuration: configuration.database.using(.readOnly))
        let failing = Set(connections.unreachableShards())
        for (index, shard) in configuration.database.shards.enumerated() {
            let slots = (0..<connections.map.slotCount).filter { connections.map.shardIndex(forSlot: $0) == index }.count
            print(
                "\(shard.name)\tserver=\(shard.server)\tdatabase=\(shard.database)\tslots=\(slots)\t\(failing.contains(shard.name) ? "DOWN" : "ok")"
            )
        }
    case let command where command.first == "events":
        try eventsCommand(Array(command.dropFirst()))
    case let command where command.first == "ledger":
        try ledgerCommand(Array(command.dropFirst()))
    case ["check"]:
        try checkCommand()
    case let command where command.first == "housekeeping":
        try housekeepingCommand(Array(command.dropFirst()))
    case let command where command.count >= 2 && command[0] == "recon" && command[1] == "fetch":
        try reconFetchCommand(Array(command.dropFirst(2)))
    case let command where command.first == "recon":
        try reconCommand(Array(command.dropFirst()))
    case let command where command.first == "risk":
        try riskCommand(Array(command.dropFirst()))
    case let command where command.first == "audit":
        guard let adminAudit else { fail(usage, code: 2) }
        try auditCommand(Array(command.dropFirst()), trail: adminAudit.trail, audit: adminAudit)
    default:
        fail(usage, code: 2)
    }
    adminAudit?.succeeded()
} catch {
    fail("\(error)")
}
