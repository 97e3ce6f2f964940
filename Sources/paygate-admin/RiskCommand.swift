import Foundation
import HTTPClient
import PaygateCore
import PaygateCrypto
import Services
import Storage

/// `paygate-admin risk ...` (README "Risk"):
///
///     risk list add|remove LIST VALUE     a value on a list the rules name as @LIST (audited)
///     risk list show LIST                 its values, who added each and when
///     risk approve|decline PAYMENT_ID     an admin's decision on a payment held for review (audited)
///     risk check-rules [FILE]             parses a rules file (default: risk.rules_file) as a
///                                         reload would; exit 1 with FILE:LINE:COLUMN on an error
@MainActor func riskCommand(_ arguments: [String]) throws {
    switch arguments.first {
    case "list": try riskListCommand(Array(arguments.dropFirst()))
    case "approve", "decline":
        guard arguments.count == 2, let id = PaymentId(arguments[1]) else {
            fail("risk \(arguments[0]) needs a payment id (pay_…)", code: 2)
        }
        let payment = try riskReviewDecision(approve: arguments[0] == "approve", id: id)
        print(String(decoding: payment.json, as: UTF8.self))
    case "check-rules":
        guard arguments.count <= 2, let path = arguments.count == 2 ? arguments[1] : configuration.risk.rulesFile else {
            fail("risk check-rules [FILE] (no risk.rules_file in the configuration)", code: 2)
        }
        do {
            let rules = try RiskPolicyFiles.loadRules(path: path)
            print("\(path): ok, \(rules.rules.count) rules")
        } catch {
            fail(error.description)
        }
    default:
        fail(usage, code: 2)
    }
}

@MainActor func riskListCommand(_ arguments: [String]) throws {
    let store = RiskListStore(connections: try ShardConnections(configuration: configuration.database))
    switch arguments.first {
    case "add", "remove":
        guard arguments.count == 3, RiskLists.nameIsValid(arguments[1]),
            (1...RiskListStore.valueLengthMax).contains(arguments[2].unicodeScalars.count)
        else {
            fail("risk list \(arguments.first ?? "") LIST VALUE (LIST: [a-z][a-z0-9_]*, VALUE: 1-128 characters)", code: 2)
        }
        let changed =
            arguments[0] == "add"
            ? try store.add(arguments[2], to: arguments[1], actor: AdminAudit.current.withLock { $0 }?.actor ?? "paygate-admin")
            : try store.remove(arguments[2], from: arguments[1])
        printLine {
            $0.member("list", arguments[1])
            $0.member("value", arguments[2])
            $0.member(arguments[0] == "add" ? "added" : "removed", changed)
        }
    case "show":
        guard arguments.count == 2, RiskLists.nameIsValid(arguments[1]) else { fail("risk list show LIST", code: 2) }
        for entry in try store.show(arguments[1]) { print("\(entry.value)\t\(entry.addedBy)\t\(entry.addedAt)") }
    default:
        fail(usage, code: 2)
    }
}

/// Approve prepays with the channel now, as the create would have; decline fails the payment.
@MainActor func riskReviewDecision(approve: Bool, id: PaymentId) throws -> Payment {
    HTTPClient.initializeOnce()
    let shards = try ShardConnections(configuration: configuration.database)
    let runtime = try ChannelRuntime.load(configuration, log: log)
    let services = Services(
        ServiceContext(
            payments: PaymentStore(shards: shards, channelFees: configuration.channelFees), refunds: RefundStore(shards: shards),
            channels: runtime.map { LiveChannels(runtime: $0, gate: nil, log: log) }, clock: SystemClock(),
            schedule: configuration.queries.schedule, log: log))
    let requestId = "admin-risk-" + id.text
    if approve { return try services.riskReview.approve(id, requestId: requestId) }
    let declined = try services.riskReview.decline(id, requestId: requestId)
    countDecline(declined, shards: shards)
    return declined
}

/// A declined review counts as a decline of its payer's keys (the rules' `declines(...)`), as a
/// block does. The decline itself stands whatever happens here; a failure is said on stderr.
@MainActor func countDecline(_ payment: Payment, shards: ShardConnections) {
    guard configuration.risk.enabled else { return }
    do {
        let store = PaymentStore(shards: shards)
        guard let subjects = try store.payerSubjects(of: payment, keys: try KeyRing(configuration: configuration)) else { return }
        try RedisRiskSignals.load(configuration: configuration.risk.redis).recordDecline(subjects, at: .now())
    } catch {
        FileHandle.standardError.write(Data("paygate-admin: the decline was not counted in risk's counters: \(error)\n".utf8))
    }
}
