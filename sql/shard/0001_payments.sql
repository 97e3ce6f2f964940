-- Applied identically to every shard database. Every row carries its virtual slot so that a
-- slot can be copied to another shard with `WHERE slot = ?` (README "Adding a shard").
CREATE TABLE payments (
    payment_id        CHAR(36)      NOT NULL PRIMARY KEY,
    slot              SMALLINT UNSIGNED NOT NULL,
    merchant_id       VARCHAR(40)   NOT NULL,
    merchant_order_no VARCHAR(64)   NOT NULL,
    amount            DECIMAL(20,2) NOT NULL,
    currency          CHAR(3)       NOT NULL,
    channel           VARCHAR(16)   NOT NULL,
    status            VARCHAR(24)   NOT NULL,
    refunded_amount   DECIMAL(20,2) NOT NULL DEFAULT 0,
    subject           VARCHAR(512)  NOT NULL,
    notify_url        VARCHAR(512)  NOT NULL,
    metadata          TEXT          NOT NULL,           -- JSON object of strings
    payer             TEXT          NULL,               -- JSON object (ip, device_id, user_id)
    channel_payload   TEXT          NOT NULL,           -- JSON object
    channel_txn_id    VARCHAR(64)   NULL,
    failure_code      VARCHAR(64)   NULL,
    version           INT UNSIGNED  NOT NULL DEFAULT 1, -- bumped by every compare-and-set
    created_at        DATETIME(3)   NOT NULL,
    updated_at        DATETIME(3)   NOT NULL,
    paid_at           DATETIME(3)   NULL,
    expires_at        DATETIME(3)   NOT NULL,
    UNIQUE KEY merchant_order (merchant_id, merchant_order_no),
    KEY merchant_listing (merchant_id, payment_id),
    KEY by_slot (slot),
    KEY by_status_expiry (status, expires_at),
    CONSTRAINT amount_positive CHECK (amount > 0),
    CONSTRAINT refunded_in_range CHECK (refunded_amount >= 0 AND refunded_amount <= amount)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Append-only: one row per status a payment enters, written in the same transaction.
CREATE TABLE payment_status_history (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    payment_id   CHAR(36)    NOT NULL,
    slot         SMALLINT UNSIGNED NOT NULL,
    from_status  VARCHAR(24) NULL,
    to_status    VARCHAR(24) NOT NULL,
    reason       VARCHAR(64) NOT NULL,
    request_id   VARCHAR(64) NULL,
    created_at   DATETIME(3) NOT NULL,
    KEY by_payment (payment_id, id),
    KEY by_slot (slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Anti-replay: a POST's (merchant, nonce, signature) is inserted in the same transaction as its
-- effect, on the shard of that effect, so a replay finds it and a rejected request leaves none.
-- Rows older than the auth window are purged.
CREATE TABLE request_nonces (
    merchant_id  VARCHAR(40) NOT NULL,
    nonce        VARCHAR(64) NOT NULL,
    signature    VARCHAR(64) NOT NULL,
    slot         SMALLINT UNSIGNED NOT NULL,  -- the slot of the effect: moves with its slot
    created_at   DATETIME(3) NOT NULL,
    PRIMARY KEY (merchant_id, nonce, signature),
    KEY by_age (created_at),
    KEY by_slot (slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Idempotency-Key records, on the shard of the key's own slot (hash of merchant and key).
CREATE TABLE idempotency_keys (
    merchant_id     VARCHAR(40)  NOT NULL,
    idempotency_key VARCHAR(255) NOT NULL,
    slot            SMALLINT UNSIGNED NOT NULL,
    request_hash    CHAR(64)     NOT NULL,   -- SHA-256 of method, path and body
    state           VARCHAR(16)  NOT NULL,   -- in_progress | done
    response_status SMALLINT     NULL,
    response_body   MEDIUMTEXT   NULL,
    locked_until    DATETIME(3)  NOT NULL,   -- an in_progress record past this may be taken over
    lease_token     CHAR(32)     NOT NULL,   -- who holds it: only the holder completes or releases it
    created_at      DATETIME(3)  NOT NULL,
    expires_at      DATETIME(3)  NOT NULL,
    PRIMARY KEY (merchant_id, idempotency_key),
    KEY by_expiry (expires_at),
    KEY by_slot (slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
