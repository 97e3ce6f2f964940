-- The risk lists the rules name as @list (README "Risk"), managed with `paygate-admin risk list
-- add|remove|show` (each an audited admin action). Every pool process keeps a copy and reads
-- `risk_lists_version` every `risk.lists_refresh_seconds`; a change bumps it in the same
-- transaction, so the copy is read again only when something changed.
CREATE TABLE risk_list_entries (
    list_name   VARCHAR(63)  NOT NULL,
    value       VARCHAR(128) NOT NULL,
    added_by    VARCHAR(64)  NOT NULL,
    added_at    DATETIME(3)  NOT NULL,
    PRIMARY KEY (list_name, value)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE risk_lists_version (
    id          TINYINT UNSIGNED NOT NULL,
    version     BIGINT UNSIGNED  NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO risk_lists_version (id, version) VALUES (1, 0);
