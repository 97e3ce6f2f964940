import FastCGI
import Glibc
import PaygateCore

/// The master process's state and loop; see `PoolServer` for the behaviour.
struct PoolMaster {
    private struct Worker {
        var generation: Int
        var startedAt: Double
        /// When SIGTERM was sent, or nil while the worker is serving.
        var stopRequestedAt: Double?
        var killed = false
    }

    private let configuration: PoolConfiguration
    private var factory: any RequestHandlerFactory
    /// Builds a fresh factory from the configuration file on SIGHUP (a new shard map, new
    /// limits); nil keeps the running one.
    private let reloadFactory: (() -> (any RequestHandlerFactory)?)?
    private let log: Log
    private var listenDescriptor: Int32 = -1
    /// The file our current socket was bound to, to recognise it at the path later.
    private var socketFile: SocketFile?
    private var generation = 0
    private var workers: [pid_t: Worker] = [:]
    private var stopping = false
    private var restartBackoffSeconds = 0.0
    private var nextSpawnAt = 0.0

    init(
        configuration: PoolConfiguration, factory: any RequestHandlerFactory,
        reloadFactory: (() -> (any RequestHandlerFactory)?)?, log: Log
    ) {
        self.configuration = configuration
        self.factory = factory
        self.reloadFactory = reloadFactory
        self.log = log
    }

    mutating func run() -> Int32 {
        // Blocked before the first fork: the master takes them with sigtimedwait, and each worker
        // starts with them blocked until it has set up its own handling.
        let masterSignals = ProcessSupport.signalSet([SIGTERM, SIGINT, SIGHUP, SIGCHLD])
        ProcessSupport.mask(SIG_BLOCK, masterSignals)
        ProcessSupport.ignoreBrokenPipe()
        do {
            try createSocketDirectory()
            listenDescriptor = try FastCGILibrary.listen(path: configuration.socketPath)
            socketFile = SocketFile(path: configuration.socketPath)
        } catch {
            log.error("cannot open the FastCGI socket: \(error)")
            return 1
        }
        guard writePidFile() else { return 1 }
        log.info(
            "master listening on \(configuration.socketPath) with \(configuration.workers) workers x \(configuration.threadsPerWorker) threads"
        )
        spawnMissingWorkers()

        var signals = masterSignals
        while true {
            var timeout = timespec(tv_sec: 0, tv_nsec: PoolLimits.masterTickMilliseconds * 1_000_000)
            switch sigtimedwait(&signals, nil, &timeout) {
            case SIGTERM, SIGINT: beginStop()
            case SIGHUP: reload()
            default: break
            }
            reapWorkers()
            if stopping {
                if workers.isEmpty { break }
            } else if ProcessSupport.monotonicSeconds() >= nextSpawnAt {
                spawnMissingWorkers()
            }
            killOverdueWorkers()
        }
        close(listenDescriptor)
        if let pidFile = configuration.pidFile { unlink(pidFile) }
        log.info("master stopped")
        return 0
    }

    private func createSocketDirectory() throws(FastCGIError) {
        let path = configuration.socketPath
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let directory = String(path[..<slash])
        if mkdir(directory, 0o750) != 0 && errno != EEXIST {
            throw FastCGIError(.socketDirectoryMissing, errorNumber: errno, "cannot create \(directory)")
        }
    }

    private func writePidFile() -> Bool {
        guard let pidFile = configuration.pidFile else { return true }
        let text = String(getpid()) + "\n"
        let descriptor = open(pidFile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            log.error("cannot write pid file \(pidFile), errno \(errno)")
            return false
        }
        defer { close(descriptor) }
        let written = text.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
        return written == text.utf8.count
    }

    private mutating func spawnMissingWorkers() {
        let serving = workers.values.filter { $0.generation == generation && $0.stopRequestedAt == nil }.count
        for _ in serving..<max(serving, configuration.workers) { spawnWorker() }
    }

    private mutating func spawnWorker() {
        let masterPid = getpid()
        let pid = fork()
        if pid == 0 {
            let status = WorkerProcess.run(
                listenDescriptor: listenDescriptor, socketFile: socketFile, configuration: configuration,
                factory: factory, log: log, masterPid: masterPid)
            exit(status)
        }
        guard pid > 0 else {
            log.error("fork failed, errno \(errno)")
            nextSpawnAt = ProcessSupport.monotonicSeconds() + PoolLimits.restartBackoffSecondsMax
            return
        }
        workers[pid] = Worker(generation: generation, startedAt: ProcessSupport.monotonicSeconds())
        log.info("started worker \(pid) (generation \(generation))")
    }

    private mutating func reapWorkers() {
        var status: Int32 = 0
        while true {
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { return }
            guard let worker = workers.removeValue(forKey: pid) else { continue }
            let how = ProcessSupport.describe(waitStatus: status)
            if worker.stopRequestedAt != nil {
                log.info("worker \(pid) (generation \(worker.generation)) stopped: \(how)")
                continue
            }
            log.error("worker \(pid) died unexpectedly: \(how)")
            let now = ProcessSupport.monotonicSeconds()
            if now - worker.startedAt < PoolLimits.crashLifetimeSecondsMin {
                restartBackoffSeconds =
                    restartBackoffSeconds == 0
                    ? PoolLimits.restartBackoffSecondsFirst
                    : min(restartBackoffSeconds * 2, PoolLimits.restartBackoffSecondsMax)
                log.warning("workers are dying at start; next start in \(restartBackoffSeconds) s")
            } else {
                restartBackoffSeconds = 0
            }
            nextSpawnAt = now + restartBackoffSeconds
        }
    }

    private mutating func beginStop() {
        guard !stopping else { return }
        stopping = true
        log.info("stopping: no new connections, waiting for \(workers.count) workers")
        // First make the socket unreachable, so the workers' backlog can only shrink.
        unlinkOwnSocket()
        requestStop { _ in true }
    }

    private mutating func reload() {
        guard !stopping else { return }
        if let reloadFactory {
            // A configuration that does not load keeps the current workers and their settings.
            guard let fresh = reloadFactory() else {
                log.error("reload refused: the configuration did not load; keeping the current workers")
                return
            }
            factory = fresh
        }
        let newDescriptor: Int32
        do {
            newDescriptor = try FastCGILibrary.listen(path: configuration.socketPath)
        } catch {
            log.error("reload failed, keeping the current workers: \(error)")
            return
        }
        let oldGeneration = generation
        close(listenDescriptor)
        listenDescriptor = newDescriptor
        socketFile = SocketFile(path: configuration.socketPath)
        generation += 1
        log.info("reload: generation \(generation) replaces generation \(oldGeneration)")
        spawnMissingWorkers()
        let current = generation
        requestStop { $0.generation < current }
    }

    private mutating func requestStop(_ selected: (Worker) -> Bool) {
        let now = ProcessSupport.monotonicSeconds()
        for (pid, worker) in workers where worker.stopRequestedAt == nil && selected(worker) {
            workers[pid]?.stopRequestedAt = now
            kill(pid, SIGTERM)
        }
    }

    private mutating func killOverdueWorkers() {
        let now = ProcessSupport.monotonicSeconds()
        for (pid, worker) in workers where !worker.killed {
            guard let asked = worker.stopRequestedAt, now - asked > PoolLimits.stopGraceSeconds else { continue }
            log.warning("worker \(pid) still busy after \(PoolLimits.stopGraceSeconds) s; killing it")
            workers[pid]?.killed = true
            kill(pid, SIGKILL)
        }
    }

    /// Unlinks the path only while it still names our socket: another pool may have started on the
    /// same path since.
    private func unlinkOwnSocket() {
        guard let ours = socketFile, SocketFile(path: configuration.socketPath) == ours else { return }
        unlink(configuration.socketPath)
    }
}
