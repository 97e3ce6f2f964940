/// Why a model file was refused (`RiskModel(json:)`); `detail` names the member or the value, so
/// that a start or a `make reload` with a bad file says what to fix (docs/risk-model.md).
public struct RiskModelError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Larger than `RiskModel.fileBytesMax`.
        case tooLarge = "too_large"
        case invalidJSON = "invalid_json"
        /// `format` is not "paygate-risk-model".
        case unknownFormat = "unknown_format"
        /// `kind` is neither kind this scorer evaluates.
        case unknownKind = "unknown_kind"
        /// A name in `features` that `RiskFeature` does not know, or one named twice.
        case unknownFeature = "unknown_feature"
        case duplicateFeature = "duplicate_feature"
        /// A member absent, of the wrong JSON type, or a number that is not finite.
        case missingMember = "missing_member"
        case invalidMember = "invalid_member"
        /// Arrays whose sizes disagree (coefficients and features, a tree's node arrays), or
        /// beyond a named limit.
        case sizeMismatch = "size_mismatch"
        /// A tree whose nodes do not form a tree (a child out of range or not after its parent,
        /// a leaf with children, a feature index out of range).
        case invalidTree = "invalid_tree"
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "risk model: \(code.rawValue): \(detail)" }
}
