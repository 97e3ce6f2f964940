import PaygateCore

// What a test reads back: one payment's rows in every table, in the order written, or every row.
extension MemoryStore {
    public func events(of id: PaymentId) -> [OutboxEvent] { locked { eventsByPayment[id] ?? [] } }
    public func journal(of id: PaymentId) -> [LedgerEntry] { locked { journalByPayment[id] ?? [] } }
    public func anomalies(of id: PaymentId) -> [AnomalyRow] { locked { anomaliesByPayment[id] ?? [] } }

    /// Every row of a table (payments in no particular order; each payment's in order).
    public var events: [OutboxEvent] { locked { eventsByPayment.values.flatMap { $0 } } }
    public var journal: [LedgerEntry] { locked { journalByPayment.values.flatMap { $0 } } }
    public var anomalies: [AnomalyRow] { locked { anomaliesByPayment.values.flatMap { $0 } } }
}
