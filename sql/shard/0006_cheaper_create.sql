-- A timeout worker that reads only the rows that are due, and a status step in one round trip.
-- (A create's own insert, which also writes check_after, is sql/shard/0007's create_payment.)
--
-- `check_after` becomes the one due time of an open payment, written with every change that
-- sets it: a new payment (still `created`) is due at its expiry; the prepay that makes it
-- `processing` sets its first active query (the worker's query schedule); each query sets the
-- next. The worker's claim then reads `WHERE status IN (...) AND check_after <= now` on the
-- index (status, check_after) and touches only due rows, however many orders are open.
-- Rows written before this migration keep their old check_after: due once, then rescheduled.
--
-- (status, expires_at) served no query (the worker reads check_after, listings read
-- merchant_listing): one index less to update on every insert and status change.
ALTER TABLE payments DROP KEY by_status_expiry;

DELIMITER //
-- One status step decided by PaymentLifecycle on a snapshot the caller holds (a payment it has
-- just created, say), written with a compare-and-set on the snapshot's version together with its
-- history row, in one round trip. Only for decisions that write nothing else (no merchant event,
-- no posting, no anomaly); the caller checks that. Answers one row:
--   outcome = 'applied'   the row was at p_version: status, payload, failure code and check_after
--                         written, version + 1, history row inserted, committed
--   outcome = 'moved'     the row is no longer at p_version (or gone): nothing written; the
--                         caller applies the event the long way (lock, read, decide)
CREATE PROCEDURE payment_step(
    IN p_payment_id CHAR(36), IN p_slot SMALLINT UNSIGNED, IN p_version INT UNSIGNED,
    IN p_from VARCHAR(24), IN p_to VARCHAR(24), IN p_channel_payload TEXT, IN p_failure_code VARCHAR(64),
    IN p_check_after DATETIME(3), IN p_now DATETIME(3), IN p_reason VARCHAR(64), IN p_request_id VARCHAR(64))
BEGIN
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    START TRANSACTION;
    UPDATE payments SET status = p_to, channel_payload = p_channel_payload,
           failure_code = COALESCE(p_failure_code, failure_code), check_after = p_check_after,
           version = version + 1, updated_at = p_now
     WHERE payment_id = p_payment_id AND version = p_version AND status = p_from;
    IF ROW_COUNT() = 1 THEN
        INSERT INTO payment_status_history (payment_id, slot, from_status, to_status, reason, request_id, created_at)
            VALUES (p_payment_id, p_slot, p_from, p_to, p_reason, p_request_id, p_now);
        COMMIT;
        SELECT 'applied' AS outcome;
    ELSE
        ROLLBACK;
        SELECT 'moved' AS outcome;
    END IF;
END //
DELIMITER ;
