import PaygateCore
import Storage

/// `paygate-admin check` (issue 4, item 4). Placeholder until the checker lands.
@MainActor func checkCommand() throws {
    fail("check: not built yet", code: 2)
}
