import Dispatch
import Foundation
import PaygateCore

/// Raised once by SIGTERM or SIGINT (from any thread); the worker checks it between payments and
/// sleeps on it between rounds, so a stop is noticed at once and the current payment completes.
public final class WorkerStop: @unchecked Sendable {
    private let condition = NSCondition()
    private var raised = false

    public init() {}

    public func raise() {
        condition.lock()
        raised = true
        condition.broadcast()
        condition.unlock()
    }

    public var isRaised: Bool {
        condition.lock()
        defer { condition.unlock() }
        return raised
    }

    /// Sleeps up to `milliseconds`, or less if the stop is raised meanwhile.
    func wait(milliseconds: Int64) {
        let deadline = Date(timeIntervalSinceNow: Double(milliseconds) / 1000)
        condition.lock()
        defer { condition.unlock() }
        while !raised {
            if !condition.wait(until: deadline) { return }
        }
    }

    /// Raises the stop on SIGTERM and SIGINT, delivered on a dispatch queue rather than in a
    /// signal handler. Keep the returned sources alive while the worker runs. (Defined here,
    /// outside main.swift's main-actor code, so the handlers run on the queue without an
    /// isolation check.)
    public func raiseOnTerminationSignals(log: Log) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                log.info("signal \(number): stopping after the current payment")
                raise()
            }
            source.resume()
            return source
        }
    }
}
