import FastCGI
import Glibc
import PaygateCore
import Synchronization

/// One serving thread of a worker: its own libfcgi request and its own handler, for its whole life.
final class WorkerThread: @unchecked Sendable {
    // @unchecked: `thread` is written once by the starting thread before anyone else reads it; the
    // rest is immutable or atomic.
    let index: Int
    private let listenDescriptor: Int32
    private let factory: any RequestHandlerFactory
    private let bodyBytesMax: Int
    private let log: Log
    private let stopping: WorkerStopFlag
    /// Set as the thread's last act, so the stopper stops signalling it and may join it.
    let isDone = Atomic<Bool>(false)
    var thread = pthread_t()

    init(index: Int, listenDescriptor: Int32, factory: any RequestHandlerFactory, bodyBytesMax: Int, log: Log, stopping: WorkerStopFlag) {
        self.index = index
        self.listenDescriptor = listenDescriptor
        self.factory = factory
        self.bodyBytesMax = bodyBytesMax
        self.log = log
        self.stopping = stopping
    }

    /// Starts the pthread; the new thread inherits the caller's signal mask (stop signals and the
    /// wake signal blocked).
    func start() -> Bool {
        let context = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(
            &thread, nil,
            { context in
                let me = Unmanaged<WorkerThread>.fromOpaque(context!).takeRetainedValue()
                me.run()
                return nil
            }, context)
        if result != 0 { Unmanaged<WorkerThread>.fromOpaque(context).release() }
        return result == 0
    }

    private func run() {
        defer { isDone.store(true, ordering: .sequentiallyConsistent) }
        let request: FastCGIRequest
        do {
            request = try FastCGIRequest(listenDescriptor: listenDescriptor)
        } catch {
            log.error("thread \(index) cannot start: \(error)")
            return
        }
        let handler = factory.makeHandler()
        let wake = ProcessSupport.signalSet([WorkerProcess.wakeSignal])
        while true {
            // A kept-alive connection is never closed from our side while stopping: nginx may be
            // reusing it at that very moment, and it cannot retry a POST that hit a closed
            // connection (seen: 502s during reloads). nginx closes it itself (upstream
            // keepalive_timeout / keepalive_requests); libfcgi then goes back to accept, which
            // returns at once because shutdown is pending.
            let kept = request.hasOpenConnection
            if stopping.isSet && !kept { break }
            // The wake signal is let through only while waiting on the listen socket: it must
            // never interrupt a handler's own I/O nor a wait on a kept-alive connection.
            if !kept { ProcessSupport.mask(SIG_UNBLOCK, wake) }
            let accepted = request.accept()
            if !kept { ProcessSupport.mask(SIG_BLOCK, wake) }
            if accepted == .shutdown { break }
            if case .failed(let errorNumber) = accepted {
                if stopping.isSet { break }
                log.error("thread \(index) accept failed, errno \(errorNumber)")
                ProcessSupport.sleep(milliseconds: PoolLimits.acceptFailurePauseMilliseconds)
                continue
            }
            serve(request, handler)
            request.finish()
            // The answer is on its way to nginx: deferred work no longer delays it.
            handler.afterResponse()
        }
        request.closeConnection()
    }

    private func serve(_ request: FastCGIRequest, _ handler: any RequestHandler) {
        let parameters = request.parameters()
        let response: HTTPResponse
        switch request.readBody(length: parameters.contentLength ?? 0, lengthMax: bodyBytesMax) {
        case .complete(let body):
            response = handler.handle(
                HTTPRequest(
                    method: parameters.method, requestURI: parameters.requestURI, headers: parameters.headers,
                    body: body, requestId: parameters.requestId, remoteAddress: parameters.remoteAddress))
        case .tooLarge(let length):
            log.info("refused body of \(length) bytes", requestId: parameters.requestId)
            response = .error(
                APIError(.bodyTooLarge, "request body is larger than \(bodyBytesMax) bytes"),
                requestId: parameters.requestId)
        case .incomplete(let received, let errorNumber):
            log.warning("request body ended after \(received) bytes, error \(errorNumber)", requestId: parameters.requestId)
            response = .error(APIError(.invalidJSON, "request body ended early"), requestId: parameters.requestId)
        }
        if case .connectionLost(let errorNumber) = request.respond(status: response.status, headers: response.headers, body: response.body)
        {
            // The work is done; the client left. Idempotency covers its retry.
            log.debug("connection lost while answering, errno \(errorNumber)", requestId: parameters.requestId)
        }
    }
}

/// The worker's "stop after the current request" flag, shared by its threads.
final class WorkerStopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
