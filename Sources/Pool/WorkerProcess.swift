import FastCGI
import Glibc
import PaygateCore

/// A forked worker: `threads_per_worker` serving threads plus this process's main thread, which
/// only waits for signals.
///
/// Stopping (SIGTERM from the master) without dropping a request:
/// 1. The master has already retired this worker's socket (renamed a new socket over the path on
///    reload, unlinked it on stop), so its backlog can only shrink. The main thread waits until the
///    backlog is empty while the threads keep accepting.
/// 2. It sets the stop flag, calls FCGX_ShutdownPending and shutdown(2)s the retired listen socket:
///    threads blocked in accept get EINVAL (-22) and exit; a thread in a handler exits after its
///    answer; a thread holding a kept-alive connection keeps serving it until nginx closes it
///    (see WorkerThread), so nginx never sends a request into a connection we are closing.
/// shutdown(2) acts on the socket itself, shared by every process that inherited it: on a live
/// socket it would make accept fail in all the workers and nginx's connects fail with ECONNREFUSED
/// (seen in a two-process probe). So it is used only once the path no longer names our socket.
/// A SIGTERM that reaches a worker while its socket is still live (an operator's kill) wakes the
/// accepting threads with `wakeSignal` instead.
enum WorkerProcess {
    /// Interrupts waits for the next request; see above.
    static let wakeSignal = SIGUSR1

    /// Runs in the child right after fork; returns the exit status.
    static func run(
        listenDescriptor: Int32, socketFile: SocketFile?, configuration: PoolConfiguration, factory: any RequestHandlerFactory, log: Log,
        masterPid: pid_t
    ) -> Int32 {
        // Every thread starts with stop signals and the wake signal blocked; only the main thread
        // takes stop signals (sigtimedwait), only waiting threads take the wake signal.
        let stopSignals = ProcessSupport.signalSet([SIGTERM, SIGINT, SIGHUP])
        ProcessSupport.mask(SIG_BLOCK, ProcessSupport.signalSet([SIGTERM, SIGINT, SIGHUP, wakeSignal]))
        ProcessSupport.mask(SIG_UNBLOCK, ProcessSupport.signalSet([SIGCHLD]))
        ProcessSupport.installInterruptingHandler(wakeSignal)
        ProcessSupport.ignoreBrokenPipe()

        factory.workerDidStart()
        do {
            try FastCGILibrary.initialize()
        } catch {
            log.error("worker cannot start: \(error)")
            return 1
        }
        let stopping = WorkerStopFlag()
        var threads: [WorkerThread] = []
        for index in 0..<configuration.threadsPerWorker {
            let thread = WorkerThread(
                index: index, listenDescriptor: listenDescriptor, factory: factory,
                bodyBytesMax: configuration.requestBodyBytesMax, log: log, stopping: stopping)
            guard thread.start() else {
                log.error("worker cannot start thread \(index)")
                return 1
            }
            threads.append(thread)
        }
        log.info("worker started with \(threads.count) threads")

        waitForStop(stopSignals, masterPid: masterPid, log: log)
        let retired = socketFile == nil || SocketFile(path: configuration.socketPath) != socketFile
        stop(threads, listenDescriptor: listenDescriptor, socketRetired: retired, stopping: stopping)
        log.info("worker stopped")
        return 0
    }

    /// SIGINT and SIGHUP are the master's business (a terminal's Ctrl-C reaches the whole group):
    /// the worker stops on SIGTERM only, or when its master is gone.
    private static func waitForStop(_ signals: sigset_t, masterPid: pid_t, log: Log) {
        var signals = signals
        var timeout = timespec(tv_sec: PoolLimits.parentCheckSeconds, tv_nsec: 0)
        while true {
            let signal = sigtimedwait(&signals, nil, &timeout)
            if signal == SIGTERM { return }
            if getppid() != masterPid {
                log.warning("master \(masterPid) is gone; stopping")
                return
            }
        }
    }

    private static func stop(_ threads: [WorkerThread], listenDescriptor: Int32, socketRetired: Bool, stopping: WorkerStopFlag) {
        if socketRetired { waitForEmptyBacklog(listenDescriptor) }
        stopping.set()
        FastCGILibrary.shutdownPending()
        if socketRetired { shutdown(listenDescriptor, Int32(SHUT_RDWR)) }
        while threads.contains(where: { !$0.isDone.load(ordering: .sequentiallyConsistent) }) {
            if !socketRetired {
                // Repeated because a signal that lands just before a thread enters accept is lost.
                for thread in threads where !thread.isDone.load(ordering: .sequentiallyConsistent) {
                    pthread_kill(thread.thread, wakeSignal)
                }
            }
            ProcessSupport.sleep(milliseconds: PoolLimits.wakeIntervalMilliseconds)
        }
        for thread in threads { pthread_join(thread.thread, nil) }
    }

    /// Pending connections show as a readable listen socket. Two empty looks in a row, because
    /// the accepting threads and the other workers race for the same queue.
    private static func waitForEmptyBacklog(_ listenDescriptor: Int32) {
        let deadline = ProcessSupport.monotonicSeconds() + PoolLimits.drainSecondsMax
        var emptyLooks = 0
        while emptyLooks < 2, ProcessSupport.monotonicSeconds() < deadline {
            var entry = pollfd(fd: listenDescriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, 0)
            emptyLooks = (ready == 0) ? emptyLooks + 1 : 0
            ProcessSupport.sleep(milliseconds: 5)
        }
    }
}
