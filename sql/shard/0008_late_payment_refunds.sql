-- One refund path: money a channel took for an order already closed or failed is given back by an
-- ordinary refund row (refunds.origin = 'late_payment'), driven by the same lifecycle as a
-- merchant's refund, with its history, its journal entries (late_payment_received when the money
-- is reported, late_payment_returned when the refund succeeds: docs/API.md section 6) and its
-- refund.* events. Before, such a refund lived in payment_anomalies (refund_state, refund_id,
-- refund_amount, refund_tried_at), outside the ledger; those columns stay for the history of
-- refunds made that way and are no longer written.
--
-- An earlier version's late refund still in flight (pending or processing) cannot be moved here:
-- the channel knows it by its old number, and a new refund would pay the payer twice. Let that
-- version's worker finish them first; this migration refuses to run until then.
DROP PROCEDURE IF EXISTS refuse_inflight_late_refunds;

DELIMITER //
CREATE PROCEDURE refuse_inflight_late_refunds()
BEGIN
    IF EXISTS (SELECT 1 FROM payment_anomalies WHERE refund_state IN ('pending', 'processing')) THEN
        SIGNAL SQLSTATE '45000'
            SET MESSAGE_TEXT = 'late refunds of an earlier version are still in flight: let its worker finish them first';
    END IF;
END //
DELIMITER ;

CALL refuse_inflight_late_refunds();
DROP PROCEDURE refuse_inflight_late_refunds;

ALTER TABLE refunds
    ADD COLUMN origin VARCHAR(16) NOT NULL DEFAULT 'merchant' AFTER merchant_refund_no,
    -- The channel transaction a late payment's refund gives back (the payment has none).
    ADD COLUMN source_txn_id VARCHAR(64) NULL AFTER origin;
