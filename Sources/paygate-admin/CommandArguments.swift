/// A subcommand's arguments, taken flag by flag; what is left afterwards are its words.
struct CommandArguments {
    private(set) var rest: [String]

    init(_ arguments: [String]) { rest = arguments }

    /// The value after `flag`, removed with it; nil when the flag is absent. A flag without its
    /// value ends the command (exit 2).
    mutating func take(_ flag: String) -> String? {
        guard let index = rest.firstIndex(of: flag) else { return nil }
        guard index + 1 < rest.count else { fail("\(flag) needs a value", code: 2) }
        defer { rest.removeSubrange(index...(index + 1)) }
        return rest[index + 1]
    }

    /// Whether the flag (one without a value) was given; removed.
    mutating func has(_ flag: String) -> Bool {
        let given = rest.contains(flag)
        rest.removeAll { $0 == flag }
        return given
    }
}
