-- Risk (README "Risk"; docs/API.md section 5, the payment's `risk`): the decision taken before the
-- channel was asked is stored with the payment. NULL on payments made before risk, or with it off.
-- `risk_decision` is allow | review | approved | declined (an admin's decision on a review).
ALTER TABLE payments
    ADD COLUMN risk_score TINYINT UNSIGNED NULL,
    ADD COLUMN risk_decision VARCHAR(8) NULL,
    ADD COLUMN risk_rule VARCHAR(255) NULL;

-- A blocked create is answered 402 `risk_declined` and stored nowhere else: this is its record,
-- on the shard its payment would have had. Append-only (Grants.appendOnlyTables).
CREATE TABLE risk_blocks (
    block_id          CHAR(36)     NOT NULL,               -- rbk_ + 32 hex, carrying the slot
    slot              SMALLINT UNSIGNED NOT NULL,
    merchant_id       VARCHAR(40)  NOT NULL,
    merchant_order_no VARCHAR(64)  NOT NULL,
    amount            DECIMAL(20,2) NOT NULL,
    currency          CHAR(3)      NOT NULL,
    channel           VARCHAR(16)  NOT NULL,
    risk_score        TINYINT UNSIGNED NULL,
    risk_rule         VARCHAR(255) NULL,
    request_id        VARCHAR(64)  NULL,
    created_at        DATETIME(3)  NOT NULL,
    PRIMARY KEY (block_id),
    KEY by_merchant (merchant_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The create's procedure (as 0009), writing the risk columns and answering them on a duplicate,
-- under a new name: `create_payment` stays for binaries of the previous version, which keep
-- creating payments (without risk) while a rolling upgrade replaces them.
DROP PROCEDURE IF EXISTS create_payment_risk;

DELIMITER //
CREATE PROCEDURE create_payment_risk(
    IN p_payment_id CHAR(36), IN p_slot SMALLINT UNSIGNED, IN p_merchant_id VARCHAR(40),
    IN p_merchant_order_no VARCHAR(64), IN p_amount DECIMAL(20,2), IN p_currency CHAR(3),
    IN p_channel VARCHAR(16), IN p_status VARCHAR(24), IN p_subject VARCHAR(512),
    IN p_notify_url VARCHAR(512), IN p_metadata TEXT, IN p_payer TEXT, IN p_channel_payload TEXT,
    IN p_created_at DATETIME(3), IN p_expires_at DATETIME(3), IN p_check_after DATETIME(3),
    IN p_nonce VARCHAR(64), IN p_signature VARCHAR(64), IN p_request_id VARCHAR(64),
    IN p_step_reason VARCHAR(64), IN p_risk_score TINYINT UNSIGNED, IN p_risk_decision VARCHAR(8),
    IN p_risk_rule VARCHAR(255))
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
            created_at, updated_at, expires_at, check_after, risk_score, risk_decision, risk_rule)
        VALUES (p_payment_id, p_slot, p_merchant_id, p_merchant_order_no, p_amount, p_currency, p_channel,
            p_status, 0, p_subject, p_notify_url, p_metadata, p_payer, p_channel_payload, 1,
            p_created_at, p_created_at, p_expires_at, p_check_after, p_risk_score, p_risk_decision, p_risk_rule);
    IF v_duplicate = 1 THEN
        -- A locking read sees the committed winner of a concurrent identical create. Whether it is
        -- the same order or a conflict is decided in Swift (PaymentTerms), on the row answered
        -- here; nothing of this request is kept (the nonce of a repeat is recorded apart).
        IF EXISTS (SELECT 1 FROM payments WHERE merchant_id = p_merchant_id
                   AND merchant_order_no = p_merchant_order_no LOCK IN SHARE MODE) THEN
            ROLLBACK;
            SELECT 'duplicate' AS outcome, payment_id, merchant_id, merchant_order_no, amount, currency,
                   channel, status, refunded_amount, subject, notify_url, metadata, payer, channel_payload,
                   channel_txn_id, failure_code, version, created_at, paid_at, expires_at,
                   risk_score, risk_decision, risk_rule
              FROM payments WHERE merchant_id = p_merchant_id AND merchant_order_no = p_merchant_order_no;
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
