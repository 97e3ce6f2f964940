/// The named lists rules refer to as `@name` (`paygate-admin risk list ...`): sets of text values
/// such as blocked device ids or trusted merchants. A list that does not exist is empty, so a rule
/// on a list nobody has filled yet matches nothing instead of failing.
public struct RiskLists: Sendable {
    /// List names are `[a-z][a-z0-9_]{0,62}`: short, lower case, safe in any key or file name.
    public static let nameLengthMax = 63

    private let lists: [String: Set<String>]

    public init(_ lists: [String: Set<String>]) {
        self.lists = lists
    }

    public func contains(_ list: String, _ value: String) -> Bool {
        lists[list]?.contains(value) ?? false
    }

    /// Whether `name` is a valid list name (without its `@`).
    public static func nameIsValid(_ name: some StringProtocol) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, bytes.count <= nameLengthMax, isLowerLetter(first) else { return false }
        return bytes.allSatisfy { isLowerLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    private static func isLowerLetter(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
