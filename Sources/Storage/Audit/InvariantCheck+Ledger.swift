import PaygateCore

extension InvariantCheck {
    /// Every journal entry balances (the rule `LedgerEntry` enforces before writing, verified
    /// over what is stored), belongs to an existing payment (and refund) of its merchant and
    /// currency, and every line belongs to an existing entry.
    static let journalBalanced = InvariantCheck(
        name: "journal_balanced",
        rule:
            "every journal entry has >= 2 lines in its currency summing to 0 and points to its payment (and refund); every line has its entry",
        tables: [.journalEntries, .journalLines],
        queries: [
            ViolationQuery(
                sql: """
                    SELECT e.payment_id, e.entry_id, e.refund_id, e.kind, e.currency,
                           COALESCE(l.line_count, 0) AS line_count, COALESCE(l.total, 0) AS total,
                           COALESCE(l.currency_low = e.currency AND l.currency_high = e.currency
                                    AND l.merchant_low = e.merchant_id AND l.merchant_high = e.merchant_id, 0) AS lines_ok,
                           p.payment_id IS NOT NULL AS payment_ok,
                           COALESCE(p.merchant_id = e.merchant_id AND (p.currency = e.currency OR e.kind IN (\(AuditSQL.latePaymentKinds))), 0) AS owner_ok,
                           e.kind IN (\(AuditSQL.entryKinds)) AS kind_ok,
                           IF(e.kind = '\(LedgerEntryKind.paymentSucceeded.rawValue)' OR (e.kind = '\(LedgerEntryKind.feeAdjusted.rawValue)' AND e.refund_id = ''), e.refund_id = '',
                              f.refund_id IS NOT NULL AND f.payment_id = e.payment_id) AS refund_ok,
                           COALESCE(l.total = 0, 0) AS balanced
                      FROM journal_entries e
                      LEFT JOIN (SELECT entry_id, COUNT(*) AS line_count, SUM(amount) AS total,
                                        MIN(currency) AS currency_low, MAX(currency) AS currency_high,
                                        MIN(merchant_id) AS merchant_low, MAX(merchant_id) AS merchant_high
                                   FROM journal_lines GROUP BY entry_id) l ON l.entry_id = e.entry_id
                      LEFT JOIN payments p ON p.payment_id = e.payment_id
                      LEFT JOIN refunds f ON f.refund_id = e.refund_id AND e.refund_id <> ''
                     WHERE COALESCE(l.line_count, 0) < 2 OR l.total <> 0
                        OR COALESCE(l.currency_low = e.currency AND l.currency_high = e.currency
                                    AND l.merchant_low = e.merchant_id AND l.merchant_high = e.merchant_id, 0) = 0
                        OR p.payment_id IS NULL
                        OR COALESCE(p.merchant_id = e.merchant_id AND (p.currency = e.currency OR e.kind IN (\(AuditSQL.latePaymentKinds))), 0) = 0
                        OR e.kind NOT IN (\(AuditSQL.entryKinds))
                        OR NOT IF(e.kind = '\(LedgerEntryKind.paymentSucceeded.rawValue)' OR (e.kind = '\(LedgerEntryKind.feeAdjusted.rawValue)' AND e.refund_id = ''), e.refund_id = '',
                                  f.refund_id IS NOT NULL AND f.payment_id = e.payment_id)
                    """,
                explain: { row in
                    var findings = Findings()
                    let lineCount = row.count(5)
                    findings.add(lineCount < 2, "entry has \(lineCount) lines (want at least 2)")
                    findings.add(lineCount > 0 && !row.flag(12), "lines sum to \(row.text(6)), not 0")
                    findings.add(lineCount > 0 && !row.flag(7), "a line is in another currency than \(row.text(4)) or for another merchant")
                    findings.add(!row.flag(8), "its payment does not exist on this shard")
                    findings.add(row.flag(8) && !row.flag(9), "merchant or currency differs from its payment's")
                    findings.add(!row.flag(10), "unknown kind '\(row.text(3))'")
                    findings.add(
                        row.flag(10) && !row.flag(11),
                        row.text(3) == LedgerEntryKind.paymentSucceeded.rawValue
                            ? "\(row.text(3)) entry names refund '\(row.text(2))'"
                            : "\(row.text(3)) entry's refund '\(row.text(2))' does not exist for this payment")
                    var ids = [row.text(0), row.text(1)]
                    if !row.text(2).isEmpty { ids.insert(row.text(2), at: 1) }
                    return (ids, findings.reason)
                }),
            ViolationQuery(
                sql: """
                    SELECT l.entry_id, l.id AS line_id, l.account, l.amount
                      FROM journal_lines l LEFT JOIN journal_entries e ON e.entry_id = l.entry_id
                     WHERE e.entry_id IS NULL
                    """,
                explain: { row in
                    (["line \(row.text(1))", row.text(0)], "line (\(row.text(2)) \(row.text(3))) belongs to no journal entry")
                }),
        ])

    /// No event lost between a state change and the outbox: a failed or closed payment has
    /// exactly one event of that type (succeeded is `payment_succeeded`'s, refunds are
    /// `refunds`'), and no event exists without its payment (and refund).
    static let eventsComplete = InvariantCheck(
        name: "events_complete",
        rule:
            "a failed (closed) payment has exactly one payment.failed (payment.closed) event and others none; every event has its payment and refund",
        tables: [.payments, .paymentEvents],
        queries: [
            ViolationQuery(
                sql: """
                    SELECT p.payment_id, p.status, COALESCE(v.failed, 0) AS failed_events, COALESCE(v.closed, 0) AS closed_events
                      FROM payments p
                      LEFT JOIN (SELECT payment_id,
                                        SUM(type = '\(MerchantEventType.paymentFailed.rawValue)') AS failed,
                                        SUM(type = '\(MerchantEventType.paymentClosed.rawValue)') AS closed
                                   FROM payment_events
                                  WHERE type IN ('\(MerchantEventType.paymentFailed.rawValue)', '\(MerchantEventType.paymentClosed.rawValue)')
                                  GROUP BY payment_id) v ON v.payment_id = p.payment_id
                     WHERE COALESCE(v.failed, 0) <> (p.status = '\(PaymentStatus.failed.rawValue)')
                        OR COALESCE(v.closed, 0) <> (p.status = '\(PaymentStatus.closed.rawValue)')
                    """,
                explain: { row in
                    let status = row.text(1)
                    let wantFailed = status == PaymentStatus.failed.rawValue ? 1 : 0
                    let wantClosed = status == PaymentStatus.closed.rawValue ? 1 : 0
                    var findings = Findings()
                    findings.add(
                        row.count(2) != wantFailed, "status \(status) with \(row.count(2)) payment.failed events (want \(wantFailed))")
                    findings.add(
                        row.count(3) != wantClosed, "status \(status) with \(row.count(3)) payment.closed events (want \(wantClosed))")
                    return ([row.text(0)], findings.reason)
                }),
            ViolationQuery(
                sql: """
                    SELECT v.payment_id, v.event_id, v.refund_id, v.type,
                           p.payment_id IS NOT NULL AS payment_ok,
                           COALESCE(p.merchant_id = v.merchant_id, 0) AS merchant_ok,
                           v.type IN (\(AuditSQL.eventTypes)) AS type_ok,
                           (v.type LIKE 'refund.%') = (v.refund_id <> '') AS subject_ok,
                           v.refund_id = '' OR (f.refund_id IS NOT NULL AND f.payment_id = v.payment_id) AS refund_ok
                      FROM payment_events v
                      LEFT JOIN payments p ON p.payment_id = v.payment_id
                      LEFT JOIN refunds f ON f.refund_id = v.refund_id AND v.refund_id <> ''
                     WHERE p.payment_id IS NULL OR COALESCE(p.merchant_id = v.merchant_id, 0) = 0
                        OR v.type NOT IN (\(AuditSQL.eventTypes))
                        OR (v.type LIKE 'refund.%') <> (v.refund_id <> '')
                        OR NOT (v.refund_id = '' OR (f.refund_id IS NOT NULL AND f.payment_id = v.payment_id))
                    """,
                explain: { row in
                    var findings = Findings()
                    findings.add(!row.flag(4), "event \(row.text(3)) whose payment does not exist on this shard")
                    findings.add(row.flag(4) && !row.flag(5), "event \(row.text(3)) for another merchant than its payment's")
                    findings.add(!row.flag(6), "unknown event type '\(row.text(3))'")
                    findings.add(!row.flag(7), "event \(row.text(3)) with refund_id '\(row.text(2))'")
                    findings.add(!row.flag(8), "event \(row.text(3)) whose refund '\(row.text(2))' does not exist for this payment")
                    var ids = [row.text(0), row.text(1)]
                    if !row.text(2).isEmpty { ids.insert(row.text(2), at: 1) }
                    return (ids, findings.reason)
                }),
        ])
}
