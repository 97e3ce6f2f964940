import Foundation

/// Threads started together and waited for together (`paygate-worker`'s timeout workers and
/// webhook deliverers): each runs its body once, to its end.
public final class ThreadGroup: @unchecked Sendable {
    private let finished = NSCondition()
    private var running = 0

    public init() {}

    /// Starts one thread named `name` running `body`.
    public func start(name: String, _ body: @escaping @Sendable () -> Void) {
        finished.lock()
        running += 1
        finished.unlock()
        let thread = Thread { [self] in
            defer { threadFinished() }
            body()
        }
        thread.name = name
        thread.start()
    }

    private func threadFinished() {
        finished.lock()
        running -= 1
        finished.broadcast()
        finished.unlock()
    }

    /// Waits until every thread started so far has returned.
    public func join() {
        finished.lock()
        while running > 0 { finished.wait() }
        finished.unlock()
    }
}
