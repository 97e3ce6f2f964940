import PaygateCore
import Synchronization

/// Risk for one process (README "Risk"): gathers a create's facts (the request, China's hour, the
/// shared counters in one round trip, the lists) and asks the core's `RiskPolicy`. It never fails
/// a create: unreachable counters are the policy's degraded mode, logged and counted.
public final class RiskEngine: Sendable {
    public let policy: RiskPolicy
    let signals: any RiskSignals
    let lists: any RiskListSource
    let log: Log
    /// Creates decided without counters since start (the pool's health detail shows it).
    public let degradedCount = Atomic<Int>(0)

    public init(policy: RiskPolicy, signals: any RiskSignals, lists: any RiskListSource, log: Log) {
        self.policy = policy
        self.signals = signals
        self.lists = lists
        self.log = log
    }

    public static func subjects(of body: CreatePaymentRequest, merchantId: String) -> RiskSubjects {
        RiskSubjects(payerIP: body.payerIP, payerDevice: body.payerDeviceId, payerUser: body.payerUserId, merchant: merchantId)
    }

    public func assess(_ body: CreatePaymentRequest, merchantId: String, at time: Timestamp, requestId: String) -> RiskAssessment {
        let subjects = Self.subjects(of: body, merchantId: merchantId)
        var facts = RiskFacts(
            amount: body.amount, channel: body.channel, subjects: subjects, hourChina: RiskFacts.hourChina(at: time), counters: [:],
            deviceNewToUser: nil)
        var available = true
        // A create the counters know nothing of (no payer key any rule or the model reads: a
        // merchant that sends no payer, with no rule on merchant counters) costs no round trip.
        if policy.needsCounters(subjects) {
            available = observe(subjects, body: body, merchantId: merchantId, at: time, into: &facts, requestId: requestId)
        }
        let assessment = policy.decide(facts, lists: lists.current(), countersAvailable: available)
        // A device becomes its user's once a create from it is allowed (RiskSignals.rememberDevice).
        if assessment.decision == .allow, facts.deviceNewToUser == true {
            do { try signals.rememberDevice(subjects, at: time) } catch {
                log.error("risk: device not remembered (\(error.reason))", requestId: requestId)
            }
        }
        return assessment
    }

    /// The create counted once under its order and the counters read into `facts`; false when
    /// they could not be reached (the degraded mode decides then).
    private func observe(
        _ subjects: RiskSubjects, body: CreatePaymentRequest, merchantId: String, at time: Timestamp, into facts: inout RiskFacts,
        requestId: String
    ) -> Bool {
        do {
            let attempt = RiskAttempt(
                subjects: subjects, amountMinorUnits: body.amount.minorUnits, at: time, order: merchantId + " " + body.merchantOrderNo)
            let observed = try signals.observe(attempt, reading: policy.counterKeys)
            facts.counters = observed.counters
            facts.deviceNewToUser = observed.deviceNewToUser
            return true
        } catch {
            degradedCount.add(1, ordering: .relaxed)
            log.error("risk: counters unavailable (\(error.reason)); degraded mode decides", requestId: requestId)
            return false
        }
    }

    /// Counts a decline under the create's subjects; a failure is logged, never raised (the
    /// decline itself is already decided and recorded).
    public func recordDecline(_ subjects: RiskSubjects, at time: Timestamp, requestId: String) {
        do { try signals.recordDecline(subjects, at: time) } catch {
            log.error("risk: decline not counted (\(error.reason))", requestId: requestId)
        }
    }
}
