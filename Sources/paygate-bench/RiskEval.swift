import Foundation
import PaygateCore
import PaygateCrypto
import Services
import Storage

/// (i): the risk evaluation's own cost, one create at a time on one thread: `assess` (the
/// counters' round trip to the stack's Redis, the model, the rules) and `decide` alone (the
/// model and the rules over facts already gathered: pure computation). Prints
/// "assess_p50_us assess_p99_us decide_p50_us decide_p99_us decisions" where decisions counts
/// allow/review/block as `a/r/b`.
enum RiskEval {
    struct NoLists: RiskListSource {
        func current() -> RiskLists { RiskLists([:]) }
    }

    static func run(configuration: Configuration, count: Int) throws -> String {
        let policy = try RiskPolicyFiles.load(configuration.risk)
        let engine = RiskEngine(
            policy: policy, signals: try RedisRiskSignals.load(configuration: configuration.risk.redis), lists: NoLists(),
            log: Log(component: "bench"))
        // Orders of this run only: an order already counted would only be read (RiskAttempt.order).
        let runId = Hex.encode(try SecureRandom.bytes(4))
        let bodies = try (0..<count).map { try CreatePaymentRequest(body: Array(body($0, runId: runId).utf8)) }
        let merchant = "mch_" + String(repeating: "0", count: 24)
        var assess: [UInt64] = []
        var decide: [UInt64] = []
        var tally: [RiskDecision: Int] = [:]
        assess.reserveCapacity(count)
        decide.reserveCapacity(count)
        for body in bodies {
            let started = Timestamp.monotonicNanoseconds()
            let assessment = engine.assess(body, merchantId: merchant, at: .now(), requestId: "bench")
            assess.append(Timestamp.monotonicNanoseconds() - started)
            tally[assessment.decision, default: 0] += 1
            let facts = RiskFacts(
                amount: body.amount, channel: body.channel, subjects: RiskEngine.subjects(of: body, merchantId: merchant), hourChina: 12,
                counters: Dictionary(uniqueKeysWithValues: policy.counterKeys.map { ($0, Int64(3)) }), deviceNewToUser: false)
            let decided = Timestamp.monotonicNanoseconds()
            _ = policy.decide(facts, lists: RiskLists([:]), countersAvailable: true)
            decide.append(Timestamp.monotonicNanoseconds() - decided)
        }
        // The bench's own percentiles, in milliseconds: × 1000 for microseconds.
        let assessed = LatencySummary(latenciesNanoseconds: assess, errors: 0, seconds: 0)
        let decided = LatencySummary(latenciesNanoseconds: decide, errors: 0, seconds: 0)
        return String(
            format: "%.1f %.1f %.1f %.1f %d/%d/%d", assessed.p50Milliseconds * 1_000, assessed.p99Milliseconds * 1_000,
            decided.p50Milliseconds * 1_000, decided.p99Milliseconds * 1_000, tally[.allow] ?? 0, tally[.review] ?? 0, tally[.block] ?? 0)
    }

    /// The payer of request `index` as `SignedRequests.payer` makes them.
    static func body(_ index: Int, runId: String) -> String {
        #"{"merchant_order_no":"eval-\#(runId)-\#(index)","amount":"12.30","currency":"CNY","channel":"alipay","subject":"bench","notify_url":"https://merchant.example/notify","payer":\#(SignedRequests.payer(index))}"#
    }
}
