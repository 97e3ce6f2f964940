-- Merchant API and webhook secrets rotate with an overlap (`paygate-admin merchant
-- rotate-secret`, docs/API.md sections 2 and 8): the secret replaced keeps working, sealed as
-- before, until its expiry. NULL: no rotation in progress.
ALTER TABLE merchants
    ADD COLUMN previous_secret_sealed VARCHAR(512) NULL,
    ADD COLUMN previous_secret_expires_at DATETIME(3) NULL,
    ADD COLUMN previous_webhook_secret_sealed VARCHAR(512) NULL,
    ADD COLUMN previous_webhook_secret_expires_at DATETIME(3) NULL;
