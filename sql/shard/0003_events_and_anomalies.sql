-- The outbox of merchant notifications (docs/API.md section 8) and the anomalies channels report.
-- Both are written in the same local transaction as the status change that causes them, on the
-- payment's shard, so no state change can lose its event and no event exists without its change.

CREATE TABLE payment_events (
    event_id         CHAR(36)     NOT NULL PRIMARY KEY,   -- evt_ + 32 hex
    payment_id       CHAR(36)     NOT NULL,
    slot             SMALLINT UNSIGNED NOT NULL,
    merchant_id      VARCHAR(40)  NOT NULL,
    type             VARCHAR(32)  NOT NULL,               -- payment.succeeded | payment.failed | payment.closed
    data             MEDIUMTEXT   NOT NULL,               -- the payment object as of the change
    state            VARCHAR(16)  NOT NULL DEFAULT 'pending',  -- pending | delivered | dead
    attempts         INT UNSIGNED NOT NULL DEFAULT 0,
    next_attempt_at  DATETIME(3)  NOT NULL,
    created_at       DATETIME(3)  NOT NULL,
    -- At most one event of each type per payment, whatever retries or races happen upstream.
    UNIQUE KEY one_per_type (payment_id, type),
    KEY due (state, next_attempt_at),
    KEY by_slot (slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE payment_anomalies (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    payment_id       CHAR(36)     NOT NULL,
    slot             SMALLINT UNSIGNED NOT NULL,
    kind             VARCHAR(40)  NOT NULL,
    transaction_id   VARCHAR(64)  NOT NULL DEFAULT '',    -- '' when the report carried none
    reported_amount  DECIMAL(20,2) NULL,
    reported_currency CHAR(3)     NULL,
    request_id       VARCHAR(64)  NULL,
    created_at       DATETIME(3)  NOT NULL,
    -- Money taken for an order we closed or failed is refunded automatically: the refund's state
    -- (pending -> processing -> succeeded | failed), its fixed id (a retry sends the same one,
    -- so the channel refunds once) and when it was last tried. NULL for other kinds.
    refund_state     VARCHAR(16)  NULL,
    refund_id        VARCHAR(32)  NULL,
    refund_amount    DECIMAL(20,2) NULL,
    refund_tried_at  DATETIME(3)  NULL,
    -- A repeated report (a duplicate callback) records nothing new.
    UNIQUE KEY once (payment_id, kind, transaction_id),
    KEY refunds_due (refund_state, refund_tried_at),
    KEY by_slot (slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
