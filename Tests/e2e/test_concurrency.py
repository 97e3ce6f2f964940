"""Request concurrency decoupled from database connections (README "Sizing"): a slow channel holds
pool threads, never database connections, so hundreds of creates wait on it at once and all
succeed; and when every connection of a shard is busy, a request that cannot get one within the
bounded wait is answered 503 JSON with nothing written."""
import json
import subprocess
import threading
import time

from paygate_support import assert_error, payment_body, sql_string
from test_channels import faults  # noqa: F401 (fixture)

SLOW_CHANNEL_MS = 1000
CONCURRENT_CREATES = 300
# The e2e stack's pool (scripts/e2e.sh): connections per shard per worker process, and workers;
# its 32 working permits per worker let every close below be in service at once.
POOL_CONNECTIONS_PER_SHARD = 4
POOL_WORKERS = 2
LOCK_HOLD_SECONDS = 8
LOCK_WAIT_SECONDS_MAX = 10
HOLDER_REQUESTS = POOL_CONNECTIONS_PER_SHARD * POOL_WORKERS * 3
PROBES = 8


def run_concurrently(count, work):
    results = [None] * count
    start = threading.Barrier(count)

    def run(index):
        start.wait()
        try:
            results[index] = work(index)
        except Exception as error:  # recorded and asserted by the caller
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


BREAKER_SETTLE_SECONDS_MAX = 60
BREAKER_SETTLE_BURSTS = 3
BREAKER_SETTLE_BURST_SIZE = 12


def settle_breakers(client):
    """Earlier tests open channel breakers on purpose; each pool worker keeps its own, and one left
    open (or half-open, its probe in flight) refuses a burst at once. Sends bursts of concurrent
    creates on every channel until three bursts in a row are all 201: requests one after another
    may all reach the same pool worker and never probe the other's breaker, while a burst reaches
    every worker (a breaker past its open time lets one probe through, and its success closes it)."""
    for channel in ("alipay", "wechatpay", "unionpay"):
        deadline = time.monotonic() + BREAKER_SETTLE_SECONDS_MAX
        clients = [client.clone() for _ in range(BREAKER_SETTLE_BURST_SIZE)]
        streak = 0
        while streak < BREAKER_SETTLE_BURSTS:
            assert time.monotonic() < deadline, f"the {channel} breakers did not close"
            responses = run_concurrently(BREAKER_SETTLE_BURST_SIZE,
                                         lambda index: clients[index].create_payment(payment_body(channel=channel)))
            succeeded = all(not isinstance(each, Exception) and each.status_code == 201 for each in responses)
            streak = streak + 1 if succeeded else 0
            if not succeeded:
                time.sleep(0.5)
        for each in clients:
            each.close()


def test_300_concurrent_creates_against_a_channel_answering_after_one_second_all_succeed(stack, client, faults):  # noqa: F811
    settle_breakers(client)
    faults({"latency_ms": SLOW_CHANNEL_MS})
    clients = [client.clone() for _ in range(CONCURRENT_CREATES)]
    bodies = [payment_body(channel=("alipay", "wechatpay", "unionpay")[index % 3]) for index in range(CONCURRENT_CREATES)]
    started = time.monotonic()
    responses = run_concurrently(CONCURRENT_CREATES, lambda index: clients[index].create_payment(bodies[index]))
    elapsed = time.monotonic() - started
    statuses = {}
    for response in responses:
        if isinstance(response, Exception):
            key = repr(response)
        elif response.status_code == 201:
            key = 201
        else:
            key = f"{response.status_code} {response.text[:160]}"
        statuses[key] = statuses.get(key, 0) + 1
    assert statuses == {201: CONCURRENT_CREATES}, statuses
    for response, body in zip(responses, bodies):
        payment = response.json()
        assert payment["status"] == "processing", payment
        assert payment["merchant_order_no"] == body["merchant_order_no"]
    # They waited on the channel side by side, not one pool thread's worth at a time: 300 calls of
    # one second through 32 threads (the old pool) would have taken ten seconds or more.
    print(f"{CONCURRENT_CREATES} creates against a {SLOW_CHANNEL_MS} ms channel in {elapsed:.1f} s")
    for each in clients:
        each.close()


def lock_rows(stack, shard, payment_ids):
    """Holds row locks on these payments from a separate MariaDB session for LOCK_HOLD_SECONDS."""
    server, database = stack.database.shard_database(shard)
    socket = stack.database.servers[server]["socket"]
    ids = ", ".join(sql_string(pid) for pid in payment_ids)
    sql = (f"START TRANSACTION; SELECT COUNT(*) FROM `{database}`.payments WHERE payment_id IN ({ids}) FOR UPDATE; "
           f"SELECT SLEEP({LOCK_HOLD_SECONDS}); ROLLBACK;")
    holder = subprocess.Popen(["mariadb", f"--socket={socket}", "-uroot", "-N", "-B", "-e", sql],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Locked once another session cannot take the first row at once.
    deadline = time.monotonic() + LOCK_WAIT_SECONDS_MAX
    probe = (f"SELECT payment_id FROM `{database}`.payments WHERE payment_id = {sql_string(payment_ids[0])} "
             f"FOR UPDATE NOWAIT")
    while time.monotonic() < deadline:
        result = subprocess.run(["mariadb", f"--socket={socket}", "-uroot", "-N", "-B", "-e", probe],
                                capture_output=True, text=True, timeout=10)
        if result.returncode != 0:
            return holder
        time.sleep(0.05)
    holder.kill()
    raise AssertionError("the rows were never locked")


def test_an_exhausted_connection_pool_answers_503_and_writes_nothing(stack, client, slots):
    shard = slots.shard_names[0]
    # Payments on one shard whose rows a separate session will lock.
    held = []
    for _ in range(HOLDER_REQUESTS):
        body = payment_body(merchant_order_no=slots.order_no_on_shard(client.merchant_id, shard))
        response = client.create_payment(body)
        assert response.status_code == 201, response.text
        held.append(response.json()["payment_id"])
    holder = lock_rows(stack, shard, held)
    try:
        # Each close waits for its row lock inside a transaction, holding one of the shard's
        # pooled connections: three times as many closes as the shard has connections, so every
        # worker process's pool for that shard is full whichever worker nginx picks.
        closers = [client.clone() for _ in held]
        close_results = []
        close_threads = [threading.Thread(target=lambda c=c, pid=pid: close_results.append(
            c.post(f"/v1/payments/{pid}/close"))) for c, pid in zip(closers, held)]
        for thread in close_threads:
            thread.start()
        time.sleep(1.0)
        # New creates on the same shard now wait for a connection, at most the pool's bound.
        probes = [client.clone() for _ in range(PROBES)]
        bodies = [payment_body(merchant_order_no=slots.order_no_on_shard(client.merchant_id, shard))
                  for _ in range(PROBES)]
        prepared = []
        for probe, body in zip(probes, bodies):
            encoded = json.dumps(body, separators=(",", ":")).encode()
            headers = probe.signed_headers("POST", "/v1/payments", encoded)
            headers["Content-Type"] = "application/json"
            prepared.append((probe, encoded, headers))
        answers = run_concurrently(PROBES, lambda index: prepared[index][0].send(
            "POST", "/v1/payments", prepared[index][1], prepared[index][2]))
        for thread in close_threads:
            thread.join(timeout=60)
    finally:
        holder.wait(timeout=LOCK_HOLD_SECONDS + 30)

    refused = []
    for (probe, encoded, headers), body, answer in zip(prepared, bodies, answers):
        assert not isinstance(answer, Exception), answer
        assert answer.status_code in (201, 503), (answer.status_code, answer.text)
        if answer.status_code == 503:
            assert_error(answer, 503, "service_unavailable")
            refused.append((probe, encoded, headers, body))
    assert refused, "no create was refused while every connection of the shard was busy"
    # Nothing was written for a refused create: no payment, and not even its nonce, so the very
    # same signed request (same nonce and signature) is accepted once connections are free.
    for probe, encoded, headers, body in refused:
        where = (f"merchant_id = {sql_string(client.merchant_id)} AND "
                 f"merchant_order_no = {sql_string(body['merchant_order_no'])}")
        assert stack.database.count_total("payments", where) == 0
        replay = probe.send("POST", "/v1/payments", encoded, headers)
        assert replay.status_code == 201, replay.text
    # The closes waited for their locks and ended without closing anything (503, retry later);
    # none was answered by nginx instead of the pool.
    assert len(close_results) == len(held)
    for answer in close_results:
        assert answer.status_code in (200, 503), (answer.status_code, answer.text)
        assert answer.headers.get("Content-Type", "").startswith("application/json")
