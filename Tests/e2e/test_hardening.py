"""End to end: the hardening of authentication, answers, health, webhooks and files.

- a merchant_id of any other shape than `mch_` + 24 lower-case hex is an unknown merchant (401
  `invalid_signature`), never a 500 and never an error-log line; the timestamp window is checked
  before the merchant is looked up (docs/API.md section 2);
- every answer, the pool's and nginx's own, carries `Cache-Control: no-store` exactly once
  (section 3);
- `/healthz` names shards and breakers to loopback clients only (section 10);
- an address that fails authentication again and again is answered 429 (section 2), counted per
  worker process: spoken to the pool's FastCGI socket directly, with REMOTE_ADDR set to addresses
  the suite's loopback clients cannot have;
- local-mode webhooks reach loopback only (section 8);
- the root's configuration files are 0600, and the repo's rate limits are realistic.
"""
import json
import os
import re
import secrets
import stat
import time
import uuid

import pytest

from fastcgi_support import send as fastcgi_send
from paygate_support import assert_error, payment_body, sql_string
from test_logs import log_text
from test_webhooks import attempts_of, event_of, pay, shard_of, wait_until

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WINDOW_SECONDS = 300
# The pool's default (AuthFailuresConfiguration): failures one address may have per worker process.
AUTH_FAILURES_MAX = 20
LOG_SETTLE_SECONDS = 1.0


def documentation_address():
    """A fresh address of 2001:db8::/32 (the documentation range): no other test, and no earlier run
    against the same stack, has failed authentication from it."""
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


def pool_socket(stack):
    return stack.config["pool"]["socket_path"]


def error_lines(stack, request_ids):
    time.sleep(LOG_SETTLE_SECONDS)  # the pool writes its line after answering
    return [line for line in log_text(stack, "paygate.log").splitlines()
            if " error " in line and any(request_id in line for request_id in request_ids)]


# ---------------------------------------------------------------------------------------------
# docs/API.md section 2: the merchant_id's shape and the timestamp window come before any lookup

@pytest.mark.parametrize("shape", [
    lambda real: real + " ",                      # MariaDB's PAD SPACE collation matched this to the real row
    lambda real: real + "  ",
    lambda real: real.upper(),
    lambda real: "mch_" + real[4:].upper(),
    lambda real: real[:-1],                       # 23 hex digits
    lambda real: real + "0",                      # 25 hex digits
    lambda real: "mch_" + uuid.uuid4().hex,       # 32 hex digits
], ids=["trailing-space", "two-trailing-spaces", "upper-case", "upper-case-hex", "23-digits", "25-digits", "32-digits"])
def test_a_merchant_id_of_another_shape_is_an_unknown_merchant(stack, client, database, shape):
    # Signed with the real merchant's secret: only the id's shape is wrong.
    wrong = assert_error(client.get("/v1/payments", secret="not-the-secret"), 401, "invalid_signature")
    responses = [client.get("/v1/payments", merchant_id=shape(client.merchant_id)),
                 client.create_payment(payment_body(), merchant_id=shape(client.merchant_id))]
    for response in responses:
        error = assert_error(response, 401, "invalid_signature")
        assert error["message"] == wrong["message"]
    assert database.merchant_footprint(client.merchant_id) == {"payments": 0, "request_nonces": 0, "idempotency_keys": 0}
    # A client's malformed header is no fault of paygate's: nothing for an operator to chase.
    assert error_lines(stack, [r.headers["X-Request-Id"] for r in responses]) == []


def test_the_timestamp_window_comes_before_the_merchant_and_the_signature(client):
    outside = int(time.time()) - (WINDOW_SECONDS + 60)
    unknown = "mch_" + uuid.uuid4().hex[:24]
    # Neither the merchant (unknown) nor the signature (wrong) was looked at: the window refused first.
    assert_error(client.get("/v1/payments", merchant_id=unknown, timestamp=outside), 401, "timestamp_out_of_window")
    assert_error(client.get("/v1/payments", secret="not-the-secret", timestamp=outside), 401, "timestamp_out_of_window")
    # Inside the window the same two are what they are.
    assert_error(client.get("/v1/payments", merchant_id=unknown), 401, "invalid_signature")
    assert_error(client.get("/v1/payments", secret="not-the-secret"), 401, "invalid_signature")


# ---------------------------------------------------------------------------------------------
# docs/API.md section 3: Cache-Control: no-store on every answer, once

def test_every_answer_carries_cache_control_no_store_once(stack, client):
    session = stack.session()
    created = client.create_payment(payment_body())
    answers = {
        "201 create (pool)": created,
        "200 lookup (pool)": client.get(f"/v1/payments/{created.json()['payment_id']}"),
        "401 (pool)": client.get("/v1/payments", secret="not-the-secret"),
        "404 (pool)": client.get("/v1/payments/pay_" + "0" * 32),
        "405 (pool)": session.delete(stack.url + "/v1/payments", timeout=10),
        "200 /healthz (pool)": session.get(stack.url + "/healthz", timeout=10),
        "200 /healthz/live (pool)": session.get(stack.url + "/healthz/live", timeout=10),
        "200 /healthz/nginx (nginx)": session.get(stack.url + "/healthz/nginx", timeout=10),
        "404 outside the routes (nginx)": session.get(stack.url + "/elsewhere", timeout=10),
        "405 TRACE (nginx)": session.request("TRACE", stack.url + "/v1/payments", timeout=10),
        "413 (nginx)": session.post(stack.url + "/v1/payments", data=b"x" * 70_000,
                                    headers={"Content-Type": "application/json"}, timeout=10),
    }
    assert created.status_code == 201, created.text
    for what, response in answers.items():
        # requests joins repeated headers with ", ": "no-store, no-store" would show a second one.
        assert response.headers.get("Cache-Control") == "no-store", (what, response.status_code, response.headers)


# ---------------------------------------------------------------------------------------------
# docs/API.md section 10: /healthz detail for loopback clients only

def test_healthz_names_breakers_to_loopback_clients_only(stack):
    through_nginx = stack.session().get(stack.url + "/healthz", timeout=10)
    assert through_nginx.status_code == 200, through_nginx.text
    # The suite's clients are 127.0.0.1 as nginx sees them ($remote_addr), so they get the detail.
    # With risk on (the suite's stack), the count of creates decided without Redis comes too.
    assert set(through_nginx.json()) == {"status", "channels", "risk"}, through_nginx.json()
    assert isinstance(through_nginx.json()["risk"]["degraded_creates"], int), through_nginx.json()
    for address in ("::1", "127.0.0.2"):
        status, _, body = fastcgi_send(pool_socket(stack), "GET", "/healthz", remote_address=address)
        assert status == 200 and {"channels", "risk"} <= set(json.loads(body)), (address, body)
    for address in ("203.0.113.9", "2001:db8::9", "10.0.0.7", "::ffff:10.0.0.7", ""):
        status, headers, body = fastcgi_send(pool_socket(stack), "GET", "/healthz", remote_address=address)
        assert (status, json.loads(body)) == (200, {"status": "ok"}), (address, body)
        assert headers["cache-control"] == ["no-store"]


# ---------------------------------------------------------------------------------------------
# docs/API.md section 2: an address failing authentication again and again is slowed

def test_an_address_that_keeps_failing_authentication_is_answered_429(stack, client):
    socket_path, workers = pool_socket(stack), stack.config["pool"]["workers"]
    address, bystander = documentation_address(), documentation_address()

    def send(signing, from_address):
        headers = client.signed_headers("GET", "/v1/payments", b"", **signing)
        status, answer_headers, body = fastcgi_send(socket_path, "GET", "/v1/payments", remote_address=from_address,
                                                    headers=headers)
        return status, json.loads(body), answer_headers

    # Each worker process refuses the address once it has counted AUTH_FAILURES_MAX of its 401s,
    # so every worker is refusing once workers x AUTH_FAILURES_MAX 401s have been answered. Which
    # worker accepts a connection is the kernel's choice: however its threads queue, two rounds of
    # every thread of every worker reach each worker AUTH_FAILURES_MAX times.
    attempts_max = 2 * workers * (stack.config["pool"]["threads_per_worker"] + AUTH_FAILURES_MAX)
    statuses = []
    while statuses.count(401) < workers * AUTH_FAILURES_MAX and len(statuses) < attempts_max:
        status, body, headers = send({"secret": "not-the-secret"}, address)
        assert status in (401, 429), (status, body)
        if status == 429:
            assert body["error"]["code"] == "rate_limited" and headers["cache-control"] == ["no-store"], body
        statuses.append(status)
    assert statuses[:AUTH_FAILURES_MAX] == [401] * AUTH_FAILURES_MAX, statuses
    assert statuses.count(401) == workers * AUTH_FAILURES_MAX, statuses
    # Now even a correctly signed request from that address is refused, before any lookup...
    for _ in range(2 * workers):
        status, body, _ = send({}, address)
        assert (status, body["error"]["code"]) == (429, "rate_limited"), body
    # ...while the same merchant from another address, and through nginx (loopback, exempt on the
    # local stack), is served.
    assert send({}, bystander)[0] == 200
    assert client.get("/v1/payments").status_code == 200


# ---------------------------------------------------------------------------------------------
# docs/API.md section 8: local mode delivers webhooks to loopback only

def test_local_mode_refuses_and_never_sends_to_another_address(stack, client, database, slots):
    assert stack.config.get("mode", "local") == "local"
    private = "http://192.168.255.254:9/notify"
    # An address the local stack could never deliver to is refused at create (docs/API.md section 5).
    assert_error(client.create_payment(payment_body(notify_url=private)), 400, "invalid_field", field="notify_url")
    assert database.merchant_footprint(client.merchant_id)["payments"] == 0
    # A payment stored with such a URL (by an earlier version) is never posted there: the
    # dispatcher checks the address it would connect to. Before, each attempt connected.
    created = client.create_payment(payment_body())
    assert created.status_code == 201, created.text
    payment = created.json()
    stack.database.rows_on_shard(
        shard_of(slots, payment),
        f"UPDATE {{db}}.payments SET notify_url = {sql_string(private)} WHERE payment_id = {sql_string(payment['payment_id'])}")
    pay(stack, payment)
    event = wait_until(lambda: event_of(stack, slots, payment), "the payment.succeeded event")
    attempts = wait_until(lambda: attempts_of(stack, slots, payment, event["event_id"]), "a delivery attempt")
    assert attempts[0]["http_status"] is None and attempts[0]["error"].startswith("destination refused"), attempts


# ---------------------------------------------------------------------------------------------
# configuration files 0600; realistic default rate limits

def test_the_roots_configuration_files_are_owner_only(stack):
    files = ["paygate.json", "sandbox.json", "demo-merchant.json", "nginx/nginx.conf", "nginx/port",
             "nginx/sandbox-port", "nginx/fastcgi-keep-conn", "nginx/rate-limits.conf"]
    for name in files:
        mode = stat.S_IMODE(os.stat(os.path.join(stack.root, name)).st_mode)
        assert mode == 0o600, f"{name} is {oct(mode)}"


def test_the_repositorys_rate_limits_are_realistic_and_the_suite_runs_on_its_own():
    def zones(path):
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        return {name: int(rate) for name, rate in re.findall(r"zone=(paygate_\w+):\S+\s+rate=(\d+)r/s;", text)}

    defaults = zones(os.path.join(REPO, "nginx", "rate-limits.conf"))
    assert defaults["paygate_merchant"] <= 1000 and defaults["paygate_client"] <= 2000, defaults
    assert defaults["paygate_client"] >= defaults["paygate_merchant"], defaults
    assert os.environ["PAYGATE_E2E_RATE_LIMITS"] == os.path.join(REPO, "nginx", "rate-limits.load-test.conf")
