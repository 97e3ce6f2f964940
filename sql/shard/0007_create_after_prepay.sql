-- A create in one transaction: the channel's prepay is asked first, with nothing written, and the
-- payment is inserted already `processing` (its pay URL, its first query time) together with the
-- nonce and a history row for each step (created, then processing), in one round trip. A prepay
-- that fails writes nothing, as docs/API.md section 3 says of every error.
--
-- As 0006's create_payment, plus p_step_reason: when p_status is not 'created', the row is written
-- in p_status and the history gets the 'created' row and then (created -> p_status, p_step_reason).
-- Same outcomes: 'created' | 'existing' (+ the existing row) | 'conflict' | 'nonce_reused' |
-- 'id_collision'.
DROP PROCEDURE IF EXISTS create_payment;

DELIMITER //
CREATE PROCEDURE create_payment(
    IN p_payment_id CHAR(36), IN p_slot SMALLINT UNSIGNED, IN p_merchant_id VARCHAR(40),
    IN p_merchant_order_no VARCHAR(64), IN p_amount DECIMAL(20,2), IN p_currency CHAR(3),
    IN p_channel VARCHAR(16), IN p_status VARCHAR(24), IN p_subject VARCHAR(512),
    IN p_notify_url VARCHAR(512), IN p_metadata TEXT, IN p_payer TEXT, IN p_channel_payload TEXT,
    IN p_created_at DATETIME(3), IN p_expires_at DATETIME(3), IN p_check_after DATETIME(3),
    IN p_nonce VARCHAR(64), IN p_signature VARCHAR(64), IN p_request_id VARCHAR(64),
    IN p_step_reason VARCHAR(64))
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
        VALUES (p_payment_id, p_slot, NULL, 'created', 'created', p_request_id, p_created_at);
    IF p_status <> 'created' THEN
        INSERT INTO payment_status_history (payment_id, slot, from_status, to_status, reason, request_id, created_at)
            VALUES (p_payment_id, p_slot, 'created', p_status, p_step_reason, p_request_id, p_created_at);
    END IF;
    COMMIT;
    SELECT 'created' AS outcome;
END //
DELIMITER ;
