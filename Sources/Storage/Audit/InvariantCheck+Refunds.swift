import PaygateCore

extension InvariantCheck {
    /// Merchants' refunds (late payments' are `lateRefunds`'): refunded amounts equal the sum of
    /// succeeded refunds and of their postings;
    /// each refund has the posting and event of its status and nothing else (design "who writes
    /// what": success writes one refund_succeeded entry and one refund.succeeded event in the same
    /// transaction; failure one refund.failed event and no posting; processing neither).
    static let refunds = InvariantCheck(
        name: "refunds",
        rule:
            "refunded_amount = succeeded refunds = their merchant_payable debits, non-failed refunds <= amount, status agrees; each refund has exactly the posting and event of its status",
        tables: [.payments, .refunds],
        queries: [paymentTotals, refundRecords])

    /// One row per payment whose totals disagree. The payment's status must follow from its
    /// refunded amount: `refunded` iff all of it, `partially_refunded` iff some of it.
    private static let paymentTotals = ViolationQuery(
        sql: """
            SELECT p.payment_id, p.status, p.amount, p.refunded_amount,
                   COALESCE(r.succeeded, 0) AS refunds_succeeded, COALESCE(r.committed, 0) AS refunds_committed,
                   COALESCE(j.debits, 0) AS postings, COALESCE(r.refund_count, 0) AS refund_count,
                   p.refunded_amount = COALESCE(r.succeeded, 0) AS refunds_ok,
                   p.refunded_amount = COALESCE(j.debits, 0) AS postings_ok,
                   COALESCE(r.committed, 0) <= p.amount AS committed_ok,
                   (p.status = '\(PaymentStatus.refunded.rawValue)') = (p.refunded_amount = p.amount AND p.amount > 0)
                     AND (p.status = '\(PaymentStatus.partiallyRefunded.rawValue)') = (p.refunded_amount > 0 AND p.refunded_amount < p.amount)
                     AS status_ok,
                   COALESCE(r.refund_count, 0) = 0 OR p.status IN (\(AuditSQL.paidStatuses)) AS paid_ok
              FROM payments p
              LEFT JOIN (SELECT payment_id, COUNT(*) AS refund_count,
                                SUM(IF(status = '\(RefundStatus.succeeded.rawValue)', amount, 0)) AS succeeded,
                                SUM(IF(status <> '\(RefundStatus.failed.rawValue)', amount, 0)) AS committed
                           FROM refunds WHERE origin = '\(RefundOrigin.merchant.rawValue)' GROUP BY payment_id) r ON r.payment_id = p.payment_id
              LEFT JOIN (SELECT e.payment_id, SUM(l.amount) AS debits
                           FROM journal_entries e
                           JOIN journal_lines l ON l.entry_id = e.entry_id AND l.account = '\(AuditSQL.payable)'
                          WHERE e.kind = '\(LedgerEntryKind.refundSucceeded.rawValue)'
                          GROUP BY e.payment_id) j ON j.payment_id = p.payment_id
             WHERE p.refunded_amount <> COALESCE(r.succeeded, 0)
                OR p.refunded_amount <> COALESCE(j.debits, 0)
                OR COALESCE(r.committed, 0) > p.amount
                OR (p.status = '\(PaymentStatus.refunded.rawValue)') <> (p.refunded_amount = p.amount AND p.amount > 0)
                OR (p.status = '\(PaymentStatus.partiallyRefunded.rawValue)') <> (p.refunded_amount > 0 AND p.refunded_amount < p.amount)
                OR (COALESCE(r.refund_count, 0) > 0 AND p.status NOT IN (\(AuditSQL.paidStatuses)))
            """,
        explain: { row in
            let refunded = row.text(3)
            var findings = Findings()
            findings.add(!row.flag(8), "refunded_amount \(refunded) but succeeded refunds sum to \(row.text(4))")
            findings.add(!row.flag(9), "refunded_amount \(refunded) but refund_succeeded postings debit \(AuditSQL.payable) \(row.text(6))")
            findings.add(!row.flag(10), "non-failed refunds sum to \(row.text(5)), more than the amount \(row.text(2))")
            findings.add(!row.flag(11), "status \(row.text(1)) does not match refunded_amount \(refunded) of \(row.text(2))")
            findings.add(!row.flag(12), "status \(row.text(1)) was never paid but has \(row.count(7)) refunds")
            return ([row.text(0)], findings.reason)
        })

    /// One row per refund that lacks (or has extra) postings or events for its status, or does
    /// not belong to an existing payment of the same merchant, currency and slot.
    private static let refundRecords = ViolationQuery(
        sql: """
            SELECT f.payment_id, f.refund_id, f.status, f.amount, COALESCE(j.entries, 0) AS entries, j.payable,
                   COALESCE(v.succeeded, 0) AS succeeded_events, COALESCE(v.failed, 0) AS failed_events,
                   p.payment_id IS NOT NULL AS payment_ok,
                   COALESCE(p.merchant_id = f.merchant_id AND p.currency = f.currency AND p.slot = f.slot, 0) AS owner_ok,
                   COALESCE(j.payable = f.amount, 0) AS payable_ok
              FROM refunds f
              LEFT JOIN payments p ON p.payment_id = f.payment_id
              LEFT JOIN (SELECT e.refund_id, COUNT(DISTINCT e.entry_id) AS entries,
                                SUM(IF(l.account = '\(AuditSQL.payable)', l.amount, 0)) AS payable
                           FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.entry_id
                          WHERE e.kind = '\(LedgerEntryKind.refundSucceeded.rawValue)'
                          GROUP BY e.refund_id) j ON j.refund_id = f.refund_id
              LEFT JOIN (SELECT refund_id,
                                SUM(type = '\(MerchantEventType.refundSucceeded.rawValue)') AS succeeded,
                                SUM(type = '\(MerchantEventType.refundFailed.rawValue)') AS failed
                           FROM payment_events WHERE refund_id <> '' GROUP BY refund_id) v ON v.refund_id = f.refund_id
             WHERE f.origin = '\(RefundOrigin.merchant.rawValue)' AND (p.payment_id IS NULL
                OR COALESCE(p.merchant_id = f.merchant_id AND p.currency = f.currency AND p.slot = f.slot, 0) = 0
                OR CASE f.status
                     WHEN '\(RefundStatus.succeeded.rawValue)' THEN
                          COALESCE(j.entries, 0) <> 1 OR COALESCE(j.payable = f.amount, 0) = 0
                          OR COALESCE(v.succeeded, 0) <> 1 OR COALESCE(v.failed, 0) <> 0
                     WHEN '\(RefundStatus.failed.rawValue)' THEN
                          COALESCE(j.entries, 0) <> 0 OR COALESCE(v.succeeded, 0) <> 0 OR COALESCE(v.failed, 0) <> 1
                     ELSE COALESCE(j.entries, 0) <> 0 OR COALESCE(v.succeeded, 0) <> 0 OR COALESCE(v.failed, 0) <> 0
                   END)
            """,
        explain: { row in
            let status = row.text(2)
            let entries = row.count(4)
            let succeeded = row.count(6)
            let failed = row.count(7)
            let want: (entries: Int, succeeded: Int, failed: Int) =
                switch status {
                case RefundStatus.succeeded.rawValue: (1, 1, 0)
                case RefundStatus.failed.rawValue: (0, 0, 1)
                default: (0, 0, 0)
                }
            var findings = Findings()
            findings.add(!row.flag(8), "its payment does not exist on this shard")
            findings.add(row.flag(8) && !row.flag(9), "merchant, currency or slot differs from its payment's")
            findings.add(entries != want.entries, "refund status \(status) with \(entries) refund_succeeded entries (want \(want.entries))")
            findings.add(
                entries == 1 && want.entries == 1 && !row.flag(10),
                "its refund_succeeded entry puts \(row.text(5)) on \(AuditSQL.payable) (want \(row.text(3)))")
            findings.add(
                succeeded != want.succeeded, "refund status \(status) with \(succeeded) refund.succeeded events (want \(want.succeeded))")
            findings.add(failed != want.failed, "refund status \(status) with \(failed) refund.failed events (want \(want.failed))")
            return ([row.text(0), row.text(1)], findings.reason)
        })
}
