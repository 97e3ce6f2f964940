/// The gradient-boosted trees of a model, all nodes in one flat array so that scoring walks
/// memory without allocating. Node indices are absolute; a node's children come after it, which
/// `RiskModel` checks at load, so every walk ends.
struct RiskTrees: Sendable {
    struct Node: Sendable {
        /// The `RiskFeatures` slot compared here, or -1 at a leaf.
        var slot: Int32
        var left: Int32
        var right: Int32
        var threshold: Double
        /// The leaf's value (log-odds before the learning rate); unused inside the tree.
        var value: Double
    }

    var nodes: [Node] = []
    var roots: [Int32] = []
    var learningRate: Double
    var initialLogOdds: Double

    init(learningRate: Double, initialLogOdds: Double) {
        self.learningRate = learningRate
        self.initialLogOdds = initialLogOdds
    }

    /// The log-odds, summed as sklearn's `predict_stages` does: the prior, then the learning
    /// rate times each tree's leaf value, tree by tree in order.
    func logOdds(_ features: UnsafeMutableBufferPointer<Double>) -> Double {
        var sum = initialLogOdds
        nodes.withUnsafeBufferPointer { nodes in
            for root in roots {
                var index = Int(root)
                while nodes[index].slot >= 0 {
                    let node = nodes[index]
                    // sklearn's trees compare the input cast to float32 with a float64 threshold:
                    // the same cast here keeps a value just above a threshold on sklearn's side.
                    let value = Double(Float(features[Int(node.slot)]))
                    index = Int(value <= node.threshold ? node.left : node.right)
                }
                sum += learningRate * nodes[index].value
            }
        }
        return sum
    }
}
