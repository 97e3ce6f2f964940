import PaygateCore

extension InvariantCheck {
    /// Every status is one the code knows: anything else would slip past the other checks.
    static let statusesKnown = InvariantCheck(
        name: "statuses_known",
        rule: "every payment status is a PaymentStatus and every refund status a RefundStatus",
        tables: [.payments, .refunds],
        queries: [
            ViolationQuery(
                sql: """
                    SELECT payment_id AS subject_id, 'payment' AS subject, status FROM payments
                     WHERE status NOT IN (\(AuditSQL.paymentStatuses))
                    UNION ALL
                    SELECT refund_id, 'refund', status FROM refunds
                     WHERE status NOT IN (\(AuditSQL.refundStatuses))
                    """,
                explain: { row in ([row.text(0)], "\(row.text(1)) status '\(row.text(2))' is not one the code knows") })
        ])

    /// A paid payment has exactly one success posting (crediting the merchant
    /// with the whole amount) and exactly one `payment.succeeded` event; an unpaid one has neither.
    /// Both are written in the transaction that makes the payment succeed.
    static let paymentSucceeded = InvariantCheck(
        name: "payment_succeeded",
        rule:
            "a paid payment has one payment_succeeded entry crediting merchant_payable with its amount and one payment.succeeded event; others have neither",
        tables: [.payments],
        queries: [
            ViolationQuery(
                sql: """
                    SELECT p.payment_id, p.status, p.amount, COALESCE(j.entries, 0) AS entries, j.payable,
                           COALESCE(v.events, 0) AS events, p.status IN (\(AuditSQL.paidStatuses)) AS paid,
                           COALESCE(j.payable = -p.amount, 0) AS payable_ok,
                           COALESCE(j.currency_low = p.currency AND j.currency_high = p.currency
                                    AND j.merchant_low = p.merchant_id AND j.merchant_high = p.merchant_id, 0) AS owner_ok
                      FROM payments p
                      LEFT JOIN (SELECT e.payment_id, COUNT(DISTINCT e.entry_id) AS entries,
                                        SUM(IF(l.account = '\(AuditSQL.payable)', l.amount, 0)) AS payable,
                                        MIN(e.currency) AS currency_low, MAX(e.currency) AS currency_high,
                                        MIN(e.merchant_id) AS merchant_low, MAX(e.merchant_id) AS merchant_high
                                   FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.entry_id
                                  WHERE e.kind = '\(LedgerEntryKind.paymentSucceeded.rawValue)'
                                  GROUP BY e.payment_id) j ON j.payment_id = p.payment_id
                      LEFT JOIN (SELECT payment_id, COUNT(*) AS events FROM payment_events
                                  WHERE type = '\(MerchantEventType.paymentSucceeded.rawValue)'
                                  GROUP BY payment_id) v ON v.payment_id = p.payment_id
                     WHERE IF(p.status IN (\(AuditSQL.paidStatuses)),
                              COALESCE(j.entries, 0) <> 1 OR COALESCE(j.payable = -p.amount, 0) = 0
                                OR COALESCE(j.currency_low = p.currency AND j.currency_high = p.currency
                                            AND j.merchant_low = p.merchant_id AND j.merchant_high = p.merchant_id, 0) = 0
                                OR COALESCE(v.events, 0) <> 1,
                              COALESCE(j.entries, 0) <> 0 OR COALESCE(v.events, 0) <> 0)
                    """,
                explain: { row in
                    let status = row.text(1)
                    let entries = row.count(3)
                    let events = row.count(5)
                    var findings = Findings()
                    if row.flag(6) {
                        findings.add(entries != 1, "status \(status) with \(entries) payment_succeeded entries (want 1)")
                        findings.add(
                            entries == 1 && !row.flag(7),
                            "its payment_succeeded entry puts \(row.text(4)) on \(AuditSQL.payable) (want -\(row.text(2)))")
                        findings.add(
                            entries == 1 && !row.flag(8), "its payment_succeeded entry is in another currency or for another merchant")
                        findings.add(events != 1, "status \(status) with \(events) payment.succeeded events (want 1)")
                    } else {
                        findings.add(entries != 0, "status \(status) with \(entries) payment_succeeded entries (want 0)")
                        findings.add(events != 0, "status \(status) with \(events) payment.succeeded events (want 0)")
                    }
                    return ([row.text(0)], findings.reason)
                })
        ])

    /// Every status has its history row: the latest row of a payment's (refund's) history names
    /// the status it is in. History is append-only and its id grows, so the latest is MAX(id).
    static let statusHistory = InvariantCheck(
        name: "status_history",
        rule: "the latest status history row of every payment and refund names its current status",
        tables: [.payments, .refunds],
        queries: [
            ViolationQuery(
                sql: """
                    SELECT p.payment_id, p.status, h.to_status, m.last_id
                      FROM payments p
                      LEFT JOIN (SELECT payment_id, MAX(id) AS last_id FROM payment_status_history
                                  GROUP BY payment_id) m ON m.payment_id = p.payment_id
                      LEFT JOIN payment_status_history h ON h.id = m.last_id
                     WHERE IF(m.last_id IS NULL, p.status <> '\(PaymentStatus.created.rawValue)', h.to_status <> p.status)
                    """,
                explain: { row in
                    let reason =
                        row.columns[3] == nil
                        ? "status \(row.text(1)) with no payment_status_history row"
                        : "status \(row.text(1)) but its latest payment_status_history row (id \(row.text(3))) says \(row.text(2))"
                    return ([row.text(0)], reason)
                }),
            ViolationQuery(
                sql: """
                    SELECT f.payment_id, f.refund_id, f.status, h.to_status, m.last_id
                      FROM refunds f
                      LEFT JOIN (SELECT refund_id, MAX(id) AS last_id FROM refund_status_history
                                  GROUP BY refund_id) m ON m.refund_id = f.refund_id
                      LEFT JOIN refund_status_history h ON h.id = m.last_id
                     WHERE m.last_id IS NULL OR h.to_status <> f.status
                    """,
                explain: { row in
                    let reason =
                        row.columns[4] == nil
                        ? "refund status \(row.text(2)) with no refund_status_history row"
                        : "refund status \(row.text(2)) but its latest refund_status_history row (id \(row.text(4))) says \(row.text(3))"
                    return ([row.text(0), row.text(1)], reason)
                }),
        ])
}
