"""Helpers shared by test_refunds.py and test_chaos.py: paid payments at the
channel sandbox, refund requests, bounded waits for a refund's final state, the sandbox fault
knobs, and what the shard databases hold for a payment (refunds, history, journal, outbox)."""
import re
import time
import uuid

import pytest
import requests

from paygate_support import payment_body, sql_string

CHANNELS = ["alipay", "wechatpay", "unionpay"]
SETTLE_SECONDS_MAX = 30        # a bounded wait for an eventual state, never an assertion on speed
POLL_PAUSE_SECONDS = 0.1
SANDBOX_TIMEOUT_SECONDS = 10

REFUND_ID_PATTERN = re.compile(r"^ref_[0-9a-f]{32}$")
REFUND_FIELDS = {"refund_id", "payment_id", "merchant_refund_no", "amount", "currency", "status",
                 "reason", "failure_code", "created_at", "succeeded_at"}
FINAL_REFUND_STATUSES = ("succeeded", "failed")


# ---------------------------------------------------------------------------------------------
# The channel sandbox (docs/API.md section 9)

def sandbox_session(stack):
    session = requests.Session()
    session.verify = stack.ca
    session.trust_env = False
    return session


def set_faults(stack, knobs):
    response = sandbox_session(stack).post(stack.sandbox_url + "/sandbox/faults", json=knobs,
                                           timeout=SANDBOX_TIMEOUT_SECONDS)
    assert response.status_code == 200, f"sandbox refused fault knobs {knobs}: {response.status_code} {response.text}"


@pytest.fixture
def sandbox_faults(stack):
    """Sets sandbox fault knobs for one test; always reset afterwards."""
    yield lambda knobs: set_faults(stack, knobs)
    set_faults(stack, {})


def pay(stack, payment, result="success", session=None):
    session = session or sandbox_session(stack)
    response = session.post(payment["channel_payload"]["pay_url"], data={"result": result},
                            timeout=SANDBOX_TIMEOUT_SECONDS)
    assert response.status_code in (200, 204), response.text
    return response


# ---------------------------------------------------------------------------------------------
# Waiting (bounded) for eventual states

def wait_until(probe, what, timeout=SETTLE_SECONDS_MAX):
    """probe() until it returns something truthy; fails the test naming `what` when time is up."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() >= deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(POLL_PAUSE_SECONDS)


def get_payment(client, payment_id):
    response = client.get(f"/v1/payments/{payment_id}")
    assert response.status_code == 200, response.text
    return response.json()


def get_refund(client, refund_id):
    response = client.get(f"/v1/refunds/{refund_id}")
    assert response.status_code == 200, response.text
    return response.json()


def wait_payment(client, payment_id, status):
    def probe():
        payment = get_payment(client, payment_id)
        return payment if payment["status"] == status else None
    return wait_until(probe, f"payment {payment_id} to be {status}")


def wait_refund_final(client, refund_id, timeout=SETTLE_SECONDS_MAX):
    """The refund once it is succeeded or failed."""
    def probe():
        refund = get_refund(client, refund_id)
        return refund if refund["status"] in FINAL_REFUND_STATUSES else None
    return wait_until(probe, f"refund {refund_id} to reach a final status", timeout)


def paid_payment(stack, client, channel="alipay", amount="12.30", notify_url=None, currency="CNY"):
    """A payment the payer paid at the sandbox, once paygate has it `succeeded`."""
    overrides = {"channel": channel, "amount": amount, "currency": currency}
    if notify_url:
        overrides["notify_url"] = notify_url
    response = client.create_payment(payment_body(**overrides))
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["status"] == "processing", payment
    pay(stack, payment)
    return wait_payment(client, payment["payment_id"], "succeeded")


def refund_body(payment_id, amount, merchant_refund_no=None, **extra):
    body = {"payment_id": payment_id, "amount": amount,
            "merchant_refund_no": merchant_refund_no or f"r-{uuid.uuid4().hex}"}
    body.update(extra)
    return body


def create_refund(client, payment_id, amount, merchant_refund_no=None, **options):
    return client.post("/v1/refunds", refund_body(payment_id, amount, merchant_refund_no), **options)


def assert_refund(refund, payment, amount, merchant_refund_no, statuses):
    """Every field of the refund object (docs/API.md section 6, reason and failure_code included)."""
    assert set(refund) == REFUND_FIELDS, sorted(set(refund) ^ REFUND_FIELDS)
    assert REFUND_ID_PATTERN.match(refund["refund_id"]), refund["refund_id"]
    # The refund lives on its payment's shard: same slot digits as the payment id.
    assert refund["refund_id"][16:20] == payment["payment_id"][16:20], (refund["refund_id"], payment["payment_id"])
    assert refund["payment_id"] == payment["payment_id"]
    assert refund["merchant_refund_no"] == merchant_refund_no
    assert refund["amount"] == amount
    assert refund["currency"] == payment["currency"]
    assert refund["status"] in statuses, refund
    assert isinstance(refund["created_at"], str) and refund["created_at"], refund
    if refund["status"] == "succeeded":
        assert refund["succeeded_at"], refund
        assert refund["failure_code"] is None, refund
    else:
        assert refund["succeeded_at"] is None, refund
    if refund["status"] == "failed":
        assert refund["failure_code"], refund


# ---------------------------------------------------------------------------------------------
# What the shard holds

def shard_of(slots, payment):
    return slots.shard_of_order(payment["merchant_id"], payment["merchant_order_no"])


def on_shard(stack, slots, payment, sql):
    """Rows of `sql` ({db} is the payment's shard database, {pid} its quoted payment id)."""
    return stack.database.rows_on_shard(shard_of(slots, payment), sql.replace("{pid}", sql_string(payment["payment_id"])))


def refund_rows(stack, slots, payment):
    return on_shard(stack, slots, payment, "SELECT refund_id, merchant_refund_no, amount, status FROM {db}.refunds "
                                           "WHERE payment_id = {pid} ORDER BY created_at, refund_id")


def journal_kinds(stack, slots, payment):
    """[kind, refund_id] of the payment's journal entries, sorted."""
    return sorted(on_shard(stack, slots, payment, "SELECT kind, refund_id FROM {db}.journal_entries WHERE payment_id = {pid}"))


def payment_history(stack, slots, payment):
    return [row[0] for row in on_shard(stack, slots, payment,
                                       "SELECT to_status FROM {db}.payment_status_history WHERE payment_id = {pid} ORDER BY id")]


def refund_history(stack, slots, payment, refund_id):
    return on_shard(stack, slots, payment, "SELECT from_status, to_status FROM {db}.refund_status_history "
                                           "WHERE refund_id = " + sql_string(refund_id) + " ORDER BY id")


def event_rows(stack, slots, payment):
    """[type, refund_id, event_id] of the payment's outbox rows in seq order."""
    return on_shard(stack, slots, payment,
                    "SELECT type, refund_id, event_id FROM {db}.payment_events WHERE payment_id = {pid} ORDER BY seq")


def merchant_refund_count(stack, merchant_id):
    return stack.database.count_total("refunds", f"merchant_id = {sql_string(merchant_id)}")


def merchant_footprint(stack, merchant_id):
    """Everything a merchant's refund requests may write, summed over all shards."""
    where = f"merchant_id = {sql_string(merchant_id)}"
    return {table: stack.database.count_total(table, where)
            for table in ("payments", "refunds", "request_nonces", "idempotency_keys", "journal_entries",
                          "payment_events")}
