-- Claims of the timeout worker (paygate-worker). A worker takes a bounded batch
-- of due payments with SELECT ... FOR UPDATE SKIP LOCKED and, in the same short transaction,
-- pushes their check_after past a lease: another worker (on this host or another) skips the rows
-- while the claiming transaction holds them and does not find them due afterwards, so no payment
-- is handled by two workers at once. A worker that dies mid-batch leaves its claims to expire with
-- the lease; one that stops cleanly gives back what it did not reach. After handling a payment
-- that is still open, the worker sets check_after to the next time it should look again.
-- The epoch default makes every existing open payment due at once.
ALTER TABLE payments
    ADD COLUMN check_after DATETIME(3) NOT NULL DEFAULT '1970-01-01 00:00:00.000',
    ADD KEY worker_due (status, check_after);
