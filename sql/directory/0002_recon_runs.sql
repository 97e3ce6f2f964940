-- One row per channel and statement day reconciled (README "Reconciliation"): what the statement
-- file was, what both sides add up to, and how the run ended. The items themselves are on the
-- shards (recon_items). A rerun updates this row.
CREATE TABLE recon_runs (
    channel             VARCHAR(16)   NOT NULL,
    statement_day       DATE          NOT NULL,
    status              VARCHAR(12)   NOT NULL,          -- running | done | failed
    runs                INT UNSIGNED  NOT NULL DEFAULT 1,
    file_path           VARCHAR(512)  NULL,              -- the raw file as downloaded, kept
    file_sha256         CHAR(64)      NULL,
    currency            CHAR(3)       NOT NULL,
    statement_payments  INT UNSIGNED  NOT NULL DEFAULT 0,
    statement_paid      DECIMAL(20,2) NOT NULL DEFAULT 0,
    statement_refunds   INT UNSIGNED  NOT NULL DEFAULT 0,
    statement_refunded  DECIMAL(20,2) NOT NULL DEFAULT 0,
    statement_fees      DECIMAL(20,2) NOT NULL DEFAULT 0,
    local_payments      INT UNSIGNED  NOT NULL DEFAULT 0,
    local_paid          DECIMAL(20,2) NOT NULL DEFAULT 0,
    local_refunds       INT UNSIGNED  NOT NULL DEFAULT 0,
    local_refunded      DECIMAL(20,2) NOT NULL DEFAULT 0,
    local_fees          DECIMAL(20,2) NOT NULL DEFAULT 0,
    matched             INT UNSIGNED  NOT NULL DEFAULT 0,
    differences         INT UNSIGNED  NOT NULL DEFAULT 0,
    awaiting            INT UNSIGNED  NOT NULL DEFAULT 0,
    error               VARCHAR(512)  NULL,
    started_at          DATETIME(3)   NOT NULL,
    finished_at         DATETIME(3)   NULL,
    PRIMARY KEY (channel, statement_day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
