import PaygateCore
import Redis
import XCTest

@testable import Storage

/// The arguments of the risk script and the reading of its answer, on fixed vectors.
final class RiskCounterCallTests: XCTestCase {
    static let at = Timestamp(millisecondsSinceEpoch: 1_000_030_000)
    static let ipPrefix = "pg:risk:v2:ip:f5047344122f0dee9974ba6761e61c6b"
    static let merchantPrefix = "pg:risk:v2:mch:7f712e80ec2a22252f4f877c1b11b9eb"
    static let userPrefix = "pg:risk:v2:usr:a24a7f55f278dd49fb1f99c5507800cb"
    static let devicePrefix = "pg:risk:v2:dev:0388fb626ca89a127847443989334b8c"
    static let userDigest = "a24a7f55f278dd49fb1f99c5507800cb"
    static let deviceDigest = "0388fb626ca89a127847443989334b8c"

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
            ["observe", "1000030000"] + Self.noOrder + ["", "", ""]
                // The merchant's 10-s sum: 1-s buckets, 11 of them; the address's 10-min count:
                // one-minute buckets, 11. Each subject's rings are one key (key, ttl, slots, rings).
                + ["2", Self.merchantPrefix + ":r:72387c125aff", "11000", "11", "1", "0", "11", "1000030", "1230"]
                + [Self.ipPrefix + ":r:8001f2bd7215", "660000", "11", "1", "0", "11", "16667", "1"]
                + ["0"]
                // Ring reads (ring, first bucket), then set reads (none).
                + ["2", "1", "1000020", "2", "16657", "0"]
        )
        // The user's counter is not asked for: the create has no user, so it stays unknown.
        XCTAssertEqual(
            call.reads,
            [
                RiskCounterKey(subject: .merchant, measure: .sum, windowSeconds: 10),
                RiskCounterKey(subject: .payerIP, measure: .count, windowSeconds: 600),
            ])
        XCTAssertEqual(call.known, [:])
    }

    func testASubjectsRingsShareOneKeyBackToBack() {
        let subjects = RiskSubjects(payerIP: nil, payerDevice: nil, payerUser: "u-1", merchant: "mch_1")
        let day = RiskCounterKey(subject: .payerUser, measure: .count, windowSeconds: 86_400)
        let week = RiskCounterKey(subject: .payerUser, measure: .count, windowSeconds: 604_800)
        let weekSum = RiskCounterKey(subject: .payerUser, measure: .sum, windowSeconds: 604_800)
        let call = RiskCounterCall.observe(
            RiskAttempt(subjects: subjects, amountMinorUnits: 5, at: Self.at), reading: [day, week, weekSum])
        // Two-hour buckets (13 slots), then twelve-hour ones (15 each) for the count and the sum.
        XCTAssertEqual(
            call.arguments,
            ["observe", "1000030000"] + Self.noOrder + ["", "", Self.userDigest]
                + ["1", Self.userPrefix + ":r:6b0bc86b7f60", "648000000", "43", "3"]
                + ["0", "13", "138", "1", "13", "15", "23", "1", "28", "15", "23", "5"]
                + ["0"]
                + ["3", "1", "126", "2", "9", "3", "9", "0"]
        )
        XCTAssertEqual(call.reads, [day, week, weekSum])
    }

    func testACreateWithUserAndDeviceKeepsTheDevicesUsersAndAsksAboutTheDevice() throws {
        let subjects = RiskSubjects(payerIP: nil, payerDevice: "dev-1", payerUser: "u-1", merchant: "mch_1")
        let attempt = RiskAttempt(subjects: subjects, amountMinorUnits: 5, at: Self.at)
        let usersOfUser = RiskCounterKey(subject: .payerUser, measure: .distinctUsers, windowSeconds: 3_600)
        let usersOfDevice = RiskCounterKey(subject: .payerDevice, measure: .distinctUsers, windowSeconds: 86_400)
        let call = RiskCounterCall.observe(attempt, reading: [usersOfUser, usersOfDevice])
        XCTAssertEqual(
            call.arguments,
            ["observe", "1000030000"] + Self.noOrder
                + ["pg:risk:v2:devices:a24a7f55f278dd49fb1f99c5507800cb", Self.deviceDigest, Self.userDigest]
                + ["0"]
                + ["1", Self.devicePrefix + ":u", "86400000", "1000"]
                + ["0", "1", Self.devicePrefix + ":u", "913630000"]
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
            Array(call.arguments.prefix(4)),
            ["observe", "1000030000", "pg:risk:v2:order:" + RiskCounterLayout.digest("mch_1 o-1"), "86400000"])
        let device = try XCTUnwrap(RiskCounterCall.device(subjects))
        XCTAssertEqual(device.arguments, ["device", "pg:risk:v2:devices:" + Self.userDigest, Self.deviceDigest, "7776000000", "1000"])
        XCTAssertNil(RiskCounterCall.device(RiskSubjects(payerIP: nil, payerDevice: "dev-1", payerUser: nil, merchant: "mch_1")))
    }

    func testADeclineIsAddedUnderEverySubjectPresent() {
        let subjects = RiskSubjects(payerIP: "10.0.0.1", payerDevice: nil, payerUser: "u-1", merchant: "mch_1")
        let call = RiskCounterCall.decline(subjects, at: Self.at, member: "9f")
        XCTAssertEqual(
            call.arguments,
            ["decline", "1000030000", "1000030000:9f", "604800000", "1000", "3"]
                + [Self.ipPrefix + ":d", Self.userPrefix + ":d", Self.merchantPrefix + ":d"])
        XCTAssertEqual(call.reads, [])
    }
}
