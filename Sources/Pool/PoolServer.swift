import FastCGI
import Glibc
import PaygateCore

/// The paygate process pool: one master process and `workers` forked worker processes of
/// `threads_per_worker` threads each, all serving FastCGI on one unix socket that nginx connects to.
///
/// Master (single-threaded; it forks, so it never starts a thread):
/// - creates the socket directory if missing, opens the socket (mode 0660), writes `pid_file`;
/// - forks the workers and replaces any that dies, pausing between replacements when workers die
///   within `PoolLimits.crashLifetimeSecondsMin` of starting (doubling up to
///   `PoolLimits.restartBackoffSecondsMax`), so a crash loop cannot spin the machine;
/// - SIGTERM / SIGINT: unlinks the socket path (nginx gets no new connections into a dying
///   socket), sends SIGTERM to every worker, waits for them to finish their requests (SIGKILL after
///   `PoolLimits.stopGraceSeconds`), removes the pid file and returns 0;
/// - SIGHUP: starts a new generation: binds a fresh socket and renames it over the path (atomic,
///   so nginx always finds a socket), forks a full set of new workers on it, then SIGTERMs the old
///   generation, whose workers drain their own socket's backlog and answer their in-flight requests
///   before exiting. Old and new generations never share a socket, so stopping one cannot disturb
///   the other.
///
/// Worker: see `WorkerProcess`. A handler that crashes takes down only its worker.
/// Logs go through `Log` with component "pool".
public enum PoolServer {
    /// Runs until stopped by a signal; returns the process exit status for `main`.
    /// `reloadFactory`, when given, is called in the master on SIGHUP to build the factory the
    /// new generation of workers uses (re-reading the configuration file); nil from it refuses
    /// the reload. The pool's own settings (socket, worker and thread counts) stay as started.
    public static func run(
        configuration: PoolConfiguration, factory: any RequestHandlerFactory,
        reloadFactory: (() -> (any RequestHandlerFactory)?)? = nil, log: Log
    ) -> Int32 {
        var master = PoolMaster(configuration: configuration, factory: factory, reloadFactory: reloadFactory, log: log)
        return master.run()
    }
}
