-- The global directory: small, read-mostly, cached by every worker. Lives on one server
-- (`database.directory` in the configuration); payments never touch it inside a transaction.
CREATE TABLE merchants (
    merchant_id         VARCHAR(40)  NOT NULL PRIMARY KEY,
    name                VARCHAR(128) NOT NULL,
    status              VARCHAR(16)  NOT NULL DEFAULT 'active',   -- active | disabled
    -- AES-256-GCM under the master key kept outside the database (var/secrets/master.key).
    -- The server needs the plain secret to check an HMAC, so it is encrypted, not hashed.
    secret_sealed       VARCHAR(512) NOT NULL,    -- hex of version|nonce|ciphertext|tag
    webhook_secret_sealed VARCHAR(512) NOT NULL,
    created_at          DATETIME(3)  NOT NULL,
    updated_at          DATETIME(3)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE settings (
    name       VARCHAR(64)  NOT NULL PRIMARY KEY,
    value      VARCHAR(1024) NOT NULL,
    updated_at DATETIME(3)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
