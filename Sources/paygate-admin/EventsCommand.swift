import PaygateCore
import Storage

/// `paygate-admin events list|show|resend` (issue 4, item 1). Placeholder until the dispatcher lands.
@MainActor func eventsCommand(_ arguments: [String]) throws {
    fail("events: not built yet", code: 2)
}
