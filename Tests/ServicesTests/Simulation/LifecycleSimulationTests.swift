import Foundation
import PaygateCore
import StorageMemory
import XCTest

/// The seeded lifecycle simulation over the in-memory twin of the stores (40 seeds × 10,000
/// steps: each step a decision written and every row of its payment checked). A failure prints
/// its seed and step; replay one seed
/// with every step printed:
///
///     PAYGATE_SIM_SEED=<seed> PAYGATE_SIM_TRACE=1 swift test --filter LifecycleSimulationTests
final class LifecycleSimulationTests: XCTestCase {
    static let seedCount: UInt64 = 40
    static let paymentsPerSeed = 50
    static let stepsPerPayment = 200
    /// Broken seeds reported before giving up, so one bug does not print a thousand lines.
    static let reportedFailuresMax = 3

    func testRandomInterleavingsKeepEveryInvariant() {
        let environment = ProcessInfo.processInfo.environment
        let seeds: [UInt64]
        if let text = environment["PAYGATE_SIM_SEED"] {
            guard let seed = UInt64(text) else { return XCTFail("PAYGATE_SIM_SEED must be an unsigned integer, got \(text)") }
            seeds = [seed]
        } else {
            seeds = Array(1...Self.seedCount)
        }
        let trace = environment["PAYGATE_SIM_TRACE"] == "1"
        var failures = 0
        var paidCount = 0
        for seed in seeds {
            var simulation = LifecycleSimulation(seed: seed, paymentCount: Self.paymentsPerSeed, traceEnabled: trace)
            if let broken = simulation.run(stepCount: Self.paymentsPerSeed * Self.stepsPerPayment) {
                XCTFail(broken)
                failures += 1
                if failures >= Self.reportedFailuresMax { break }
                continue
            }
            paidCount += simulation.payments.indices.count { simulation.status($0).isPaid }
        }
        // The simulation is only worth something if it reaches the interesting states.
        if failures == 0, seeds.count > 1 { XCTAssertGreaterThan(paidCount, 0) }
    }

    /// The simulation reaches every outcome the invariants are about; a generator that stopped
    /// producing late payments or wrong amounts would pass vacuously.
    func testTheSimulationReachesEveryOutcome() {
        var statuses = Set<PaymentStatus>()
        var anomalyKinds = Set<PaymentAnomalyKind>()
        var refunds = 0
        for seed in UInt64(1)...10 {
            var simulation = LifecycleSimulation(seed: seed, paymentCount: Self.paymentsPerSeed)
            XCTAssertNil(simulation.run(stepCount: Self.paymentsPerSeed * Self.stepsPerPayment))
            for (index, payment) in simulation.payments.enumerated() {
                statuses.insert(simulation.status(index))
                anomalyKinds.formUnion(simulation.store.anomalies(of: payment.id).compactMap { PaymentAnomalyKind(rawValue: $0.kind) })
                refunds += simulation.store.refunds(of: payment.id).count
            }
        }
        XCTAssertTrue(statuses.isSuperset(of: [.succeeded, .failed, .closed]), "\(statuses)")
        XCTAssertTrue(
            anomalyKinds.isSuperset(of: [.amountMismatch, .currencyMismatch, .paidAfterClose, .paidAfterFailure, .conflictingTransactionId]
            ), "\(anomalyKinds)")
        XCTAssertGreaterThan(refunds, 0)
    }

    func testTheSameSeedReplaysTheSameRun() {
        var first = LifecycleSimulation(seed: 42, paymentCount: 10)
        var second = LifecycleSimulation(seed: 42, paymentCount: 10)
        XCTAssertNil(first.run(stepCount: 2_000))
        XCTAssertNil(second.run(stepCount: 2_000))
        XCTAssertEqual(first.payments.indices.map(first.status), second.payments.indices.map(second.status))
        XCTAssertEqual(first.store.history.map(\.to), second.store.history.map(\.to))
        XCTAssertEqual(first.clock.now(), second.clock.now())
    }
}
