/// Loading a model file: every member checked, every refusal a `RiskModelError` that names it.
extension RiskModel {
    public init(json bytes: [UInt8]) throws(RiskModelError) {
        guard bytes.count <= Self.fileBytesMax else {
            throw RiskModelError(.tooLarge, "\(bytes.count) bytes, at most \(Self.fileBytesMax)")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw RiskModelError(.invalidJSON, "at byte \(error.offset): \(error.reason)")
        }
        guard case .object = document else { throw RiskModelError(.invalidJSON, "the document is not an object") }
        let file = RiskModelFile(document: document)
        let format = try file.string("format")
        guard format == Self.format else { throw RiskModelError(.unknownFormat, "format \"\(format)\", expected \"\(Self.format)\"") }
        let version = try file.string("version")
        guard Self.isVersion(version) else { throw RiskModelError(.invalidMember, "version \"\(version)\" is not YYYY-MM-DD.N") }
        let kindText = try file.string("kind")
        guard let kind = Kind(rawValue: kindText) else { throw RiskModelError(.unknownKind, "kind \"\(kindText)\"") }
        let features = try file.features()
        let evaluator: Evaluator
        switch kind {
        case .logisticRegression:
            let coefficients = try file.numbers(file.array("coefficients"), "coefficients")
            guard coefficients.count == features.count else {
                throw RiskModelError(.sizeMismatch, "\(coefficients.count) coefficients for \(features.count) features")
            }
            evaluator = .logistic(intercept: try file.number("intercept"), slots: features.map(\.slot), coefficients: coefficients)
        case .gradientBoostedTrees:
            evaluator = .trees(try file.trees(features))
        }
        self.init(version: version, kind: kind, features: features, evaluator: evaluator)
    }

    /// "YYYY-MM-DD.N": the training date and its number that day.
    static func isVersion(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (12...versionLengthMax).contains(bytes.count) else { return false }
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        for (index, byte) in bytes.enumerated() {
            let ok =
                switch index {
                case 4, 7: byte == UInt8(ascii: "-")
                case 10: byte == UInt8(ascii: ".")
                default: isDigit(byte)
                }
            guard ok else { return false }
        }
        return true
    }
}

/// The members of a model document, read with the errors `RiskModel(json:)` throws.
private struct RiskModelFile {
    let document: JSONValue

    func member(_ key: String) throws(RiskModelError) -> JSONValue {
        guard let value = document[key] else { throw RiskModelError(.missingMember, key) }
        return value
    }

    func string(_ key: String) throws(RiskModelError) -> String {
        guard case .string(let text) = try member(key) else { throw RiskModelError(.invalidMember, "\(key) is not a string") }
        return text
    }

    func number(_ key: String) throws(RiskModelError) -> Double {
        try Self.number(member(key), key)
    }

    func array(_ key: String) throws(RiskModelError) -> [JSONValue] {
        guard case .array(let items) = try member(key) else { throw RiskModelError(.invalidMember, "\(key) is not an array") }
        return items
    }

    func features() throws(RiskModelError) -> [RiskFeature] {
        var features: [RiskFeature] = []
        for item in try array("features") {
            guard case .string(let name) = item else { throw RiskModelError(.invalidMember, "features holds a non-string") }
            guard let feature = RiskFeature(rawValue: name) else { throw RiskModelError(.unknownFeature, name) }
            guard !features.contains(feature) else { throw RiskModelError(.duplicateFeature, name) }
            features.append(feature)
        }
        guard !features.isEmpty else { throw RiskModelError(.sizeMismatch, "features is empty") }
        return features
    }

    /// A finite number: JSON text read as the nearest Double (Python writes the shortest text
    /// that reads back to its exact double, so parameters arrive bit for bit).
    static func number(_ value: JSONValue, _ name: String) throws(RiskModelError) -> Double {
        guard case .number(let text) = value, let number = Double(text), number.isFinite else {
            throw RiskModelError(.invalidMember, "\(name) holds something other than a finite number")
        }
        return number
    }

    func numbers(_ items: [JSONValue], _ name: String) throws(RiskModelError) -> [Double] {
        var numbers: [Double] = []
        numbers.reserveCapacity(items.count)
        for item in items { numbers.append(try Self.number(item, name)) }
        return numbers
    }

    func integers(_ items: [JSONValue], _ name: String) throws(RiskModelError) -> [Int] {
        var integers: [Int] = []
        integers.reserveCapacity(items.count)
        for item in items {
            guard case .number(let text) = item, let integer = Int(text) else {
                throw RiskModelError(.invalidMember, "\(name) holds something other than an integer")
            }
            integers.append(integer)
        }
        return integers
    }
}

extension RiskModelFile {
    /// The trees of a `gradient_boosted_trees` file: per tree, parallel arrays `feature` (an
    /// index into `features`, -1 at a leaf), `threshold`, `left`, `right` (-1 at a leaf) and `value`.
    func trees(_ features: [RiskFeature]) throws(RiskModelError) -> RiskTrees {
        var trees = RiskTrees(learningRate: try number("learning_rate"), initialLogOdds: try number("initial_log_odds"))
        let items = try array("trees")
        guard (1...RiskModel.treeCountMax).contains(items.count) else {
            throw RiskModelError(.sizeMismatch, "\(items.count) trees, 1 to \(RiskModel.treeCountMax)")
        }
        for (number, item) in items.enumerated() {
            let tree = RiskModelFile(document: item)
            let name = "trees[\(number)]"
            let feature = try integers(tree.array("feature"), "\(name).feature")
            let threshold = try numbers(tree.array("threshold"), "\(name).threshold")
            let left = try integers(tree.array("left"), "\(name).left")
            let right = try integers(tree.array("right"), "\(name).right")
            let value = try numbers(tree.array("value"), "\(name).value")
            let count = feature.count
            guard (1...RiskModel.treeNodeCountMax).contains(count),
                [threshold.count, left.count, right.count, value.count].allSatisfy({ $0 == count })
            else {
                throw RiskModelError(.sizeMismatch, "\(name): node arrays of sizes differing or not 1 to \(RiskModel.treeNodeCountMax)")
            }
            let base = trees.nodes.count
            trees.roots.append(Int32(base))
            for node in 0..<count {
                let isLeaf = feature[node] == -1
                let childrenValid =
                    isLeaf
                    ? left[node] == -1 && right[node] == -1
                    : (node + 1..<count).contains(left[node]) && (node + 1..<count).contains(right[node])
                guard childrenValid, isLeaf || features.indices.contains(feature[node]) else {
                    throw RiskModelError(.invalidTree, "\(name) node \(node)")
                }
                trees.nodes.append(
                    RiskTrees.Node(
                        slot: isLeaf ? -1 : Int32(features[feature[node]].slot),
                        left: isLeaf ? -1 : Int32(base + left[node]), right: isLeaf ? -1 : Int32(base + right[node]),
                        threshold: threshold[node], value: value[node]))
            }
        }
        return trees
    }
}
