import Foundation
import PaygateCore

/// Reads the rules file and the model named by the configuration and builds the policy: at the
/// pool's start and at every reload (a broken file refuses the reload, and the running policy
/// stays), and for `paygate-admin risk check-rules`.
public enum RiskPolicyFiles {
    /// Why the files did not load, naming the file (and for the rules, line and column).
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func load(_ configuration: RiskConfiguration) throws(LoadError) -> RiskPolicy {
        guard let rulesPath = configuration.rulesFile, let modelPath = configuration.modelFile else {
            throw LoadError(description: "risk: rules_file and model_file must both be set")
        }
        let rules = try loadRules(path: rulesPath)
        let model: RiskModel
        do { model = try RiskModel(json: try read(modelPath)) } catch let error as LoadError { throw error } catch {
            throw LoadError(description: "\(modelPath): \(error)")
        }
        do { return try RiskPolicy(rules: rules, model: model, configuration: configuration) } catch {
            throw LoadError(description: error.description)
        }
    }

    /// The rules alone; an error reads `FILE:LINE:COLUMN: message`.
    public static func loadRules(path: String) throws(LoadError) -> RiskRuleSet {
        let bytes = try read(path)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw LoadError(description: "\(path): not UTF-8 text") }
        do { return try RiskRuleSet.parse(text) } catch {
            throw LoadError(description: "\(path):\(error.line):\(error.column): \(error.message)")
        }
    }

    static func read(_ path: String) throws(LoadError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw LoadError(description: "\(path): cannot be read") }
        return [UInt8](data)
    }
}
