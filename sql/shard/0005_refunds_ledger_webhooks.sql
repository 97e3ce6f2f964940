-- Refunds, the double-entry ledger, and the webhook dispatcher's bookkeeping.
-- Everything here lives on the payment's shard and carries the payment's slot, so a refund, its
-- journal entries and its events move with the payment (README "Adding a shard") and every
-- change is one local transaction with the payment row locked first.

-- docs/API.md section 6. `refund_id` has the payment id's shape ("ref_" + 12 hex ms + 4 hex slot +
-- 16 hex random), so a channel's refund callback, which names only the refund, finds its shard.
CREATE TABLE refunds (
    refund_id          CHAR(36)      NOT NULL PRIMARY KEY,
    payment_id         CHAR(36)      NOT NULL,
    slot               SMALLINT UNSIGNED NOT NULL,
    merchant_id        VARCHAR(40)   NOT NULL,
    merchant_refund_no VARCHAR(64)   NOT NULL,
    amount             DECIMAL(20,2) NOT NULL,
    currency           CHAR(3)       NOT NULL,
    channel            VARCHAR(16)   NOT NULL,
    status             VARCHAR(16)   NOT NULL,               -- processing | succeeded | failed
    -- What the channel has said so far: `pending` until it acknowledges the refund request (a
    -- timeout leaves it pending and the worker sends the same refund again), then `accepted`
    -- (the worker asks for the result). The merchant sees only `status`.
    channel_state      VARCHAR(16)   NOT NULL DEFAULT 'pending',
    reason             VARCHAR(256)  NULL,
    channel_refund_id  VARCHAR(64)   NULL,
    failure_code       VARCHAR(64)   NULL,
    version            INT UNSIGNED  NOT NULL DEFAULT 1,
    check_after        DATETIME(3)   NOT NULL,               -- when the worker next asks the channel
    created_at         DATETIME(3)   NOT NULL,
    updated_at         DATETIME(3)   NOT NULL,
    succeeded_at       DATETIME(3)   NULL,
    UNIQUE KEY merchant_refund (payment_id, merchant_refund_no),
    KEY worker_due (status, check_after),
    KEY by_slot (slot),
    CONSTRAINT refund_amount_positive CHECK (amount > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Append-only, like payment_status_history: one row per status a refund enters.
CREATE TABLE refund_status_history (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    refund_id    CHAR(36)    NOT NULL,
    slot         SMALLINT UNSIGNED NOT NULL,
    from_status  VARCHAR(16) NULL,
    to_status    VARCHAR(16) NOT NULL,
    reason       VARCHAR(64) NOT NULL,
    request_id   VARCHAR(64) NULL,
    created_at   DATETIME(3) NOT NULL,
    KEY by_refund (refund_id, id),
    KEY by_slot (slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The double-entry journal. One entry per money movement, written in the same transaction as the
-- status change that causes it; its lines sum to zero (debits positive, credits negative), which
-- `LedgerEntry` enforces before writing and `paygate-admin check` verifies with
--   SELECT entry_id FROM journal_lines GROUP BY entry_id HAVING SUM(amount) <> 0
-- Accounts: `channel_clearing:<channel>` (money the channel holds for us), `channel_fees:<channel>`
-- (what it keeps), `merchant_payable` (what we owe the merchant, per merchant_id).
CREATE TABLE journal_entries (
    entry_id     CHAR(36)     NOT NULL PRIMARY KEY,          -- jnl_ + 32 hex
    slot         SMALLINT UNSIGNED NOT NULL,
    merchant_id  VARCHAR(40)  NOT NULL,
    payment_id   CHAR(36)     NOT NULL,
    refund_id    CHAR(36)     NOT NULL DEFAULT '',           -- '' for a payment's own posting
    kind         VARCHAR(32)  NOT NULL,                      -- payment_succeeded | refund_succeeded
    currency     CHAR(3)      NOT NULL,
    created_at   DATETIME(3)  NOT NULL,
    -- At most one posting per cause, whatever retries or duplicate callbacks happen upstream.
    UNIQUE KEY once (payment_id, kind, refund_id),
    KEY by_merchant (merchant_id),
    KEY by_slot (slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE journal_lines (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    entry_id     CHAR(36)     NOT NULL,
    slot         SMALLINT UNSIGNED NOT NULL,
    merchant_id  VARCHAR(40)  NOT NULL,
    account      VARCHAR(64)  NOT NULL,
    amount       DECIMAL(20,2) NOT NULL,                     -- debit > 0, credit < 0
    currency     CHAR(3)      NOT NULL,
    KEY by_entry (entry_id),
    KEY by_account (merchant_id, account, currency),
    KEY by_slot (slot),
    CONSTRAINT line_not_zero CHECK (amount <> 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The outbox now carries refund events too (several per payment: one per refund and type), and a
-- per-shard sequence that orders a payment's events: the dispatcher does not send an event while
-- an earlier event of the same payment is still pending (all of a payment's events are on its
-- shard, and they are written under its row lock, so `seq` is their causal order).
ALTER TABLE payment_events
    ADD COLUMN seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    ADD UNIQUE KEY by_seq (seq),
    ADD COLUMN refund_id CHAR(36) NOT NULL DEFAULT '',
    ADD COLUMN last_attempt_at DATETIME(3) NULL,
    ADD COLUMN delivered_at DATETIME(3) NULL,
    DROP KEY one_per_type,
    ADD UNIQUE KEY one_per_subject (payment_id, type, refund_id),
    ADD KEY payment_order (payment_id, state, seq);

-- Every delivery attempt of a webhook, for admins (`paygate-admin events show`) and merchants'
-- support questions: when, what the receiver answered, how long it took, what went wrong.
CREATE TABLE webhook_attempts (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id     CHAR(36)     NOT NULL,
    slot         SMALLINT UNSIGNED NOT NULL,
    attempt      INT UNSIGNED NOT NULL,                      -- 1 for the first try
    attempted_at DATETIME(3)  NOT NULL,
    http_status  SMALLINT     NULL,                          -- NULL when no answer came
    latency_ms   INT UNSIGNED NOT NULL,
    error        VARCHAR(255) NULL,
    KEY by_event (event_id, id),
    KEY by_slot (slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
