import PaygateCore

extension InvariantCheck {
    /// A late payment's refund (origin `late_payment`) belongs to a payment that was closed or
    /// failed when the money came, answers a `paid_after_*` anomaly of the same transaction, has
    /// the one `late_payment_received` entry that says what the payer is owed, and, once
    /// succeeded, the one `late_payment_returned` entry that pays it back; its events are those of
    /// any refund of its status. The payment itself never changes for it. Its currency is the one
    /// the payer paid in, which may not be the order's.
    static let lateRefunds = InvariantCheck(
        name: "late_refunds",
        rule:
            "a late payment's refund answers its anomaly on a closed or failed payment, has one late_payment_received entry and, succeeded, one late_payment_returned entry for its amount, and the events of its status",
        tables: [.refunds],
        queries: [
            ViolationQuery(
                sql: """
                    SELECT f.payment_id, f.refund_id, f.status, f.amount, COALESCE(p.status, '') AS payment_status,
                           COALESCE(rcv.entries, 0) AS received_entries, COALESCE(ret.entries, 0) AS returned_entries,
                           COALESCE(v.succeeded, 0) AS succeeded_events, COALESCE(v.failed, 0) AS failed_events,
                           p.payment_id IS NOT NULL AS payment_ok,
                           COALESCE(p.merchant_id = f.merchant_id AND p.slot = f.slot, 0) AS owner_ok,
                           COALESCE(p.status IN ('\(PaymentStatus.closed.rawValue)', '\(PaymentStatus.failed.rawValue)'), 0) AS unpaid_ok,
                           a.payment_id IS NOT NULL AS anomaly_ok,
                           COALESCE(rcv.due = -f.amount, 0) AS received_ok, COALESCE(ret.due = f.amount, 0) AS returned_ok
                      FROM refunds f
                      LEFT JOIN payments p ON p.payment_id = f.payment_id
                      LEFT JOIN (SELECT DISTINCT payment_id, transaction_id FROM payment_anomalies
                                  WHERE kind IN (\(AuditSQL.list(PaymentAnomalyKind.allCases.filter(\.refundsPayer).map(\.rawValue))))) a
                             ON a.payment_id = f.payment_id AND a.transaction_id = f.source_txn_id
                      LEFT JOIN (\(entries(of: .latePaymentReceived))) rcv ON rcv.refund_id = f.refund_id
                      LEFT JOIN (\(entries(of: .latePaymentReturned))) ret ON ret.refund_id = f.refund_id
                      LEFT JOIN (SELECT refund_id,
                                        SUM(type = '\(MerchantEventType.refundSucceeded.rawValue)') AS succeeded,
                                        SUM(type = '\(MerchantEventType.refundFailed.rawValue)') AS failed
                                   FROM payment_events WHERE refund_id <> '' GROUP BY refund_id) v ON v.refund_id = f.refund_id
                     WHERE f.origin = '\(RefundOrigin.latePayment.rawValue)' AND (p.payment_id IS NULL
                        OR COALESCE(p.merchant_id = f.merchant_id AND p.slot = f.slot, 0) = 0
                        OR COALESCE(p.status IN ('\(PaymentStatus.closed.rawValue)', '\(PaymentStatus.failed.rawValue)'), 0) = 0
                        OR a.payment_id IS NULL
                        OR COALESCE(rcv.entries, 0) <> 1 OR COALESCE(rcv.due = -f.amount, 0) = 0
                        OR CASE f.status
                             WHEN '\(RefundStatus.succeeded.rawValue)' THEN
                                  COALESCE(ret.entries, 0) <> 1 OR COALESCE(ret.due = f.amount, 0) = 0
                                  OR COALESCE(v.succeeded, 0) <> 1 OR COALESCE(v.failed, 0) <> 0
                             WHEN '\(RefundStatus.failed.rawValue)' THEN
                                  COALESCE(ret.entries, 0) <> 0 OR COALESCE(v.succeeded, 0) <> 0 OR COALESCE(v.failed, 0) <> 1
                             ELSE COALESCE(ret.entries, 0) <> 0 OR COALESCE(v.succeeded, 0) <> 0 OR COALESCE(v.failed, 0) <> 0
                           END)
                    """,
                explain: { row in
                    let status = row.text(2)
                    let received = row.count(5)
                    let returned = row.count(6)
                    let succeeded = row.count(7)
                    let failed = row.count(8)
                    let want: (returned: Int, succeeded: Int, failed: Int) =
                        switch status {
                        case RefundStatus.succeeded.rawValue: (1, 1, 0)
                        case RefundStatus.failed.rawValue: (0, 0, 1)
                        default: (0, 0, 0)
                        }
                    var findings = Findings()
                    findings.add(!row.flag(9), "its payment does not exist on this shard")
                    findings.add(row.flag(9) && !row.flag(10), "merchant or slot differs from its payment's")
                    findings.add(row.flag(9) && !row.flag(11), "its payment is \(row.text(4)), not closed or failed")
                    findings.add(!row.flag(12), "no paid_after_close or paid_after_failure anomaly names its transaction")
                    findings.add(received != 1, "\(received) late_payment_received entries (want 1)")
                    findings.add(received == 1 && !row.flag(13), "its late_payment_received entry does not owe the payer \(row.text(3))")
                    findings.add(
                        returned != want.returned,
                        "refund status \(status) with \(returned) late_payment_returned entries (want \(want.returned))")
                    findings.add(
                        returned == 1 && want.returned == 1 && !row.flag(14),
                        "its late_payment_returned entry does not return \(row.text(3))")
                    findings.add(
                        succeeded != want.succeeded,
                        "refund status \(status) with \(succeeded) refund.succeeded events (want \(want.succeeded))")
                    findings.add(failed != want.failed, "refund status \(status) with \(failed) refund.failed events (want \(want.failed))")
                    return ([row.text(0), row.text(1)], findings.reason)
                })
        ])

    /// Entries of one kind per refund, with what they put on `late_payments_due`.
    private static func entries(of kind: LedgerEntryKind) -> String {
        """
        SELECT e.refund_id, COUNT(DISTINCT e.entry_id) AS entries,
               SUM(IF(l.account = '\(LedgerAccount.latePaymentsDue.name)', l.amount, 0)) AS due
          FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.entry_id
         WHERE e.kind = '\(kind.rawValue)' GROUP BY e.refund_id
        """
    }
}
