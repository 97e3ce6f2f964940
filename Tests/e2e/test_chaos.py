"""The chaos run: while a bounded load creates payments on every channel, pays them at the sandbox
(callbacks), refunds some and webhooks flow to a receiver on loopback, every pool worker process
is SIGKILLed with requests in its hands (the master replaces them) and so is paygate-worker (timeout worker and
webhook dispatcher; nothing supervises it under `up`, so the test starts it again with
`stack.sh up`). Once the stack has recovered (a bounded wait), the invariant checker is clean,
every paid order reached its merchant as payment.succeeded (at least once, always with the same
event id), every refund is final and announced, and no state change was applied twice. The run
asserts that both kills hit work in flight: requests its clients had to retry, claims the killed
worker held.

Around the worker's kill the receiver answers slowly, so the dispatcher dies with deliveries in
hand. Its claims (webhook events, refunds, payments) would come back when their leases end (300 s
and 120 s by default); like test_worker.py, which ages payments instead of waiting, the test moves
the dead worker's leases to now in SQL before starting a new worker, so the run stays short."""
import os
import signal
import subprocess
import threading
import time
import urllib.parse
from decimal import Decimal

import pytest
import requests

from paygate_support import payment_body, sql_string
from refund_support import CHANNELS, create_refund, paid_payment, sandbox_session, set_faults
from test_resilience import master_pid_of, pool_children
from webhook_receiver import WebhookReceiver

LOAD_THREADS = 6
LOAD_SECONDS = 24
ITERATIONS_MAX = 40             # per thread, spread over LOAD_SECONDS: at most 240 payments
KILL_POOL_WORKER_AT_SECONDS = 6
KILL_WORKER_AT_SECONDS = 11
# Refunds in the worker's hands at its kill: WeChat Pay refunds whose callbacks the sandbox drops
# (so only the worker's query can settle them) are made due just before the kill while every
# WeChat Pay answer takes seconds.
HELD_REFUNDS = 3
SLOW_WECHATPAY_AT_SECONDS = 9.5
HELD_REFUNDS_DUE_AT_SECONDS = 10
SLOW_WECHATPAY_MILLISECONDS = 3000
RESTART_WORKER_AT_SECONDS = 14
# Around the pool worker's kill every channel call is slow, so the victim dies with creates and
# refunds in the middle of their channel call (committed, not yet answered).
SLOW_CHANNEL_SECONDS = (4.5, 7)
SLOW_CHANNEL_MILLISECONDS = 400
SLOW_RECEIVER_AT_SECONDS = 8     # until the worker is back: deliveries are in flight at the kill
SLOW_RECEIVER_SECONDS = 0.5
AMOUNT = "10.00"
PARTIAL_REFUND = "4.00"
REST_REFUND = "6.00"
RETRIES_MAX = 40                # per request, while a killed process takes requests down with it
RETRY_PAUSE_SECONDS = 0.25
TRANSIENT_STATUSES = (502, 503)
PAID_WAIT_SECONDS = 30
PROCESS_GONE_SECONDS = 10
RESPAWN_SECONDS_MAX = 30
# After the load: how long the stack may take to settle everything (the dead worker's leases
# are aged, see above; a payment whose callbacks were all lost is queried after 20 s).
RECOVERY_SECONDS_MAX = 90
# Anything a claim pushed further than this into the future is a lease (the webhook schedule of
# the suite is 1-2 s, a refund's first check 10 s).
LEASE_SECONDS_MIN = 15
ADMIN_TIMEOUT_SECONDS = 300
STACK_UP_TIMEOUT_SECONDS = 180


class Transient(Exception):
    pass


TRANSIENT_SEEN = []  # every transient failure a load request met (list.append is thread-safe)


def retrying(action, what):
    """action() until it answers without a transient failure (a broken upstream while a pool
    worker dies: 502/503 or a dropped connection); the answer is returned whatever it is."""
    last = None
    for _ in range(RETRIES_MAX):
        try:
            response = action()
            if response.status_code not in TRANSIENT_STATUSES:
                return response
            last = f"{response.status_code} {response.text[:200]}"
        except requests.RequestException as error:
            last = repr(error)
        TRANSIENT_SEEN.append((what, last))
        time.sleep(RETRY_PAUSE_SECONDS)
    raise Transient(f"{what}: still failing after {RETRIES_MAX} tries: {last}")


class Order:
    """One payment of the load and what the test knows about it."""

    def __init__(self, client, body):
        self.client = client
        self.body = body
        self.payment = None
        self.paid = False
        self.refunds = {}    # merchant_refund_no -> (amount, refund_id)
        self.problems = []


def run_order(order, sandbox, index):
    client = order.client
    # Create (again, with the same body, until the channel took it: a create cut off by the kill
    # may have committed `created` without its prepay, and the repeat completes it).
    for _ in range(RETRIES_MAX):
        response = retrying(lambda: client.create_payment(order.body), "create")
        if response.status_code not in (200, 201):
            order.problems.append(f"create answered {response.status_code}: {response.text[:200]}")
            return
        order.payment = response.json()
        if order.payment["status"] == "processing":
            break
        time.sleep(RETRY_PAUSE_SECONDS)
    else:
        order.problems.append(f"payment never reached processing: {order.payment}")
        return
    paid = retrying(lambda: sandbox.post(order.payment["channel_payload"]["pay_url"], data={"result": "success"},
                                         timeout=10), "pay")
    if paid.status_code not in (200, 204):
        order.problems.append(f"pay answered {paid.status_code}: {paid.text[:200]}")
        return
    order.paid = True
    if index % 2:
        return
    # Every other order is refunded: partly, and every fourth one fully in two steps.
    deadline = time.monotonic() + PAID_WAIT_SECONDS
    payment_id = order.payment["payment_id"]
    while True:
        status = retrying(lambda: client.get(f"/v1/payments/{payment_id}"), "get").json().get("status")
        if status == "succeeded":
            break
        if time.monotonic() >= deadline:
            order.problems.append(f"not succeeded after {PAID_WAIT_SECONDS} s (status {status})")
            return
        time.sleep(0.1)
    amounts = [PARTIAL_REFUND, REST_REFUND] if index % 4 == 0 else [PARTIAL_REFUND]
    for step, amount in enumerate(amounts):
        number = f"{order.body['merchant_order_no']}-r{step}"
        body = {"payment_id": payment_id, "merchant_refund_no": number, "amount": amount}
        response = retrying(lambda: client.post("/v1/refunds", body), "refund")
        if response.status_code not in (200, 201):
            order.problems.append(f"refund {number} answered {response.status_code}: {response.text[:200]}")
            return
        order.refunds[number] = (amount, response.json()["refund_id"])


def process_gone(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def wait_gone(pid):
    deadline = time.monotonic() + PROCESS_GONE_SECONDS
    while not process_gone(pid):
        assert time.monotonic() < deadline, f"pid {pid} still alive after SIGKILL"
        time.sleep(0.05)


def worker_pid(stack):
    path = os.path.join(stack.root, "run", "worker.pid")
    with open(path, encoding="utf-8") as handle:
        return int(handle.read().strip())


def stack_up(stack):
    """`stack.sh up` on the running stack: starts what is not running (the killed worker)."""
    port = str(urllib.parse.urlsplit(stack.url).port)
    environment = dict(os.environ, PAYGATE_BIN_DIR=os.path.dirname(stack.admin))
    result = subprocess.run(["bash", stack.stack_script, "up", stack.root, port], env=environment,
                            capture_output=True, text=True, timeout=STACK_UP_TIMEOUT_SECONDS)
    assert result.returncode == 0, f"stack.sh up exited {result.returncode}: {result.stderr[-2000:]}"


def age_leases(stack, merchants):
    """Ends the leases the killed worker held on these merchants' rows (what waiting out the
    lease would do). Returns how many rows of each kind were claimed at the kill."""
    merchant_list = ", ".join(sql_string(m["merchant_id"]) for m in merchants)
    far = f"UTC_TIMESTAMP(3) + INTERVAL {LEASE_SECONDS_MIN} SECOND"
    statements = {
        "events": "UPDATE {db}.payment_events SET next_attempt_at = UTC_TIMESTAMP(3) WHERE state = 'pending' "
                  f"AND next_attempt_at > {far} AND merchant_id IN ({merchant_list})",
        "refunds": "UPDATE {db}.refunds SET check_after = UTC_TIMESTAMP(3) WHERE status = 'processing' "
                   f"AND check_after > {far} AND merchant_id IN ({merchant_list})",
        "payments": "UPDATE {db}.payments SET check_after = UTC_TIMESTAMP(3) WHERE status IN ('created', 'processing') "
                    f"AND check_after > {far} AND merchant_id IN ({merchant_list})",
    }
    return {kind: sum(int(row[0]) for row in rows_everywhere(stack, sql + "; SELECT ROW_COUNT()"))
            for kind, sql in statements.items()}


def make_due(stack, held, when="UTC_TIMESTAMP(3)"):
    """Moves the held refunds' next worker look (10 s after creation by itself) to `when`."""
    for order in held:
        [(_, refund_id)] = order.refunds.values()
        shard = stack.slots.shard_of_order(order.payment["merchant_id"], order.payment["merchant_order_no"])
        stack.database.rows_on_shard(shard, f"UPDATE {{db}}.refunds SET check_after = {when} WHERE refund_id = "
                                            + sql_string(refund_id))


def rows_everywhere(stack, sql):
    """Rows of `sql` ({db} = each shard database) from every shard, concatenated."""
    rows = []
    for shard in stack.slots.shard_names:
        rows += stack.database.rows_on_shard(shard, sql)
    return rows


@pytest.mark.disruptive
def test_chaos_kill_pool_worker_and_worker_under_load(stack):
    TRANSIENT_SEEN.clear()
    receiver = WebhookReceiver()
    merchants = [stack.create_merchant() for _ in range(LOAD_THREADS)]
    clients = [stack.client(merchant) for merchant in merchants]
    orders = [[] for _ in range(LOAD_THREADS)]  # per load thread, then the held refunds' orders
    failures = []
    stop = threading.Event()

    def load(thread_index):
        sandbox = sandbox_session(stack)
        try:
            for index in range(ITERATIONS_MAX):
                # Paced over the whole load, so the kills find work in flight.
                while not stop.is_set() and time.monotonic() < started + index * LOAD_SECONDS / ITERATIONS_MAX:
                    time.sleep(0.02)
                if stop.is_set():
                    break
                channel = CHANNELS[(thread_index + index) % len(CHANNELS)]
                body = payment_body(channel=channel, amount=AMOUNT, notify_url=receiver.url)
                order = Order(clients[thread_index], body)
                orders[thread_index].append(order)
                run_order(order, sandbox, index)
        except Exception as error:  # reported below with the rest
            failures.append(f"load thread {thread_index}: {error!r}")
        finally:
            sandbox.close()

    # The refunds the worker will hold: paid before the load, refunded with callbacks dropped.
    held_client = stack.client(merchants[0])
    held = [Order(held_client, payment_body(channel="wechatpay", amount=AMOUNT, notify_url=receiver.url))
            for _ in range(HELD_REFUNDS)]
    for order in held:
        order.payment = paid_payment(stack, held_client, "wechatpay", AMOUNT, notify_url=receiver.url)
        order.body["merchant_order_no"] = order.payment["merchant_order_no"]
        order.paid = True
    orders.append(held)
    set_faults(stack, {"channel": "wechatpay", "drop_callbacks": True})
    try:
        for order in held:
            number = f"{order.payment['merchant_order_no']}-held"
            response = create_refund(held_client, order.payment["payment_id"], PARTIAL_REFUND, number)
            assert response.status_code == 201 and response.json()["status"] == "processing", response.text
            order.refunds[number] = (PARTIAL_REFUND, response.json()["refund_id"])
    finally:
        set_faults(stack, {})
    make_due(stack, held, "UTC_TIMESTAMP(3) + INTERVAL 1 HOUR")  # not before the worker is slow

    master = master_pid_of(stack)
    # A reload by an earlier test leaves the old generation's workers finishing their requests
    # (up to the pool's grace): count the children once only the current generation is left.
    workers = stack.config["pool"]["workers"]
    deadline = time.monotonic() + RESPAWN_SECONDS_MAX
    pool_before = pool_children(master)
    while len(pool_before) != workers and time.monotonic() < deadline:
        time.sleep(0.2)
        pool_before = pool_children(master)
    worker_before = worker_pid(stack)
    assert pool_before and not process_gone(worker_before), (pool_before, worker_before)
    threads = [threading.Thread(target=load, args=(index,)) for index in range(LOAD_THREADS)]
    started = time.monotonic()
    restarted = False
    try:
        for thread in threads:
            thread.start()
        time.sleep(SLOW_CHANNEL_SECONDS[0])
        set_faults(stack, {"latency_ms": SLOW_CHANNEL_MILLISECONDS})
        time.sleep(max(0.0, started + KILL_POOL_WORKER_AT_SECONDS - time.monotonic()))
        # Every pool worker at once: whichever one nginx handed a request to, the kill finds
        # requests in flight (with one of two killed, all of the few in flight could be on the other).
        pool_victims = pool_children(master)
        for victim in pool_victims:
            os.kill(victim, signal.SIGKILL)
        time.sleep(max(0.0, started + SLOW_CHANNEL_SECONDS[1] - time.monotonic()))
        set_faults(stack, {})
        time.sleep(max(0.0, started + SLOW_RECEIVER_AT_SECONDS - time.monotonic()))
        receiver.delay(SLOW_RECEIVER_SECONDS)
        time.sleep(max(0.0, started + SLOW_WECHATPAY_AT_SECONDS - time.monotonic()))
        set_faults(stack, {"channel": "wechatpay", "latency_ms": SLOW_WECHATPAY_MILLISECONDS})
        time.sleep(max(0.0, started + HELD_REFUNDS_DUE_AT_SECONDS - time.monotonic()))
        make_due(stack, held)
        time.sleep(max(0.0, started + KILL_WORKER_AT_SECONDS - time.monotonic()))
        os.kill(worker_before, signal.SIGKILL)
        wait_gone(worker_before)
        leased = age_leases(stack, merchants)
        time.sleep(max(0.0, started + RESTART_WORKER_AT_SECONDS - time.monotonic()))
        stack_up(stack)
        restarted = True
        receiver.delay(0)
        set_faults(stack, {})
        time.sleep(max(0.0, started + LOAD_SECONDS - time.monotonic()))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=300)
        set_faults(stack, {})
        if not restarted:
            stack_up(stack)
    assert not any(thread.is_alive() for thread in threads)
    assert not failures, failures

    # Both processes came back: the master replaced its worker, `up` started a new paygate-worker.
    deadline = time.monotonic() + RESPAWN_SECONDS_MAX
    while True:
        pool_after = pool_children(master)
        if (len(pool_after) == len(pool_before) and not set(pool_victims) & set(pool_after)) or time.monotonic() >= deadline:
            break
        time.sleep(0.2)
    assert len(pool_after) == len(pool_before) and not set(pool_victims) & set(pool_after), (pool_before, pool_after)
    worker_after = worker_pid(stack)
    assert worker_after != worker_before and not process_gone(worker_after), (worker_before, worker_after)

    everything = [order for per_thread in orders for order in per_thread]
    problems = [(order.body["merchant_order_no"], order.problems) for order in everything if order.problems]
    assert not problems, problems
    paid = [order for order in everything if order.paid]
    refunds = {refund_id: (order, amount) for order in paid for amount, refund_id in order.refunds.values()}
    assert len(paid) >= LOAD_THREADS and refunds, (len(paid), len(refunds))

    # What the run went through (shown with -s, and in the report of a failure below).
    print(f"\nchaos: {len(everything)} orders, {len(paid)} paid, {len(refunds)} refunds, "
          f"{len(TRANSIENT_SEEN)} requests retried after the pool kill, claims of the killed worker {leased}, "
          f"{len(receiver.deliveries)} webhooks so far")
    # The kills hit work in flight, or the run proved nothing about them: the pool worker died with
    # requests in its hands (their clients saw 502/503 or a dropped connection and retried), and
    # paygate-worker died holding claims (leases that had to run out before anyone else took them).
    assert TRANSIENT_SEEN, "the pool worker's kill hit no request in flight"
    assert sum(leased.values()) >= 1, f"paygate-worker held no claim when it was killed: {leased}"
    settle(stack, paid, refunds, receiver, RECOVERY_SECONDS_MAX)
    try:
        check_after_recovery(stack, merchants, everything, paid, refunds, receiver)
    finally:
        receiver.close()
        for client in clients:
            client.close()


def settle(stack, paid, refunds, receiver, seconds):
    """Waits (bounded) until every paid payment has left `processing`, every refund is final, and
    the receiver has each payment's payment.succeeded and each refund's final webhook."""
    pending_payments = {order.payment["payment_id"]: order for order in paid}
    pending_refunds = dict(refunds)
    final_refunds = {}
    deadline = time.monotonic() + seconds
    while True:
        for payment_id, order in list(pending_payments.items()):
            status = order.client.get(f"/v1/payments/{payment_id}").json().get("status")
            if status in ("succeeded", "partially_refunded", "refunded"):
                del pending_payments[payment_id]
        for refund_id, (order, _) in list(pending_refunds.items()):
            refund = order.client.get(f"/v1/refunds/{refund_id}").json()
            if refund.get("status") in ("succeeded", "failed"):
                final_refunds[refund_id] = refund
                del pending_refunds[refund_id]
        received = {(d.event_type, d.json()["data"].get("refund_id") or d.json()["data"].get("payment_id"))
                    for d in receiver.deliveries}
        missing_payment_events = [o.payment["payment_id"] for o in paid
                                  if ("payment.succeeded", o.payment["payment_id"]) not in received]
        missing_refund_events = [rid for rid, refund in final_refunds.items()
                                 if (f"refund.{refund['status']}", rid) not in received]
        if not (pending_payments or pending_refunds or missing_payment_events or missing_refund_events):
            return
        if time.monotonic() >= deadline:
            pytest.fail(f"after {seconds} s: {len(pending_payments)} paid payments not succeeded "
                        f"{sorted(pending_payments)[:5]}, {len(pending_refunds)} refunds not final "
                        f"{sorted(pending_refunds)[:5]}, payment.succeeded missing for {len(missing_payment_events)} "
                        f"{missing_payment_events[:5]}, refund webhooks missing for {len(missing_refund_events)} "
                        f"{missing_refund_events[:5]}; outbox: {outbox_summary(stack)}")
        time.sleep(1)


def outbox_summary(stack):
    return rows_everywhere(stack, "SELECT state, COUNT(*), MAX(next_attempt_at), UTC_TIMESTAMP(3) "
                                  "FROM {db}.payment_events GROUP BY state")


def check_after_recovery(stack, merchants, everything, paid, refunds, receiver):
    # 1. The invariant checker over the whole stack.
    result = subprocess.run([stack.admin, "--config", stack.config_path, "check"], capture_output=True, text=True,
                            timeout=ADMIN_TIMEOUT_SECONDS)
    assert result.returncode == 0, f"paygate-admin check exited {result.returncode}:\n{result.stdout}{result.stderr}"

    merchant_list = ", ".join(sql_string(m["merchant_id"]) for m in merchants)
    # 2. No duplicate payments from the retried creates: one row per order number.
    payments = rows_everywhere(stack, "SELECT payment_id, merchant_order_no, status, refunded_amount FROM {db}.payments "
                                      f"WHERE merchant_id IN ({merchant_list})")
    assert sorted(row[1] for row in payments) == sorted(o.body["merchant_order_no"] for o in everything if o.payment)
    by_id = {row[0]: row for row in payments}

    # 3. Every paid order reached its merchant: payment.succeeded for each, one event id each
    #    (the outbox's), however many times it was delivered.
    events = rows_everywhere(stack, "SELECT payment_id, type, refund_id, event_id FROM {db}.payment_events "
                                    f"WHERE merchant_id IN ({merchant_list})")
    outbox_id = {(row[1], row[2] or row[0]): row[3] for row in events}
    delivered = {}
    for delivery in receiver.deliveries:
        data = delivery.json()["data"]
        subject = data.get("refund_id") or data.get("payment_id")
        delivered.setdefault((delivery.event_type, subject), set()).add(delivery.event_id)
    for order in paid:
        key = ("payment.succeeded", order.payment["payment_id"])
        assert delivered.get(key) == {outbox_id[key]}, (key, delivered.get(key), outbox_id.get(key))
    repeats = len(receiver.deliveries) - len({d.event_id for d in receiver.deliveries})
    print(f"chaos: {len(receiver.deliveries)} webhooks received, {repeats} of them again with the same event id")

    # 4. Refunds: all final and succeeded (no channel refused one), announced once per event id,
    #    no refund row the test does not know of, refunded_amount = sum of succeeded refunds.
    refund_rows = rows_everywhere(stack, "SELECT refund_id, payment_id, amount, status FROM {db}.refunds "
                                         f"WHERE merchant_id IN ({merchant_list})")
    assert sorted(row[0] for row in refund_rows) == sorted(refunds), (len(refund_rows), len(refunds))
    assert all(row[3] == "succeeded" for row in refund_rows), [row for row in refund_rows if row[3] != "succeeded"]
    for row in refund_rows:
        key = ("refund.succeeded", row[0])
        assert delivered.get(key) == {outbox_id[key]}, (key, delivered.get(key), outbox_id.get(key))
    refunded = {}
    for row in refund_rows:
        refunded[row[1]] = refunded.get(row[1], Decimal(0)) + Decimal(row[2])
    for order in paid:
        payment_id = order.payment["payment_id"]
        expected = sum((Decimal(amount) for amount, _ in order.refunds.values()), Decimal(0))
        assert refunded.get(payment_id, Decimal(0)) == expected
        stored = by_id[payment_id]
        assert Decimal(stored[3]) == expected, stored
        expected_status = ("succeeded" if not expected else
                           "refunded" if expected == Decimal(AMOUNT) else "partially_refunded")
        assert stored[2] == expected_status, stored

    # 5. No state change applied twice: one success posting per paid payment and one reversal
    #    per refund, no history row into the same status twice (partially_refunded may repeat).
    postings = rows_everywhere(stack, "SELECT payment_id, kind, refund_id, COUNT(*) FROM {db}.journal_entries "
                                      f"WHERE merchant_id IN ({merchant_list}) GROUP BY payment_id, kind, refund_id")
    success_postings = {row[0]: int(row[3]) for row in postings if row[1] == "payment_succeeded"}
    assert success_postings == {order.payment["payment_id"]: 1 for order in paid}, success_postings
    reversals = {row[2]: int(row[3]) for row in postings if row[1] == "refund_succeeded"}
    assert reversals == {refund_id: 1 for refund_id in refunds}, reversals
    twice = rows_everywhere(
        stack, "SELECT h.payment_id, h.to_status, COUNT(*) FROM {db}.payment_status_history h "
               "JOIN {db}.payments p ON p.payment_id = h.payment_id "
               f"WHERE p.merchant_id IN ({merchant_list}) AND h.to_status <> 'partially_refunded' "
               "GROUP BY h.payment_id, h.to_status HAVING COUNT(*) > 1")
    assert twice == [], twice
    twice = rows_everywhere(
        stack, "SELECT h.refund_id, h.to_status, COUNT(*) FROM {db}.refund_status_history h "
               "JOIN {db}.refunds r ON r.refund_id = h.refund_id "
               f"WHERE r.merchant_id IN ({merchant_list}) GROUP BY h.refund_id, h.to_status HAVING COUNT(*) > 1")
    assert twice == [], twice
    partials = rows_everywhere(
        stack, "SELECT h.payment_id, COUNT(*) FROM {db}.payment_status_history h "
               "JOIN {db}.payments p ON p.payment_id = h.payment_id "
               f"WHERE p.merchant_id IN ({merchant_list}) AND h.to_status = 'partially_refunded' GROUP BY h.payment_id")
    assert all(int(row[1]) == 1 for row in partials), partials  # each order has at most one partial step
