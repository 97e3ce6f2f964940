import PaygateCore

/// Makes the handlers of the sandbox's one worker process. All threads share `state`, so the
/// sandbox must run with exactly one worker: a second process would hold a different world.
public struct SandboxHandlerFactory: RequestHandlerFactory {
    public let configuration: SandboxConfiguration
    public let state: SandboxState
    let log: Log
    /// Runs once in the worker after fork (the callback dispatcher's thread starts there).
    let onWorkerStart: @Sendable () -> Void

    public init(configuration: SandboxConfiguration, state: SandboxState, log: Log, onWorkerStart: @escaping @Sendable () -> Void = {}) {
        self.configuration = configuration
        self.state = state
        self.log = log
        self.onWorkerStart = onWorkerStart
    }

    public func workerDidStart() {
        onWorkerStart()
    }

    public func makeHandler() -> any RequestHandler {
        SandboxHandler(configuration: configuration, state: state, log: log)
    }
}
