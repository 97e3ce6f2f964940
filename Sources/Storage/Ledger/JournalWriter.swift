import MariaDB
import PaygateCore
import PaygateCrypto

/// Writes a balanced `LedgerEntry` into `journal_entries` / `journal_lines` inside the caller's
/// transaction (the one that makes the status change causing it). A second posting for the same
/// cause is refused by the unique key `once (payment_id, kind, refund_id)` and rolls that whole
/// transaction back: the lifecycles decide a posting exactly once, so this is the database's
/// backstop, not a path anyone takes.
enum JournalWriter {
    static func post(_ entry: LedgerEntry, slot: Int, now: Timestamp, _ connection: Connection) throws {
        let entryId = JournalEntryId(randomBytes: try SecureRandom.bytes(16)).text
        try connection.execute(
            """
            INSERT INTO journal_entries (entry_id, slot, merchant_id, payment_id, refund_id, kind, currency, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(entryId), .init(slot), .text(entry.merchantId), .text(entry.paymentId.text), .text(entry.refundId?.text ?? ""),
                .text(entry.kind.rawValue), .text(entry.currency.rawValue), .text(now.databaseString),
            ])
        for line in entry.lines {
            try connection.execute(
                "INSERT INTO journal_lines (entry_id, slot, merchant_id, account, amount, currency) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    .text(entryId), .init(slot), .text(entry.merchantId), .text(line.account.name),
                    .text(line.amount.signedDatabaseText), .text(line.amount.currency.rawValue),
                ])
        }
    }
}

extension Money {
    /// A signed DECIMAL(20,2) parameter ("-12.30"), for journal lines.
    var signedDatabaseText: String {
        minorUnits < 0 ? "-" + Money(minorUnits: -minorUnits, currency: currency).databaseText : databaseText
    }
}

/// The outbox row of a merchant notification (docs/API.md section 8), written in the caller's
/// transaction. `refundId` is "" for payment events; the unique key (payment, type, refund) makes
/// a second row for the same change impossible.
enum OutboxWriter {
    static func insert(
        _ type: MerchantEventType, paymentId: PaymentId, merchantId: String, refundId: RefundId?, data: [UInt8],
        now: Timestamp, _ connection: Connection
    ) throws {
        try connection.execute(
            """
            INSERT INTO payment_events (event_id, payment_id, slot, merchant_id, type, refund_id, data, next_attempt_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(EventId(randomBytes: try SecureRandom.bytes(16)).text), .text(paymentId.text), .init(paymentId.slot),
                .text(merchantId), .text(type.rawValue), .text(refundId?.text ?? ""), .text(String(decoding: data, as: UTF8.self)),
                .text(now.databaseString), .text(now.databaseString),
            ])
    }
}
