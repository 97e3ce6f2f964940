"""End to end: the timeout worker (paygate-worker, started by the stack) queries
payments whose callback never came and closes expired ones, at the channel sandbox first. Payments
are made due by moving their own times into the past on their shard, so no test waits for the
worker's query delay; only the worker's poll (200 ms under scripts/e2e.sh) separates the steps."""
import os
import secrets
import signal
import subprocess
import time

import pytest

from paygate_support import NOTIFY_URL, new_order_no, payment_body, sql_string
from test_channels import create_processing, events_of, faults, pay, sandbox  # noqa: F401 (fixture)

# A bounded wait, never a speed check: the timeout worker handles one payment at a time, and one
# left by an earlier test may hold it in channel calls that end only at their 10 s timeout.
SETTLE_SECONDS_MAX = 60
POLL_PAUSE_SECONDS = 0.2
WORKER_STOP_SECONDS_MAX = 60
# More than one claim of the stack's worker holds (4 threads x a batch of 8), so two workers share them.
CONCURRENT_PAYMENTS = 40


def shard_of(slots, payment):
    return slots.shard_of_order(payment["merchant_id"], payment["merchant_order_no"])


def age(stack, slots, payments, column):
    """Moves `column` (expires_at or updated_at) of these payments an hour into the past, and makes
    them due now (check_after: the worker reads only due rows)."""
    by_shard = {}
    for payment in payments:
        by_shard.setdefault(shard_of(slots, payment), []).append(sql_string(payment["payment_id"]))
    for shard, ids in by_shard.items():
        stack.database.rows_on_shard(
            shard, f"UPDATE {{db}}.payments SET {column} = UTC_TIMESTAMP(3) - INTERVAL 1 HOUR, "
                   f"check_after = UTC_TIMESTAMP(3) "
                   f"WHERE payment_id IN ({', '.join(ids)})")


def wait_for_status(client, payment_ids, status):
    deadline = time.monotonic() + SETTLE_SECONDS_MAX
    while True:
        current = {pid: client.get(f"/v1/payments/{pid}").json() for pid in payment_ids}
        if all(p["status"] == status for p in current.values()) or time.monotonic() >= deadline:
            return current
        time.sleep(POLL_PAUSE_SECONDS)


def history_of(stack, slots, payment):
    return stack.database.rows_on_shard(
        shard_of(slots, payment),
        "SELECT to_status, reason FROM {db}.payment_status_history WHERE payment_id = "
        + sql_string(payment["payment_id"]) + " ORDER BY id")


def test_dropped_callback_is_resolved_by_query(stack, client, slots, faults):  # noqa: F811
    faults({"drop_callbacks": True})
    payment = create_processing(client, "alipay")
    pay(stack, payment)
    # No callback will come. Once the payment looks old enough, the worker asks the channel.
    age(stack, slots, [payment], "updated_at")
    settled = wait_for_status(client, [payment["payment_id"]], "succeeded")[payment["payment_id"]]
    assert settled["status"] == "succeeded", settled
    assert settled["channel_txn_id"] and settled["paid_at"], settled
    assert events_of(stack, slots, payment) == [["payment.succeeded"]]
    assert history_of(stack, slots, payment)[-1] == ["succeeded", "query"]


@pytest.mark.parametrize("channel", ["alipay", "wechatpay"])
def test_expired_payment_is_closed_at_the_channel_then_here(stack, client, slots, channel):
    payment = create_processing(client, channel)
    age(stack, slots, [payment], "expires_at")
    closed = wait_for_status(client, [payment["payment_id"]], "closed")[payment["payment_id"]]
    assert closed["status"] == "closed", closed
    assert events_of(stack, slots, payment) == [["payment.closed"]]
    assert history_of(stack, slots, payment)[-1] == ["closed", "expiry_close"]
    # Closed at the channel first: the payer can no longer pay it there.
    _, session = sandbox(stack)
    late = session.post(payment["channel_payload"]["pay_url"], data={"result": "success"}, timeout=10)
    assert late.status_code >= 400, late.text
    assert client.get(f"/v1/payments/{payment['payment_id']}").json()["status"] == "closed"


def plant_created_payment(stack, slots, client, channel):
    """A payment stored `created` with no prepay accepted: what an earlier version of the create
    left when the channel did not answer (a create now asks the channel before it writes, so it
    leaves none). The worker must still close such payments at their expiry."""
    order_no = new_order_no()
    slot = slots.payment_slot(client.merchant_id, order_no)
    shard = slots.shard_of_slot(slot)
    payment_id = f"pay_{int(time.time() * 1000):012x}{slot:04x}{secrets.token_hex(8)}"
    pid, merchant = sql_string(payment_id), sql_string(client.merchant_id)
    stack.database.rows_on_shard(
        shard,
        "INSERT INTO {db}.payments (payment_id, slot, merchant_id, merchant_order_no, amount, currency, channel, "
        "status, refunded_amount, subject, notify_url, metadata, payer, channel_payload, version, created_at, "
        "updated_at, expires_at, check_after) VALUES "
        f"({pid}, {slot}, {merchant}, {sql_string(order_no)}, 12.30, 'CNY', {sql_string(channel)}, 'created', 0, "
        f"'planted', {sql_string(NOTIFY_URL)}, '{{}}', NULL, '{{}}', 1, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), "
        "UTC_TIMESTAMP(3) + INTERVAL 15 MINUTE, UTC_TIMESTAMP(3) + INTERVAL 15 MINUTE); "
        "INSERT INTO {db}.payment_status_history (payment_id, slot, from_status, to_status, reason, created_at) "
        f"VALUES ({pid}, {slot}, NULL, 'created', 'created', UTC_TIMESTAMP(3))")
    return client.get(f"/v1/payments/{payment_id}").json()


def test_expired_created_payment_closes_without_the_channel(stack, client, slots, faults):  # noqa: F811
    # No payer ever saw a pay_url of a `created` payment: its expiry closes it here, and the
    # channel (which fails every call here) is not asked.
    payment = plant_created_payment(stack, slots, client, "wechatpay")
    assert payment["status"] == "created", payment
    faults({"channel": "wechatpay", "status_5xx": 503})
    age(stack, slots, [payment], "expires_at")
    closed = wait_for_status(client, [payment["payment_id"]], "closed")[payment["payment_id"]]
    assert closed["status"] == "closed", closed
    assert events_of(stack, slots, payment) == [["payment.closed"]]
    assert history_of(stack, slots, payment) == [["created", "created"], ["closed", "expiry"]]


def started_lines(log_path):
    """How many of a worker log's lines say a timeout-worker thread started (one per thread)."""
    if not os.path.exists(log_path):
        return 0
    with open(log_path, encoding="utf-8", errors="replace") as log:
        return sum(" started: batch " in line for line in log)


def test_two_workers_claim_disjointly(stack, client, slots):
    worker = os.path.join(os.path.dirname(stack.admin), "paygate-worker")
    log_path = os.path.join(stack.root, "log", "worker-second.log")
    payments = [create_processing(client, "alipay") for _ in range(CONCURRENT_PAYMENTS)]
    started_before = started_lines(log_path)
    with open(log_path, "ab") as log:
        second = subprocess.Popen([worker, "--config", stack.config_path, "--poll-interval-ms", "50", "--batch-size", "2",
                                   "--threads", "1"], stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        # Due only once the second worker polls: while it is still starting, the stack's worker
        # (4 threads, each claiming up to its batch on every shard in turn) can take all 40.
        deadline = time.monotonic() + SETTLE_SECONDS_MAX
        while started_lines(log_path) <= started_before:
            assert second.poll() is None, f"the second worker exited with {second.returncode}"
            assert time.monotonic() < deadline, "the second worker did not start"
            time.sleep(POLL_PAUSE_SECONDS)
        age(stack, slots, payments, "expires_at")
        ids = [p["payment_id"] for p in payments]
        current = wait_for_status(client, ids, "closed")
        assert all(p["status"] == "closed" for p in current.values()), current
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=WORKER_STOP_SECONDS_MAX) == 0
    # Claims are disjoint, not just the writes (a compare-and-set would hide a double handling):
    # across both workers' logs, each payment was handled by exactly one expiry action.
    handled = []
    ours = {p["payment_id"] for p in payments}
    for name in ("worker.log", "worker-second.log"):
        with open(os.path.join(stack.root, "log", name), encoding="utf-8") as log:
            by_this_worker = [line.split(" expire ", 1)[1].split(":", 1)[0] for line in log if " expire pay_" in line]
        # Both took part: the second (one thread) polls every 50 ms from the moment the payments
        # are due and takes 2 of a shard per claim, the stack's worker (4 threads) every 200 ms
        # and 8 per claim, so neither can have done all of them alone.
        assert ours & set(by_this_worker), f"{name} handled none of the {len(ours)} payments"
        handled += by_this_worker
    for payment in payments:
        assert handled.count(payment["payment_id"]) == 1, (payment["payment_id"], handled.count(payment["payment_id"]))
        closing = [row for row in history_of(stack, slots, payment) if row[0] == "closed"]
        assert closing == [["closed", "expiry_close"]], (payment["payment_id"], closing)
        assert events_of(stack, slots, payment) == [["payment.closed"]]


# The e2e stack's query schedule (scripts/e2e.sh PAYGATE_QUERY_SCHEDULE): six queries 20 s apart,
# counted from the create, then only the expiry close.
QUERY_STEP_SECONDS = 20
QUERY_STEPS = 6
UNTOUCHED_WATCH_SECONDS = 2.0
# A claim moves check_after to the end of the worker's lease (120 s ahead by default).
LEASE_WINDOW_SECONDS = (100, 130)


def due_times(stack, slots, payment):
    """(created_at, check_after, expires_at) as seconds since the epoch, read on the payment's shard."""
    row = stack.database.rows_on_shard(
        shard_of(slots, payment),
        "SELECT UNIX_TIMESTAMP(created_at), UNIX_TIMESTAMP(check_after), UNIX_TIMESTAMP(expires_at) "
        "FROM {db}.payments WHERE payment_id = " + sql_string(payment["payment_id"]))[0]
    return tuple(float(value) for value in row)


def worker_lines_about(stack, payment):
    with open(os.path.join(stack.root, "log", "worker.log"), encoding="utf-8", errors="replace") as log:
        return [line for line in log if payment["payment_id"] in line]


def query_once_at(stack, slots, payment, created_seconds_ago):
    """Moves the payment's creation into the past and makes it due now; returns its check_after
    once the worker has queried it and set the next one (relative to the new created_at)."""
    # Counted before the payment is made due: the worker (every thread polls every 200 ms) can
    # claim and query it before the client that made it due has even exited.
    queries_before = sum(" query " in line for line in worker_lines_about(stack, payment))
    stack.database.rows_on_shard(
        shard_of(slots, payment),
        f"UPDATE {{db}}.payments SET created_at = UTC_TIMESTAMP(3) - INTERVAL {created_seconds_ago} SECOND, "
        "check_after = UTC_TIMESTAMP(3) WHERE payment_id = " + sql_string(payment["payment_id"]))
    deadline = time.monotonic() + SETTLE_SECONDS_MAX
    while True:
        # The log first: once the query is logged, the row read next is the query's claim or its
        # reschedule, never an earlier state (a query the channel's rate limit put off moves
        # check_after a second ahead without a log line).
        queried = sum(" query " in line for line in worker_lines_about(stack, payment)) > queries_before
        created, check_after, expires = due_times(stack, slots, payment)
        # While the worker holds its claim, check_after is the lease's end (two minutes ahead).
        held = LEASE_WINDOW_SECONDS[0] < check_after - time.time() < LEASE_WINDOW_SECONDS[1]
        if queried and not held:
            return created, check_after, expires
        assert time.monotonic() < deadline, "the worker did not query the payment once it was due"
        time.sleep(POLL_PAUSE_SECONDS)


def test_the_worker_reads_only_due_payments_and_queries_on_the_schedule(stack, client, slots, faults):  # noqa: F811
    faults({"drop_callbacks": True})
    payment = create_processing(client, "alipay")
    # The accepted prepay set the first query: one step after the create, not due before.
    created, check_after, expires = due_times(stack, slots, payment)
    assert abs(check_after - (created + QUERY_STEP_SECONDS)) < 0.01, (created, check_after)
    time.sleep(UNTOUCHED_WATCH_SECONDS)
    assert worker_lines_about(stack, payment) == [], "the worker touched a payment that was not due"

    # Queried 50 s after its create (points at +20, +40, +60, ...): the next look is at +60.
    created, check_after, expires = query_once_at(stack, slots, payment, 50)
    assert abs(check_after - (created + 3 * QUERY_STEP_SECONDS)) < 1.0, (created, check_after)
    # Queried after the schedule is spent: only the expiry close remains.
    created, check_after, expires = query_once_at(stack, slots, payment, QUERY_STEP_SECONDS * QUERY_STEPS + 5)
    assert abs(check_after - expires) < 0.01, (check_after, expires)
    # Each query asked the channel and found it unpaid: still processing, nothing else written.
    assert client.get(f"/v1/payments/{payment['payment_id']}").json()["status"] == "processing"
    assert history_of(stack, slots, payment) == [["created", "created"], ["processing", "prepay"]]
