import Foundation
import XCTest

@testable import PaygateCore

/// Loading model files: two tiny hand-made models whose outputs are worked out by hand, and every
/// refusal with the code that names what is wrong.
final class RiskModelLoadingTests: XCTestCase {
    private static let logistic = """
        {"format":"paygate-risk-model","version":"2026-12-06.1","kind":"logistic_regression",
         "features":["night","device_new"],"intercept":-1.0,"coefficients":[2.0,1.0]}
        """
    /// One stump on amount_log at ln(1 + 100): below goes to -2, above to 4, times 0.5.
    private static let trees = """
        {"format":"paygate-risk-model","version":"2026-12-06.2","kind":"gradient_boosted_trees",
         "features":["amount_log"],"learning_rate":0.5,"initial_log_odds":0.0,
         "trees":[{"feature":[0,-1,-1],"threshold":[4.61512051684126,0.0,0.0],"left":[1,-1,-1],"right":[2,-1,-1],
                   "value":[0.0,-2.0,4.0]}]}
        """

    private func load(_ text: String) throws(RiskModelError) -> RiskModel { try RiskModel(json: Array(text.utf8)) }

    private func facts(amount: Int64 = 5_000, hour: Int = 14, deviceNew: Bool? = nil) -> RiskFacts {
        RiskFacts(
            amount: Money(minorUnits: amount, currency: .cny), channel: .wechatpay,
            subjects: RiskSubjects(payerIP: nil, payerDevice: nil, payerUser: nil, merchant: "m1"), hourChina: hour, counters: [:],
            deviceNewToUser: deviceNew)
    }

    private func assertRefused(
        _ text: String, _ code: RiskModelError.Code, file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            _ = try load(text)
            XCTFail("loaded; expected \(code)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.code, code, error.detail, file: file, line: line)
        }
    }

    func testLogisticRegressionByHand() throws {
        let model = try load(Self.logistic)
        XCTAssertEqual(model.version, "2026-12-06.1")
        XCTAssertEqual(model.kind, .logisticRegression)
        XCTAssertEqual(model.features, [.night, .deviceNew])
        // -1 + 2 + 1 = 2: 1 / (1 + e^-2) = 0.8808; -1 alone: 0.2689.
        XCTAssertEqual(model.probability(facts(hour: 3, deviceNew: true)), 1 / (1 + exp(-2.0)), accuracy: 1e-15)
        XCTAssertEqual(model.score(facts(hour: 3, deviceNew: true)), 88)
        XCTAssertEqual(model.score(facts(hour: 12, deviceNew: false)), 27)
        XCTAssertEqual(model.score(facts(hour: 12, deviceNew: nil)), 27)
    }

    func testGradientBoostedStumpByHand() throws {
        let model = try load(Self.trees)
        XCTAssertEqual(model.kind, .gradientBoostedTrees)
        XCTAssertEqual(model.score(facts(amount: 5_000)), 27)  // 50.00: left, 0.5 × -2 = -1
        XCTAssertEqual(model.score(facts(amount: 50_000)), 88)  // 500.00: right, 0.5 × 4 = 2
    }

    /// ln(1 + 60) = 4.110873864173311 is above 4.110873699188232 as a double, but as float32 it is
    /// that threshold: sklearn's tree (checked with a DecisionTreeRegressor whose threshold was set
    /// to it) goes left, and so must this scorer.
    func testTreesCompareTheInputAsFloat32AsSklearnDoes() throws {
        let model = try load(Self.trees.replacingOccurrences(of: "4.61512051684126", with: "4.110873699188232"))
        XCTAssertGreaterThan(log1p(60.0), 4.110873699188232)
        XCTAssertEqual(model.score(facts(amount: 6_000)), 27)
        XCTAssertEqual(model.score(facts(amount: 6_001)), 88)
    }

    func testRefusesWhatIsNotAModel() {
        assertRefused("", .invalidJSON)
        assertRefused("[1,2]", .invalidJSON)
        assertRefused("{\"format\":\"paygate-risk-model\"", .invalidJSON)
        assertRefused(Self.logistic.replacingOccurrences(of: "\"paygate-risk-model\"", with: "\"other-model\""), .unknownFormat)
        assertRefused(Self.logistic.replacingOccurrences(of: "\"logistic_regression\"", with: "\"neural_network\""), .unknownKind)
        XCTAssertThrowsError(try RiskModel(json: [UInt8](repeating: 0x20, count: RiskModel.fileBytesMax + 1))) { error in
            XCTAssertEqual((error as? RiskModelError)?.code, .tooLarge)
        }
    }

    func testRefusesBadMembers() {
        assertRefused(Self.logistic.replacingOccurrences(of: "\"version\":\"2026-12-06.1\",", with: ""), .missingMember)
        assertRefused(Self.logistic.replacingOccurrences(of: "2026-12-06.1", with: "latest"), .invalidMember)
        assertRefused(Self.logistic.replacingOccurrences(of: "\"intercept\":-1.0", with: "\"intercept\":\"-1\""), .invalidMember)
        assertRefused(Self.logistic.replacingOccurrences(of: "\"intercept\":-1.0", with: "\"intercept\":1e400"), .invalidMember)
        assertRefused(Self.logistic.replacingOccurrences(of: "\"device_new\"]", with: "\"device_age\"]"), .unknownFeature)
        assertRefused(Self.logistic.replacingOccurrences(of: "\"device_new\"]", with: "\"night\"]"), .duplicateFeature)
        assertRefused(Self.logistic.replacingOccurrences(of: "[2.0,1.0]", with: "[2.0,1.0,3.0]"), .sizeMismatch)
        assertRefused(Self.logistic.replacingOccurrences(of: "[\"night\",\"device_new\"]", with: "[]"), .sizeMismatch)
        assertRefused(Self.trees.replacingOccurrences(of: "\"learning_rate\":0.5,", with: ""), .missingMember)
        assertRefused(Self.trees.replacingOccurrences(of: "\"value\":[0.0,-2.0,4.0]", with: "\"value\":[0.0,-2.0]"), .sizeMismatch)
        assertRefused(Self.trees.replacingOccurrences(of: "\"left\":[1,-1,-1]", with: "\"left\":[1.5,-1,-1]"), .invalidMember)
        assertRefused(Self.trees.replacingOccurrences(of: "\"trees\":[{", with: "\"trees\":[], \"x\":[{"), .sizeMismatch)
    }

    func testRefusesNodesThatDoNotFormATree() {
        // A child before its parent (a loop), beyond the tree, a leaf with a child, a feature
        // index beyond `features`.
        assertRefused(Self.trees.replacingOccurrences(of: "\"left\":[1,-1,-1]", with: "\"left\":[0,-1,-1]"), .invalidTree)
        assertRefused(Self.trees.replacingOccurrences(of: "\"right\":[2,-1,-1]", with: "\"right\":[3,-1,-1]"), .invalidTree)
        assertRefused(Self.trees.replacingOccurrences(of: "\"right\":[2,-1,-1]", with: "\"right\":[2,2,-1]"), .invalidTree)
        assertRefused(Self.trees.replacingOccurrences(of: "\"feature\":[0,-1,-1]", with: "\"feature\":[1,-1,-1]"), .invalidTree)
    }

    func testErrorsSayWhatIsWrong() {
        do {
            _ = try load(Self.logistic.replacingOccurrences(of: "\"device_new\"]", with: "\"device_age\"]"))
            XCTFail("loaded")
        } catch {
            XCTAssertEqual(error.description, "risk model: unknown_feature: device_age")
        }
    }
}
