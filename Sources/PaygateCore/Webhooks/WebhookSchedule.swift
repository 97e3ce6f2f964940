/// When a webhook is tried again (docs/API.md section 8). The schedule is the list of waits before
/// retries 1, 2, ...: an event is tried `waits.count + 1` times in all, then dead-lettered.
/// The contract's schedule is `WebhooksConfiguration.defaultScheduleSeconds`; tests shorten it.
public struct WebhookSchedule: Sendable, Equatable {
    public let waitsSeconds: [Int]

    public init(waitsSeconds: [Int]) {
        // The configuration was validated at start-up (WebhooksConfiguration.validate).
        precondition(!waitsSeconds.isEmpty && waitsSeconds.allSatisfy { $0 >= 1 }, "a webhook schedule needs waits of at least 1 s")
        self.waitsSeconds = waitsSeconds
    }

    public init(_ configuration: WebhooksConfiguration) {
        self.init(waitsSeconds: configuration.scheduleSeconds)
    }

    /// Tries an event gets in all before it is dead-lettered: the first plus one per wait.
    public var attemptsMax: Int { waitsSeconds.count + 1 }

    public enum Decision: Sendable, Equatable {
        /// Try again this many seconds after the failed attempt.
        case retry(afterSeconds: Int)
        /// That was the last try: the event is dead until an admin resends it.
        case deadLetter
    }

    /// What follows a failed attempt, given how many attempts have now been made (this one
    /// included, so at least 1).
    public func afterFailure(attemptsMade: Int) -> Decision {
        precondition(attemptsMade >= 1, "a failure follows at least one attempt")
        guard attemptsMade <= waitsSeconds.count else { return .deadLetter }
        return .retry(afterSeconds: waitsSeconds[attemptsMade - 1])
    }
}
