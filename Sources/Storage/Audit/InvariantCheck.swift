import MariaDB
import PaygateCore

/// The tables whose rows a check covers, for its "N checked" figure.
enum AuditedTable: String, CaseIterable, Sendable {
    case payments, refunds
    case journalEntries = "journal_entries"
    case journalLines = "journal_lines"
    case paymentEvents = "payment_events"
}

/// One rule of the ledger and outbox ("who writes what"), verified on one shard at a time: every write the rule
/// speaks of is one local transaction on the payment's shard, so nothing crosses shards.
struct InvariantCheck: Sendable {
    let name: String
    let rule: String
    let tables: [AuditedTable]
    /// One or two queries, each a whole-table GROUP BY / LEFT JOIN that returns only the rows
    /// breaking the rule: a clean shard answers nothing, a broken one names its rows.
    let queries: [ViolationQuery]
}

/// A query for violating rows and how to explain one of them. Its columns must have unique
/// names: the checker wraps it as a derived table to count and bound the answer.
struct ViolationQuery: Sendable {
    let sql: String
    let explain: @Sendable (ViolationRow) -> (ids: [String], reason: String)
}

/// A violating row's columns in select order, as text. Booleans come from SQL as 0/1 and
/// amounts as DECIMAL text: comparisons are made in SQL, the text is only shown.
struct ViolationRow: Sendable {
    let columns: [String?]

    func text(_ index: Int) -> String { columns[index] ?? "NULL" }
    func count(_ index: Int) -> Int { Int(columns[index] ?? "") ?? 0 }
    func flag(_ index: Int) -> Bool { columns[index] == "1" }
}

/// Builds the reason of one row from the findings that apply, in a fixed order.
struct Findings {
    private(set) var parts: [String] = []
    mutating func add(_ condition: Bool, _ text: @autoclosure () -> String) {
        if condition { parts.append(text()) }
    }
    /// A row the query returned but no finding explains means the SQL and the Swift disagree;
    /// say so rather than print an empty reason.
    var reason: String { parts.isEmpty ? "violates the rule (no detail matched)" : parts.joined(separator: "; ") }
}

enum AuditSQL {
    /// `'a', 'b'` for an IN list of values that come from our own enums, never from input.
    static func list(_ values: [String]) -> String {
        values.map { "'" + $0 + "'" }.joined(separator: ", ")
    }

    static var paidStatuses: String { list(PaymentStatus.allCases.filter(\.isPaid).map(\.rawValue)) }
    static var paymentStatuses: String { list(PaymentStatus.allCases.map(\.rawValue)) }
    static var refundStatuses: String { list(RefundStatus.allCases.map(\.rawValue)) }
    static var eventTypes: String { list(MerchantEventType.allCases.map(\.rawValue)) }
    static var entryKinds: String { list(LedgerEntryKind.allCases.map(\.rawValue)) }
    static let payable = LedgerAccount.merchantPayable.name
    /// A late payment is in whatever currency the payer paid, not necessarily the order's.
    static var latePaymentKinds: String {
        list([LedgerEntryKind.latePaymentReceived.rawValue, LedgerEntryKind.latePaymentReturned.rawValue])
    }
}

extension InvariantCheck {
    /// Every check, in the order they are printed.
    static var all: [InvariantCheck] {
        [statusesKnown, paymentSucceeded, refunds, lateRefunds, journalBalanced, statusHistory, eventsComplete]
    }
}
