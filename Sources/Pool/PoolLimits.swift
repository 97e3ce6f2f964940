/// The pool's fixed limits, named in one place. They are constants, not configuration, because
/// they are about process hygiene rather than capacity.
enum PoolLimits {
    /// How long a stopping worker may take to finish its in-flight requests before SIGKILL.
    static let stopGraceSeconds = 30.0
    /// A worker that dies sooner than this after its start counts as crash-looping.
    static let crashLifetimeSecondsMin = 2.0
    /// First and largest pause before replacing a crash-looping worker; it doubles in between.
    /// The cap bounds the restart rate to one per this many seconds while the crash persists.
    static let restartBackoffSecondsFirst = 0.1
    static let restartBackoffSecondsMax = 5.0
    /// How often the master wakes to check deadlines when no signal arrives.
    static let masterTickMilliseconds = 100
    /// A stopping worker waits this long at most for its share of the listen backlog to drain.
    static let drainSecondsMax = 2.0
    /// How often a stopping worker re-sends the wake signal to threads still waiting in accept.
    static let wakeIntervalMilliseconds = 20
    /// How often a worker checks that its master is still alive.
    static let parentCheckSeconds = 1
    /// Pause after an unexpected accept failure so a broken socket cannot spin a thread.
    static let acceptFailurePauseMilliseconds = 10
}
