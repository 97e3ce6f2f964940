import Foundation
import XCTest

@testable import PaygateCore

/// The Swift scorer against scikit-learn's own `predict_proba` on fixed facts
/// (Fixtures/risk-model-vectors.json, written by scripts/train-risk-model with the committed
/// nginx/risk-model.json). Features must match the simulator's bit for bit (both use the C
/// library's log and log1p on the same doubles); probabilities to 1e-12, since sklearn and this
/// scorer sum the same terms but not always in the same order; scores exactly, except where the
/// probability × 100 lies within 1e-9 of a .5 boundary, where that last difference could tip the
/// rounding (none of the committed vectors does; the test says so if one ever does).
final class RiskModelScoreTests: XCTestCase {
    static let probabilityTolerance = 1e-12
    static let roundingBoundaryMargin = 1e-9

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: repositoryRoot.appendingPathComponent(relativePath)))
    }

    static func vectorsDocument() throws -> JSONValue {
        try JSONParser.parse(bytes("Tests/PaygateCoreTests/Fixtures/risk-model-vectors.json"))
    }

    func testCommittedModelLoads() throws {
        let model = try RiskModel(json: Self.bytes("nginx/risk-model.json"))
        XCTAssertEqual(model.kind, .gradientBoostedTrees)
        XCTAssertTrue(RiskModel.isVersion(model.version), model.version)
        XCTAssertEqual(model.features, RiskFeature.allCases)
        XCTAssertEqual(try Self.vectorsDocument()["kind"], .string(model.kind.rawValue))
    }

    func testCommittedModelMatchesSklearnOnTheVectors() throws {
        let model = try RiskModel(json: Self.bytes("nginx/risk-model.json"))
        try checkVectors(model: model, probabilityMember: "probability")
    }

    func testAlternateModelMatchesSklearnOnTheVectors() throws {
        let document = try Self.vectorsDocument()
        let alternate = try XCTUnwrap(document["alternate_model"])
        let model = try RiskModel(json: Array(alternate.serialized.utf8))
        XCTAssertEqual(model.kind, .logisticRegression)
        try checkVectors(model: model, probabilityMember: "alternate_probability")
    }

    private func checkVectors(model: RiskModel, probabilityMember: String) throws {
        guard case .array(let vectors) = try Self.vectorsDocument()["vectors"] else { return XCTFail("no vectors") }
        XCTAssertGreaterThanOrEqual(vectors.count, 40)
        var scoresAbove = 0
        for vector in vectors {
            let name = try RiskModelVector.string(vector, "name")
            let facts = try RiskModelVector.facts(vector)
            let expectedFeatures = try RiskModelVector.numbers(vector, "features")
            let features = RiskFeatures.values(facts)
            XCTAssertEqual(RiskFeature.allCases.map { features[$0] }, expectedFeatures, name)

            let expected = try RiskModelVector.number(vector, probabilityMember)
            let probability = model.probability(facts)
            XCTAssertEqual(probability, expected, accuracy: Self.probabilityTolerance, name)
            let hundredths = expected * 100
            if abs(hundredths - hundredths.rounded(.down) - 0.5) < Self.roundingBoundaryMargin {
                XCTAssertTrue(abs(model.score(facts) - Int(hundredths.rounded(.down))) <= 1, "\(name) on a rounding boundary")
            } else {
                XCTAssertEqual(model.score(facts), Int(hundredths.rounded(.toNearestOrAwayFromZero)), name)
            }
            if model.score(facts) >= 65 { scoresAbove += 1 }
        }
        // The vectors cover both sides of the review threshold, so a scorer stuck at 0 or 100 fails.
        XCTAssertGreaterThan(scoresAbove, 5)
        XCTAssertLessThan(scoresAbove, vectors.count - 5)
    }

    func testScoreRoundsHalfAwayFromZeroAndClamps() {
        XCTAssertEqual(RiskModel.score(probability: 0), 0)
        XCTAssertEqual(RiskModel.score(probability: 0.644), 64)
        XCTAssertEqual(RiskModel.score(probability: 0.645), 65)  // 64.5 exactly after × 100: rounds up
        XCTAssertEqual(RiskModel.score(probability: 0.655), 66)
        XCTAssertEqual(RiskModel.score(probability: 1), 100)
        XCTAssertEqual(RiskModel.score(probability: 1.5), 100)
    }
}

/// Reads one vector of Fixtures/risk-model-vectors.json into facts.
enum RiskModelVector {
    struct Malformed: Error { let member: String }

    static func string(_ vector: JSONValue, _ key: String) throws -> String {
        guard case .string(let text) = vector[key] else { throw Malformed(member: key) }
        return text
    }

    static func number(_ vector: JSONValue, _ key: String) throws -> Double {
        guard case .number(let text) = vector[key], let number = Double(text) else { throw Malformed(member: key) }
        return number
    }

    static func integer(_ vector: JSONValue, _ key: String) throws -> Int64 {
        guard case .number(let text) = vector[key], let number = Int64(text) else { throw Malformed(member: key) }
        return number
    }

    static func numbers(_ vector: JSONValue, _ key: String) throws -> [Double] {
        guard case .array(let items) = vector[key] else { throw Malformed(member: key) }
        return try items.map { item in
            guard case .number(let text) = item, let number = Double(text) else { throw Malformed(member: key) }
            return number
        }
    }

    static func facts(_ vector: JSONValue) throws -> RiskFacts {
        guard let currency = Currency(rawValue: try string(vector, "currency")),
            let channel = Channel(rawValue: try string(vector, "channel")), let subjectsValue = vector["subjects"],
            case .array(let counterItems) = vector["counters"]
        else { throw Malformed(member: "currency, channel, subjects or counters") }
        func subject(_ key: String) -> String? {
            if case .string(let text) = subjectsValue[key] { return text }
            return nil
        }
        var counters: [RiskCounterKey: Int64] = [:]
        for item in counterItems {
            guard let subject = RiskSubject(rawValue: try string(item, "subject")),
                let measure = RiskMeasure(rawValue: try string(item, "measure"))
            else { throw Malformed(member: "counters") }
            let key = RiskCounterKey(subject: subject, measure: measure, windowSeconds: Int(try integer(item, "window_seconds")))
            counters[key] = try integer(item, "value")
        }
        let deviceNew: Bool? =
            switch vector["device_new_to_user"] {
            case .bool(let flag): flag
            default: nil
            }
        return RiskFacts(
            amount: Money(minorUnits: try integer(vector, "amount_minor"), currency: currency), channel: channel,
            subjects: RiskSubjects(
                payerIP: subject("payer.ip"), payerDevice: subject("payer.device_id"), payerUser: subject("payer.user_id"),
                merchant: subject("merchant") ?? "m"),
            hourChina: Int(try integer(vector, "hour_china")), counters: counters, deviceNewToUser: deviceNew)
    }
}
