import Foundation
import HTTPClient

/// A thread that owns one `HTTPClient`, as each thread of the pool owns one for channel calls.
/// Jobs run on it one at a time, in the order submitted; the client never leaves the thread.
final class ClientThread: @unchecked Sendable {
    // @unchecked: `jobs` and `stopping` are read and written only with `condition` locked.
    typealias Job = @Sendable (HTTPClient) -> Void

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var stopping = false
    private let stopped = DispatchSemaphore(value: 0)

    init(configuration: HTTPClientConfiguration, share: HTTPClientShare?) {
        Thread { [self] in
            do {
                let client = HTTPClient(configuration: configuration, share: share)
                while let job = nextJob() {
                    job(client)
                }
            }  // the client is released here, before `stop` returns
            stopped.signal()
        }.start()
    }

    /// Starts `job` on this thread; `Pending.get` waits for its result.
    func submit<T: Sendable>(_ job: @escaping @Sendable (HTTPClient) throws -> T) -> Pending<T> {
        let pending = Pending<T>()
        condition.lock()
        jobs.append { client in pending.fulfil(Result { try job(client) }) }
        condition.signal()
        condition.unlock()
        return pending
    }

    /// Runs `job` on this thread and waits for it.
    func run<T: Sendable>(_ job: @escaping @Sendable (HTTPClient) throws -> T) throws -> T {
        try submit(job).get()
    }

    /// Ends the thread after the jobs already submitted; its client is gone when this returns.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        stopped.wait()
    }

    private func nextJob() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !stopping {
            condition.wait()
        }
        return jobs.isEmpty ? nil : jobs.removeFirst()
    }
}

/// The result of a job submitted to a `ClientThread`.
final class Pending<T: Sendable>: @unchecked Sendable {
    // @unchecked: `result` is written once, before `done` is signalled, and read only after a wait.
    private var result: Result<T, any Error>?
    private let done = DispatchSemaphore(value: 0)

    /// Far above any job of these tests; a job still running then is a hang, reported as a failure.
    private static var waitSecondsMax: Int { 30 }

    fileprivate func fulfil(_ result: Result<T, any Error>) {
        self.result = result
        done.signal()
    }

    func get() throws -> T {
        guard done.wait(timeout: .now() + .seconds(Pending.waitSecondsMax)) == .success else {
            throw UnexpectedResult(description: "job still running after \(Pending.waitSecondsMax) s")
        }
        done.signal()  // so that a second `get` returns too
        return try result!.get()
    }
}
