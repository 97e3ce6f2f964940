-- The tamper-evident audit log (README "Audit log"): every admin action and the security events
-- the pool counts, one row each, appended and never changed. Each row carries the SHA-256 of its
-- predecessor's record (prev_hash; 64 zeros for the first) and of its own canonical form
-- (record_hash; the form is AuditRecord.canonicalBytes in Sources/PaygateCore/Audit), so a row
-- changed, removed or inserted breaks the chain (`paygate-admin audit verify`). Appends take the
-- head with SELECT ... FOR UPDATE and the next sequence; the primary key refuses a second row at
-- one place, so the chain never forks. The application account may only INSERT and SELECT here.
CREATE TABLE IF NOT EXISTS audit_log (
    sequence        BIGINT UNSIGNED NOT NULL PRIMARY KEY,   -- 1, 2, 3 ...: the row's place
    recorded_at     DATETIME(3)     NOT NULL,               -- UTC
    actor           VARCHAR(128)    NOT NULL,               -- who: an operator, or "paygate"
    action          VARCHAR(64)     NOT NULL,               -- merchant.create, security.auth_failures ...
    target          VARCHAR(255)    NOT NULL,               -- merchant:mch_..., ip:..., event:evt_...
    outcome         VARCHAR(16)     NOT NULL,               -- success | failure | refused
    origin_host     VARCHAR(128)    NOT NULL,
    origin_user     VARCHAR(128)    NOT NULL,               -- the operating-system user
    origin_process  VARCHAR(128)    NOT NULL,               -- program[pid]
    details         TEXT            NOT NULL,               -- a JSON object, never a secret
    prev_hash       CHAR(64)        NOT NULL,
    record_hash     CHAR(64)        NOT NULL,
    KEY by_actor (actor, sequence),
    KEY by_action (action, sequence),
    KEY by_time (recorded_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
