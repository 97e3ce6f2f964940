import Foundation

/// How the setup's JSON files look: pretty, keys sorted (so an unchanged configuration is the same
/// bytes and a change shows up in a diff or a `cmp`), slashes of paths and URLs left alone.
enum JSONFile {
    static func encode(_ value: some Encodable) throws(SetupError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
        } catch {
            throw SetupError(.configurationInvalid, "cannot encode the configuration: \(error)")
        }
    }
}
