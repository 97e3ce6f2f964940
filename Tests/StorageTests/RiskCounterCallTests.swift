import PaygateCore
import Redis
import XCTest

@testable import Storage

/// The arguments of the risk script and the reading of its answer, on fixed vectors.
final class RiskCounterCallTests: XCTestCase {
    static let at = Timestamp(millisecondsSinceEpoch: 1_000_030_000)
    static let ipPrefix = "pg:risk:v1:ip:f5047344122f0dee9974ba6761e61c6b"
    static let merchantPrefix = "pg:risk:v1:mch:7f712e80ec2a22252f4f877c1b11b9eb"
    static let userPrefix = "pg:risk:v1:usr:a24a7f55f278dd49fb1f99c5507800cb"
    static let devicePrefix = "pg:risk:v1:dev:0388fb626ca89a127847443989334b8c"
    static let userDigest = "a24a7f55f278dd49fb1f99c5507800cb"
    static let deviceDigest = "0388fb626ca89a127847443989334b8c"

    /// Width, bucket and TTL of every sub-bucket width at `at`.
    static let widthArguments = [
        "14",
        "100", "10000300", "3199",
        "300", "3333433", "10499",
        "1000", "1000030", "31999",
        "3000", "333343", "104999",
        "10000", "100003", "319999",
        "30000", "33334", "649999",
        "60000", "16667", "1909999",
        "180000", "5555", "6229999",
        "600000", "1666", "18769999",
        "1800000", "555", "38569999",
        "3600000", "277", "76369999",
        "7200000", "138", "223969999",
        "21600000", "46", "468769999",
        "43200000", "23", "684770000",
    ]

    /// `widthArguments` for the given widths only (an observe writes the widths something reads).
    static func widthArguments(_ widths: [String]) -> [String] {
        var arguments = [String(widths.count)]
        for index in stride(from: 1, to: widthArguments.count, by: 3) where widths.contains(widthArguments[index]) {
            arguments += widthArguments[index..<index + 3]
        }
        return arguments
    }

    /// No order: every call counts.
    static let noOrder = ["", "86400000"]

    func testACreateWithoutPayerIsCountedUnderItsAddressAndMerchantOnly() {
        let subjects = RiskSubjects(payerIP: "10.0.0.1", payerDevice: nil, payerUser: nil, merchant: "mch_1")
        let attempt = RiskAttempt(subjects: subjects, amountMinorUnits: 1_230, at: Self.at)
        let reading: Set<RiskCounterKey> = [
            RiskCounterKey(subject: .payerIP, measure: .count, windowSeconds: 600),
            RiskCounterKey(subject: .merchant, measure: .sum, windowSeconds: 10),
            RiskCounterKey(subject: .payerUser, measure: .count, windowSeconds: 60),
        ]
        let call = RiskCounterCall.observe(attempt, reading: reading)
        XCTAssertEqual(
            call.arguments,
            ["observe", "1230"] + Self.noOrder + Self.widthArguments(["1000", "3000", "60000"]) + [
                "2", Self.ipPrefix, "", Self.merchantPrefix, "",
            ]
                + ["", "", "0", "0"]
                + ["2", "1", "c", "60000", "16657", "16667", "2", "s", "1000", "1000020", "1000030"]
        )
        // The user's counter is not asked for: the create has no user, so it stays unknown.
        XCTAssertEqual(
            call.reads,
            [
                RiskCounterKey(subject: .payerIP, measure: .count, windowSeconds: 600),
                RiskCounterKey(subject: .merchant, measure: .sum, windowSeconds: 10),
            ])
        XCTAssertEqual(call.known, [:])
    }

    func testACreateWithUserAndDeviceAddsTheUserEverywhereAndAsksAboutTheDevice() throws {
        let subjects = RiskSubjects(payerIP: nil, payerDevice: "dev-1", payerUser: "u-1", merchant: "mch_1")
        let attempt = RiskAttempt(subjects: subjects, amountMinorUnits: 5, at: Self.at)
        let usersOfUser = RiskCounterKey(subject: .payerUser, measure: .distinctUsers, windowSeconds: 3_600)
        let usersOfDevice = RiskCounterKey(subject: .payerDevice, measure: .distinctUsers, windowSeconds: 86_400)
        let call = RiskCounterCall.observe(attempt, reading: [usersOfUser, usersOfDevice])
        XCTAssertEqual(
            call.arguments,
            ["observe", "5"] + Self.noOrder + Self.widthArguments(["180000", "7200000"])
                + ["3", Self.devicePrefix, Self.userDigest, Self.userPrefix, "", Self.merchantPrefix, Self.userDigest]
                + ["pg:risk:v1:devices:a24a7f55f278dd49fb1f99c5507800cb", Self.deviceDigest, "7776000000", "1000"]
                + ["1", "1", "u", "7200000", "126", "138"]
        )
        XCTAssertEqual(call.reads, [usersOfDevice])
        XCTAssertEqual(call.known, [usersOfUser: 1])

        let observation = try? call.observation(from: .array([.integer(1), .integer(4)]))
        XCTAssertEqual(observation, RiskObservation(counters: [usersOfUser: 1, usersOfDevice: 4], deviceNewToUser: true))
        XCTAssertEqual(try call.observation(from: .array([.integer(0), .integer(4)])).deviceNewToUser, false)
        XCTAssertNil(try call.observation(from: .array([.integer(-1), .integer(4)])).deviceNewToUser)
    }

    func testAnAnswerOfTheWrongShapeIsAProtocolError() {
        let subjects = RiskSubjects(payerIP: nil, payerDevice: nil, payerUser: nil, merchant: "mch_1")
        let key = RiskCounterKey(subject: .merchant, measure: .count, windowSeconds: 60)
        let call = RiskCounterCall.observe(RiskAttempt(subjects: subjects, amountMinorUnits: 1, at: Self.at), reading: [key])
        for reply: RedisReply in [.integer(0), .array([.integer(-1)]), .array([.integer(2), .integer(1)]), .array([.integer(0), .null])] {
            XCTAssertThrowsError(try call.observation(from: reply), "\(reply)") { error in
                XCTAssertEqual((error as? RedisError)?.kind, .protocolViolation)
            }
        }
    }

    func testAnOrderIsNamedByItsDigestAndADeviceIsRememberedApart() throws {
        let subjects = RiskSubjects(payerIP: nil, payerDevice: "dev-1", payerUser: "u-1", merchant: "mch_1")
        let call = RiskCounterCall.observe(
            RiskAttempt(subjects: subjects, amountMinorUnits: 5, at: Self.at, order: "mch_1 o-1"), reading: [])
        XCTAssertEqual(
            Array(call.arguments.prefix(5)), ["observe", "5", "pg:risk:v1:order:" + RiskCounterLayout.digest("mch_1 o-1"), "86400000", "0"])
        let device = try XCTUnwrap(RiskCounterCall.device(subjects))
        XCTAssertEqual(device.arguments, ["device", "pg:risk:v1:devices:" + Self.userDigest, Self.deviceDigest, "7776000000", "1000"])
        XCTAssertNil(RiskCounterCall.device(RiskSubjects(payerIP: nil, payerDevice: "dev-1", payerUser: nil, merchant: "mch_1")))
    }

    func testADeclineIsCountedUnderEverySubjectPresent() {
        let subjects = RiskSubjects(payerIP: "10.0.0.1", payerDevice: nil, payerUser: "u-1", merchant: "mch_1")
        let call = RiskCounterCall.decline(subjects, at: Self.at)
        XCTAssertEqual(call.arguments, ["decline"] + Self.widthArguments + ["3", Self.ipPrefix, Self.userPrefix, Self.merchantPrefix])
        XCTAssertEqual(call.reads, [])
    }
}
