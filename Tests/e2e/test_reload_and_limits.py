"""Admin operations through the real stack: a rate limit tightened in the admins' file and
applied with a reload (429 rate_limited JSON), a reload of nginx and the pool under load that
drops no request, and a reload from a broken configuration that is refused."""
import os
import signal
import subprocess
import tempfile
import threading
import time

import pytest

from paygate_support import assert_error, payment_body, sql_string
from test_resilience import master_pid_of, pool_children, retry_until

RELOAD_LOAD_THREADS = 4
RELOAD_LOAD_SECONDS = 6
WORKER_REPLACEMENT_SECONDS_MAX = 30
LIMIT_APPLIED_SECONDS_MAX = 15

# A merchant zone of 1 request/s with a burst of 2: the third request in a quick series is limited.
TIGHT_LIMITS = """
map $http_authorization $paygate_merchant_key {
    default "";
    "~merchant_id=\\"(?<paygate_merchant_id>[A-Za-z0-9_-]{1,64})\\"" $paygate_merchant_id;
}
limit_req_zone $paygate_merchant_key zone=paygate_merchant_tight:1m rate=1r/s;
limit_req zone=paygate_merchant_tight burst=2 nodelay;
limit_req_status 429;
"""


def reload_stack(stack, rate_limits):
    environment = dict(os.environ, PAYGATE_RATE_LIMITS=rate_limits)
    result = subprocess.run(["bash", stack.stack_script, "reload", stack.root], env=environment,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.disruptive
def test_tight_merchant_limit_answers_429_json_and_reverts(stack, client, other_client):
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as handle:
        handle.write(TIGHT_LIMITS)
        tight = handle.name
    try:
        reload_stack(stack, tight)
        # A reload is graceful: old nginx workers finish their connections under the old limits
        # for a moment, so series are sent until one meets the new limit (bounded).
        series = retry_until(lambda: [client.get("/v1/payments?limit=1") for _ in range(8)],
                             lambda responses: any(r.status_code == 429 for r in responses),
                             LIMIT_APPLIED_SECONDS_MAX)
        statuses = [r.status_code for r in series[-1]]
        assert 429 in statuses and statuses[0] == 200, statuses
        assert_error(next(r for r in series[-1] if r.status_code == 429), 429, "rate_limited")
        # The limit is per merchant: another merchant still gets through.
        assert other_client.get("/v1/payments?limit=1").status_code == 200
        # No request without an Authorization header is limited by the merchant zone.
        assert stack.session().get(stack.url + "/healthz/live", timeout=10).status_code == 200
    finally:
        os.unlink(tight)
        # Back to the limits the suite started with (scripts/e2e.sh), which the later tests need.
        reload_stack(stack, os.environ["PAYGATE_E2E_RATE_LIMITS"])
    # Back to the generous limits: a quick series is no longer limited.
    time.sleep(1)  # the tight bucket refills
    series = retry_until(lambda: [client.get("/v1/payments?limit=1").status_code for _ in range(8)],
                         lambda statuses: statuses == [200] * 8, LIMIT_APPLIED_SECONDS_MAX)
    assert series[-1] == [200] * 8, series


@pytest.mark.disruptive
def test_reload_under_load_drops_no_request(stack):
    master = master_pid_of(stack)
    # An earlier disruptive test (a SIGKILLed worker, a reload) may still have a worker draining
    # or being replaced: start from the configured count, so "replaced" compares generations.
    configured = stack.config["pool"]["workers"]
    workers_before = retry_until(lambda: pool_children(master), lambda children: len(children) == configured,
                                 WORKER_REPLACEMENT_SECONDS_MAX)[-1]
    assert len(workers_before) == configured, workers_before
    clients = [stack.client(stack.create_merchant()) for _ in range(RELOAD_LOAD_THREADS)]
    stop = threading.Event()
    outcomes = [[] for _ in range(RELOAD_LOAD_THREADS)]

    def load(index):
        client = clients[index]
        while not stop.is_set():
            body = payment_body()
            try:
                status = client.create_payment(body).status_code
            except Exception as error:  # recorded and asserted below
                status = f"exception: {error!r}"
            outcomes[index].append((status, body["merchant_order_no"]))

    threads = [threading.Thread(target=load, args=(index,)) for index in range(RELOAD_LOAD_THREADS)]
    for thread in threads:
        thread.start()
    try:
        # The suite's own limits (scripts/e2e.sh): what is under test is the reload, and four
        # threads creating as fast as the stack answers may pass the realistic per-address limit.
        limits = os.environ["PAYGATE_E2E_RATE_LIMITS"]
        time.sleep(RELOAD_LOAD_SECONDS / 3)
        reload_stack(stack, limits)
        time.sleep(RELOAD_LOAD_SECONDS / 3)
        reload_stack(stack, limits)
        time.sleep(RELOAD_LOAD_SECONDS / 3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    # No request that reached nginx was refused or failed: every HTTP answer is 201. The only
    # tolerated failure is the HTTP/1.1 keep-alive race in which an old nginx worker closes an
    # idle client connection just as the client sends on it (the request never arrived); the
    # client retries it, and merchant_order_no makes the retry safe: one payment per order.
    everything = [outcome for per_thread in outcomes for outcome in per_thread]
    assert len(everything) > 20, len(everything)
    answered = [status for status, _ in everything if isinstance(status, int)]
    assert all(status == 201 for status in answered), [o for o in everything if o[0] != 201][:10]
    unanswered = [o for o in everything if not isinstance(o[0], int)]
    assert all("EOF" in o[0] or "Connection" in o[0] for o in unanswered), unanswered
    assert len(unanswered) <= 2 * RELOAD_LOAD_THREADS, unanswered
    for index, client in enumerate(clients):
        for status, order_no in outcomes[index]:
            if not isinstance(status, int):
                retry = client.create_payment(payment_body(merchant_order_no=order_no))
                assert retry.status_code in (200, 201), retry.text
        where = f"merchant_id = {sql_string(client.merchant_id)}"
        assert stack.database.count_total("payments", where) == len(outcomes[index])
        client.close()

    # The pool replaced its workers (a new generation) and kept the configured count.
    replaced = retry_until(lambda: pool_children(master),
                           lambda children: len(children) == len(workers_before) and not (children & workers_before),
                           WORKER_REPLACEMENT_SECONDS_MAX)[-1]
    assert len(replaced) == len(workers_before) and not (replaced & workers_before), (workers_before, replaced)


BAD_RELOAD_WATCH_SECONDS = 3.0


@pytest.mark.disruptive
def test_a_reload_with_a_broken_configuration_is_refused_and_the_pool_keeps_serving(stack, client):
    """SIGHUP makes the master read its configuration again; a file that does not load refuses the
    reload: the running workers stay, they keep serving, and the log says why."""
    master = master_pid_of(stack)
    configured = stack.config["pool"]["workers"]
    workers_before = retry_until(lambda: pool_children(master), lambda children: len(children) == configured,
                                 WORKER_REPLACEMENT_SECONDS_MAX)[-1]
    assert len(workers_before) == configured, workers_before
    log_path = os.path.join(stack.root, "log", "paygate.log")
    with open(log_path, "rb") as log:
        log.seek(0, os.SEEK_END)
        log_offset = log.tell()
    with open(stack.config_path, "rb") as original:
        saved = original.read()
    try:
        with open(stack.config_path, "wb") as broken:
            broken.write(saved.replace(b'"database"', b'"databass"', 1))
        os.kill(master, signal.SIGHUP)
        deadline = time.monotonic() + BAD_RELOAD_WATCH_SECONDS
        while time.monotonic() < deadline:
            assert pool_children(master) == workers_before, "the pool replaced its workers from a broken file"
            time.sleep(0.1)
    finally:
        with open(stack.config_path, "wb") as restored:
            restored.write(saved)
    with open(log_path, "rb") as log:
        log.seek(log_offset)
        said = log.read().decode("utf-8", errors="replace")
    assert "reload" in said and "configuration file" in said, said[-2000:]
    answer = client.create_payment(payment_body())
    assert answer.status_code == 201, answer.text
    assert pool_children(master) == workers_before
