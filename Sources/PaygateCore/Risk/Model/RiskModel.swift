import Foundation

/// The trained risk model (docs/risk-model.md): the file `risk.model_file` names, exported by
/// `scripts/train-risk-model`, loaded at start and at `make reload`. Pure: `score` reads the
/// facts of one create and allocates nothing beyond a stack buffer of features.
///
/// Two kinds are evaluated, exactly as scikit-learn's `predict_proba` does (the vectors test
/// holds this scorer to sklearn's own outputs):
/// - `logistic_regression`: p = 1 / (1 + e^-(intercept + Σ coefficient × feature));
/// - `gradient_boosted_trees`: the same logistic of the prior's log-odds plus, tree by tree, the
///   learning rate times the leaf reached (an input goes left when, cast to float32, it is at most
///   the node's threshold).
public struct RiskModel: Sendable {
    public static let format = "paygate-risk-model"
    public static let fileBytesMax = 4 << 20
    public static let versionLengthMax = 64
    public static let treeCountMax = 1_000
    /// A full binary tree of depth 11.
    public static let treeNodeCountMax = 4_095

    public enum Kind: String, Sendable {
        case logisticRegression = "logistic_regression"
        case gradientBoostedTrees = "gradient_boosted_trees"
    }

    enum Evaluator: Sendable {
        /// Slots and coefficients in the file's feature order.
        case logistic(intercept: Double, slots: [Int], coefficients: [Double])
        case trees(RiskTrees)
    }

    /// As written in the file ("2026-12-06.1"): the payment's risk is traceable to the model.
    public let version: String
    public let kind: Kind
    /// The features the file's parameters refer to, in the file's order.
    public let features: [RiskFeature]
    let evaluator: Evaluator

    /// The fraud probability of the create, 0...1.
    public func probability(_ facts: RiskFacts) -> Double {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: RiskFeatures.count) { buffer in
            RiskFeatures.compute(facts, into: buffer)
            return probability(features: buffer)
        }
    }

    /// The score of docs/API.md section 5: the probability × 100, rounded half away from zero.
    public func score(_ facts: RiskFacts) -> Int { Self.score(probability: probability(facts)) }

    public static func score(probability: Double) -> Int {
        // Finite parameters (checked at load) and finite features give a probability, never NaN.
        precondition(!probability.isNaN, "risk model probability is NaN")
        let clamped = min(max(probability, 0), 1)
        return Int((clamped * 100).rounded(.toNearestOrAwayFromZero))
    }

    /// The probability from features at their `RiskFeatures` slots.
    func probability(features buffer: UnsafeMutableBufferPointer<Double>) -> Double {
        let logOdds: Double
        switch evaluator {
        case .logistic(let intercept, let slots, let coefficients):
            // sklearn's decision_function: the dot product, then the intercept.
            var dot = 0.0
            for index in slots.indices { dot += coefficients[index] * buffer[slots[index]] }
            logOdds = dot + intercept
        case .trees(let trees):
            logOdds = trees.logOdds(buffer)
        }
        return 1 / (1 + exp(-logOdds))
    }
}
