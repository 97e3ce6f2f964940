import PaygateCore
import Storage

/// `paygate-admin ledger balance --merchant M` (issue 4, item 3). Placeholder until the checker lands.
@MainActor func ledgerCommand(_ arguments: [String]) throws {
    fail("ledger: not built yet", code: 2)
}
