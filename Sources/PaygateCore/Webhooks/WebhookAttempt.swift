/// What one delivery attempt came to, as `webhook_attempts` records it and as the outbox row is
/// updated after it. The I/O layer (Gateway/Webhooks) fills it in; `WebhookEvent.update(after:)`
/// decides the event's next state.
public struct WebhookAttempt: Sendable, Equatable {
    /// Longest error text stored (the column is VARCHAR(255)).
    public static let errorBytesMax = 255

    /// 1 for the first try of the current schedule.
    public var number: Int
    public var attemptedAt: Timestamp
    /// The receiver's HTTP status; nil when no answer came (refused, timed out, broken).
    public var httpStatus: Int?
    public var latencyMilliseconds: Int
    /// Why it did not acknowledge, for admins: never a header, a body or a secret.
    public var error: String?
    /// A failure that no retry can mend (a notify_url the destination rule refuses): the event is
    /// dead-lettered at once instead of waiting out the schedule.
    public var isPermanentFailure: Bool

    public init(
        number: Int, attemptedAt: Timestamp, httpStatus: Int?, latencyMilliseconds: Int, error: String?,
        isPermanentFailure: Bool = false
    ) {
        precondition(number >= 1, "attempts are numbered from 1")
        self.number = number
        self.attemptedAt = attemptedAt
        self.httpStatus = httpStatus
        self.latencyMilliseconds = max(0, latencyMilliseconds)
        self.error = error.map { WebhookAttempt.truncated($0) }
        self.isPermanentFailure = isPermanentFailure
    }

    /// docs/API.md section 8: any 2xx acknowledges; anything else (3xx included: redirects are not
    /// followed) is a failure.
    public var isAcknowledged: Bool {
        guard let httpStatus, !isPermanentFailure else { return false }
        return (200...299).contains(httpStatus)
    }

    /// Cuts at a character boundary so the stored text stays valid UTF-8.
    static func truncated(_ text: String) -> String {
        guard text.utf8.count > errorBytesMax else { return text }
        var result = ""
        for character in text {
            if result.utf8.count + character.utf8.count > errorBytesMax { break }
            result.append(character)
        }
        return result
    }
}

/// The outbox row's state after an attempt.
public struct WebhookEventUpdate: Sendable, Equatable {
    public var state: WebhookEventState
    public var attempts: Int
    /// When a `pending` event is next due; for a final one, the time of the attempt.
    public var nextAttemptAt: Timestamp
    public var deliveredAt: Timestamp?
}

extension WebhookEvent {
    /// The attempt that follows `attempts` in the current schedule.
    public var nextAttemptNumber: Int { attempts + 1 }

    /// The state machine of one event: acknowledged → delivered; a permanent failure → dead at
    /// once; any other failure → retried per the schedule, dead after its last wait.
    public func update(after attempt: WebhookAttempt, schedule: WebhookSchedule) -> WebhookEventUpdate {
        let attemptsMade = attempts + 1
        if attempt.isAcknowledged {
            return WebhookEventUpdate(
                state: .delivered, attempts: attemptsMade, nextAttemptAt: attempt.attemptedAt,
                deliveredAt: attempt.attemptedAt)
        }
        if attempt.isPermanentFailure {
            return WebhookEventUpdate(state: .dead, attempts: attemptsMade, nextAttemptAt: attempt.attemptedAt, deliveredAt: nil)
        }
        switch schedule.afterFailure(attemptsMade: attemptsMade) {
        case .retry(let seconds):
            return WebhookEventUpdate(
                state: .pending, attempts: attemptsMade,
                nextAttemptAt: attempt.attemptedAt.adding(seconds: Int64(seconds)), deliveredAt: nil)
        case .deadLetter:
            return WebhookEventUpdate(state: .dead, attempts: attemptsMade, nextAttemptAt: attempt.attemptedAt, deliveredAt: nil)
        }
    }
}
