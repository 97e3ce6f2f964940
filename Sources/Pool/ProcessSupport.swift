import Glibc

/// Small wrappers over process and signal calls used by the master and the workers.
enum ProcessSupport {
    /// Seconds on the monotonic clock: deadlines must not move with the wall clock.
    static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    static func signalSet(_ signals: [Int32]) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        return set
    }

    /// Blocks or unblocks signals for the calling thread only.
    static func mask(_ how: Int32, _ set: sigset_t) {
        var set = set
        pthread_sigmask(how, &set, nil)
    }

    /// A handler that does nothing, installed WITHOUT SA_RESTART: its only job is to make a blocked
    /// accept(2) or read(2) return EINTR.
    static func installInterruptingHandler(_ signal: Int32) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(signal, &action, nil)
    }

    /// Writing to a connection nginx already closed must give EPIPE, not kill the process.
    static func ignoreBrokenPipe() {
        signal(SIGPIPE, SIG_IGN)
    }

    static func sleep(milliseconds: Int) {
        var remaining = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var request = remaining
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    /// "exit status 3" or "signal 9 (core dumped)", decoded by hand because the W* macros are not
    /// visible from Swift.
    static func describe(waitStatus status: Int32) -> String {
        let signal = status & 0x7f
        if signal == 0 { return "exit status " + String((status >> 8) & 0xff) }
        return "signal " + String(signal) + ((status & 0x80) != 0 ? " (core dumped)" : "")
    }

    static func exitedCleanly(waitStatus status: Int32) -> Bool { status == 0 }
}

/// Which file a socket path names, to tell whether the path still leads to our listen socket.
struct SocketFile: Equatable, Sendable {
    var device: UInt
    var inode: UInt

    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        device = UInt(status.st_dev)
        inode = UInt(status.st_ino)
    }
}
