-- A create in two round trips, and a timeout worker that reads only the rows that are due.
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

DROP PROCEDURE IF EXISTS create_payment;

-- As 0002's create_payment, plus the new row's check_after. Same outcomes:
--   'created' | 'existing' (+ the existing row) | 'conflict' | 'nonce_reused' | 'id_collision'.
DELIMITER //
CREATE PROCEDURE create_payment(
    IN p_payment_id CHAR(36), IN p_slot SMALLINT UNSIGNED, IN p_merchant_id VARCHAR(40),
    IN p_merchant_order_no VARCHAR(64), IN p_amount DECIMAL(20,2), IN p_currency CHAR(3),
    IN p_channel VARCHAR(16), IN p_status VARCHAR(24), IN p_subject VARCHAR(512),
    IN p_notify_url VARCHAR(512), IN p_metadata TEXT, IN p_payer TEXT, IN p_channel_payload TEXT,
    IN p_created_at DATETIME(3), IN p_expires_at DATETIME(3), IN p_check_after DATETIME(3),
    IN p_nonce VARCHAR(64), IN p_signature VARCHAR(64), IN p_request_id VARCHAR(64))
body: BEGIN
    DECLARE v_duplicate TINYINT DEFAULT 0;
    DECLARE CONTINUE HANDLER FOR 1062 SET v_duplicate = 1;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;

    START TRANSACTION;
    IF p_nonce IS NOT NULL THEN
        INSERT INTO request_nonces (merchant_id, nonce, signature, slot, created_at)
            VALUES (p_merchant_id, p_nonce, p_signature, p_slot, p_created_at);
        IF v_duplicate = 1 THEN
            ROLLBACK;
            SELECT 'nonce_reused' AS outcome;
            LEAVE body;
        END IF;
    END IF;

    INSERT INTO payments (payment_id, slot, merchant_id, merchant_order_no, amount, currency, channel,
            status, refunded_amount, subject, notify_url, metadata, payer, channel_payload, version,
            created_at, updated_at, expires_at, check_after)
        VALUES (p_payment_id, p_slot, p_merchant_id, p_merchant_order_no, p_amount, p_currency, p_channel,
            p_status, 0, p_subject, p_notify_url, p_metadata, p_payer, p_channel_payload, 1,
            p_created_at, p_created_at, p_expires_at, p_check_after);
    IF v_duplicate = 1 THEN
        -- A locking read sees the committed winner of a concurrent identical create.
        IF EXISTS (SELECT 1 FROM payments WHERE merchant_id = p_merchant_id
                   AND merchant_order_no = p_merchant_order_no AND amount = p_amount
                   AND currency = p_currency AND channel = p_channel LOCK IN SHARE MODE) THEN
            COMMIT;
            SELECT 'existing' AS outcome, payment_id, merchant_id, merchant_order_no, amount, currency,
                   channel, status, refunded_amount, subject, notify_url, metadata, payer, channel_payload,
                   channel_txn_id, failure_code, version, created_at, paid_at, expires_at
              FROM payments WHERE merchant_id = p_merchant_id AND merchant_order_no = p_merchant_order_no;
        ELSEIF EXISTS (SELECT 1 FROM payments WHERE merchant_id = p_merchant_id
                       AND merchant_order_no = p_merchant_order_no LOCK IN SHARE MODE) THEN
            ROLLBACK;
            SELECT 'conflict' AS outcome;
        ELSE
            ROLLBACK;
            SELECT 'id_collision' AS outcome;
        END IF;
        LEAVE body;
    END IF;

    INSERT INTO payment_status_history (payment_id, slot, from_status, to_status, reason, request_id, created_at)
        VALUES (p_payment_id, p_slot, NULL, p_status, 'created', p_request_id, p_created_at);
    COMMIT;
    SELECT 'created' AS outcome;
END //

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
