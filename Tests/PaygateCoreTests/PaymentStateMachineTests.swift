import XCTest

@testable import PaygateCore

final class PaymentStateMachineTests: XCTestCase {
    /// docs/API.md section 5, copied by hand: the only transitions there are.
    private let table: Set<String> = [
        "created>processing", "created>failed", "created>closed",
        "processing>succeeded", "processing>failed", "processing>closed",
        "succeeded>partially_refunded", "succeeded>refunded",
        "partially_refunded>partially_refunded", "partially_refunded>refunded",
    ]

    private let statusTexts = ["created", "processing", "succeeded", "failed", "closed", "partially_refunded", "refunded"]

    private func status(_ text: String) -> PaymentStatus {
        guard let status = PaymentStatus(rawValue: text) else {
            XCTFail("no status \(text)")
            return .created
        }
        return status
    }

    func testStatusesAreExactlyTheSevenOfTheAPI() {
        XCTAssertEqual(Set(PaymentStatus.allCases.map(\.rawValue)), Set(statusTexts))
        XCTAssertEqual(PaymentStatus.allCases.count, 7)
    }

    func testAllowsMatchesTheTableForEveryPair() {
        var allowed = 0
        for source in statusTexts {
            for target in statusTexts {
                let expected = table.contains("\(source)>\(target)")
                XCTAssertEqual(PaymentStateMachine.allows(from: status(source), to: status(target)), expected, "\(source) -> \(target)")
                if expected { allowed += 1 }
            }
        }
        XCTAssertEqual(allowed, 10)
    }

    func testDecideForEveryPair() {
        for source in statusTexts {
            for target in statusTexts {
                let label = "\(source) -> \(target)"
                do {
                    let decision = try PaymentStateMachine.decide(from: status(source), to: status(target))
                    if table.contains("\(source)>\(target)") {
                        XCTAssertEqual(decision, .apply, label)
                    } else if source == target {
                        XCTAssertEqual(decision, .alreadyDone, label)
                    } else {
                        XCTFail("\(label) should be illegal, got \(decision)")
                    }
                } catch {
                    XCTAssertFalse(table.contains("\(source)>\(target)"), "\(label) is in the table")
                    XCTAssertNotEqual(source, target, "\(label): a repeat is never illegal")
                    XCTAssertEqual(error.source, status(source), label)
                    XCTAssertEqual(error.target, status(target), label)
                }
            }
        }
    }

    func testNamedDecisions() throws {
        XCTAssertEqual(try PaymentStateMachine.decide(from: .created, to: .closed), .apply)
        XCTAssertEqual(try PaymentStateMachine.decide(from: .closed, to: .closed), .alreadyDone)
        XCTAssertEqual(try PaymentStateMachine.decide(from: .succeeded, to: .succeeded), .alreadyDone)
        XCTAssertEqual(try PaymentStateMachine.decide(from: .created, to: .created), .alreadyDone)
        XCTAssertEqual(try PaymentStateMachine.decide(from: .refunded, to: .refunded), .alreadyDone)
        XCTAssertEqual(try PaymentStateMachine.decide(from: .partiallyRefunded, to: .partiallyRefunded), .apply)
    }

    func testClosingAPaidPaymentIsIllegal() {
        XCTAssertThrowsError(try PaymentStateMachine.decide(from: .succeeded, to: .closed))
        XCTAssertThrowsError(try PaymentStateMachine.decide(from: .closed, to: .succeeded))
        XCTAssertThrowsError(try PaymentStateMachine.decide(from: .failed, to: .succeeded))
        XCTAssertThrowsError(try PaymentStateMachine.decide(from: .refunded, to: .partiallyRefunded))
        XCTAssertThrowsError(try PaymentStateMachine.decide(from: .created, to: .succeeded))
    }

    func testFinalAndPaidFlags() {
        XCTAssertEqual(Set(PaymentStatus.allCases.filter(\.isFinal)), [.failed, .closed, .refunded])
        XCTAssertEqual(Set(PaymentStatus.allCases.filter(\.isPaid)), [.succeeded, .partiallyRefunded, .refunded])
        // A final status has no way out in the table.
        for source in PaymentStatus.allCases where source.isFinal {
            for target in PaymentStatus.allCases {
                XCTAssertFalse(PaymentStateMachine.allows(from: source, to: target), "\(source) -> \(target)")
            }
        }
    }

    func testChannels() {
        XCTAssertEqual(Set(Channel.allCases.map(\.rawValue)), ["alipay", "wechatpay", "unionpay"])
    }
}
