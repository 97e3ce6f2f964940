-- Reconciliation against the channels' statements (README "Reconciliation"). One row per
-- statement line, and per payment or refund that succeeded here on the day with no line naming
-- it, on the shard of the payment it concerns; a line naming nothing of ours lives on the first
-- shard. A rerun of a day writes the same rows again (the primary key),
-- never new ones, and keeps what an admin wrote (state, note).
CREATE TABLE recon_items (
    item_id          CHAR(36)     NOT NULL,                -- rci_ + 32 hex, carrying the slot
    channel          VARCHAR(16)  NOT NULL,
    statement_day    DATE         NOT NULL,                -- the statement's day, China time
    kind             VARCHAR(8)   NOT NULL,                -- payment | refund
    reference        VARCHAR(64)  NOT NULL,                -- the order (refund) number at the channel
    payment_id       CHAR(36)     NULL,
    refund_id        CHAR(36)     NULL,
    slot             SMALLINT UNSIGNED NOT NULL,
    class            VARCHAR(24)  NOT NULL,                -- ReconClass
    state            VARCHAR(12)  NOT NULL,                -- none | open | settled | resolved
    currency         CHAR(3)      NOT NULL,
    statement_amount DECIMAL(20,2) NULL,
    statement_fee    DECIMAL(20,2) NULL,
    statement_status VARCHAR(16)  NULL,
    local_amount     DECIMAL(20,2) NULL,
    local_fee        DECIMAL(20,2) NULL,
    local_status     VARCHAR(24)  NULL,
    channel_txn_id   VARCHAR(64)  NULL,
    note             VARCHAR(512) NULL,
    resolved_by      VARCHAR(64)  NULL,
    created_at       DATETIME(3)  NOT NULL,
    updated_at       DATETIME(3)  NOT NULL,
    PRIMARY KEY (channel, statement_day, kind, reference),
    UNIQUE KEY by_id (item_id),
    KEY by_payment (payment_id),
    KEY by_refund (refund_id),
    KEY by_state (state, statement_day),
    KEY by_slot (slot)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A day's payments and refunds of one channel, for the records no statement line names.
ALTER TABLE payments ADD KEY by_channel_paid (channel, paid_at);
ALTER TABLE refunds ADD KEY by_channel_succeeded (channel, succeeded_at);
