import Channels
import Foundation
import HTTPClient
import PaygateCore
import Sandbox
import Synchronization
import XCTest

/// The dispatcher against a real local HTTP receiver: retries until acknowledged, on the
/// channel's (shortened) schedule, with the channel's acknowledgement rule.
final class CallbackDispatcherTests: XCTestCase {
    /// Upper bound on waiting for the background thread in the threaded test (not a timing check).
    static let waitSecondsMax = 20.0
    let client = HTTPClient(configuration: HTTPClientConfiguration(allowsPlainHTTP: true))

    /// Retries until acknowledged, driven pass by pass on a fixed clock: deterministic.
    func testRefusedFirstAttemptIsRetriedAfterTheScheduleStepAndThenAcknowledged() throws {
        let server = try TinyHTTPServer { index, _ in index == 0 ? (500, "busy") : (200, "success") }
        defer { server.stop() }
        let clock = Mutex(Timestamp.now())
        let sandbox = SandboxFixture(retryScheduleMilliseconds: [.alipay: [1_000, 5_000]], clock: { clock.withLock { $0 } })
        let dispatcher = CallbackDispatcher(
            configuration: sandbox.configuration, state: sandbox.state,
            clientConfiguration: HTTPClientConfiguration(allowsPlainHTTP: true), log: Log(component: "test", minimum: .error))
        let connector = SandboxFixture.alipay()
        var order = SandboxFixture.order(.alipay)
        order.callbackURL = server.url("/callbacks/alipay")
        sandbox.pay(try sandbox.prepay(connector, order), result: "success")

        XCTAssertEqual(dispatcher.deliverDue(client: client), 1)
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual(sandbox.state.queuedCallbacks.map(\.attempts), [1], "refused: queued again")
        XCTAssertEqual(dispatcher.deliverDue(client: client), 0, "not due before the first schedule step")
        clock.withLock { $0 = $0.adding(seconds: 1) }
        XCTAssertEqual(dispatcher.deliverDue(client: client), 1)
        XCTAssertEqual(server.requests.count, 2)
        XCTAssertTrue(sandbox.state.queuedCallbacks.isEmpty, "acknowledged: done")
        for request in server.requests {
            XCTAssertEqual(request.requestURI, "/callbacks/alipay")
            guard case .verified(.paymentSucceeded(let payment)) = connector.verifyCallback(request, now: .now()) else {
                return XCTFail("attempt did not verify")
            }
            XCTAssertEqual(payment.amount, order.amount)
        }
    }

    func testScheduleUsedUpGivesUpAndOnlyTheChannelsAcknowledgementCounts() throws {
        // 200 with the wrong body is not an Alipay acknowledgement; 200 is UnionPay's.
        let server = try TinyHTTPServer { _, _ in (200, "ok") }
        defer { server.stop() }
        let clock = Mutex(Timestamp.now())
        let sandbox = SandboxFixture(retryScheduleMilliseconds: [.alipay: [0], .unionpay: [0]], clock: { clock.withLock { $0 } })
        let dispatcher = CallbackDispatcher(
            configuration: sandbox.configuration, state: sandbox.state,
            clientConfiguration: HTTPClientConfiguration(allowsPlainHTTP: true), log: Log(component: "test", minimum: .error))
        for channel in [Channel.alipay, .unionpay] {
            var order = SandboxFixture.order(channel)
            order.callbackURL = server.url("/callbacks/" + channel.rawValue)
            sandbox.pay(try sandbox.prepay(SandboxFixture.connector(channel), order), result: "success")
        }
        XCTAssertEqual(dispatcher.deliverDue(client: client), 2)
        XCTAssertEqual(sandbox.state.queuedCallbacks.map(\.message.channel), [.alipay])
        XCTAssertEqual(dispatcher.deliverDue(client: client), 1)
        XCTAssertTrue(sandbox.state.queuedCallbacks.isEmpty, "one retry step, then Alipay gives up")
        XCTAssertEqual(server.requests.count, 3)
    }

    /// The background thread does the same on its own. (UnionPay: WeChat Pay takes only https
    /// notify URLs, and this server speaks plain HTTP.)
    func testBackgroundThreadDeliversWithRetry() throws {
        let server = try TinyHTTPServer { index, _ in index == 0 ? (503, "") : (200, "ok") }
        defer { server.stop() }
        let sandbox = SandboxFixture(retryScheduleMilliseconds: [.unionpay: [10]])
        let dispatcher = CallbackDispatcher(
            configuration: sandbox.configuration, state: sandbox.state,
            clientConfiguration: HTTPClientConfiguration(allowsPlainHTTP: true), log: Log(component: "test", minimum: .error))
        var order = SandboxFixture.order(.unionpay)
        order.callbackURL = server.url("/callbacks/unionpay")
        sandbox.pay(try sandbox.prepay(SandboxFixture.unionPay(), order), result: "success")
        dispatcher.start()
        defer { dispatcher.stop() }
        let deadline = Date().addingTimeInterval(Self.waitSecondsMax)
        while server.requests.count < 2 || !sandbox.state.queuedCallbacks.isEmpty, Date() < deadline { usleep(10_000) }
        XCTAssertEqual(server.requests.count, 2)
        XCTAssertTrue(sandbox.state.queuedCallbacks.isEmpty)
        for request in server.requests {
            guard case .verified(.paymentSucceeded) = SandboxFixture.unionPay().verifyCallback(request, now: .now()) else {
                return XCTFail("attempt did not verify")
            }
        }
    }
}
