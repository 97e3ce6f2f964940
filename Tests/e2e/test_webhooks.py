"""End to end: the transactional outbox and the merchant webhook dispatcher in
paygate-worker, against a real receiver on loopback (webhook_receiver.py). The suite's stack
retries after 1 s, 1 s and 2 s, then dead-letters (PAYGATE_WEBHOOK_SCHEDULE=1,1,2 in scripts/e2e.sh).

Covered: a paid payment's payment.succeeded arrives signed with the merchant's webhook secret and
shaped as docs/API.md section 8 says; a receiver that is down and comes back gets the same event id
and every attempt is recorded; an always-500 receiver dead-letters the event after the schedule
and `paygate-admin events resend` delivers it with the same id; a later event of a payment waits
for an earlier pending one; `paygate-admin events list|show`.
"""
import json
import os
import subprocess
import time
import uuid

import pytest
import requests

from paygate_support import payment_body, sql_string
from webhook_receiver import verify_signature, webhook_receiver  # noqa: F401 (a fixture)

SETTLE_SECONDS_MAX = 20
POLL_PAUSE_SECONDS = 0.1
ADMIN_TIMEOUT_SECONDS = 60
# The schedule the suite's stack runs with: attempts in all = retries + 1.
SCHEDULE_SECONDS = [int(part) for part in os.environ.get("PAYGATE_WEBHOOK_SCHEDULE", "1,1,2").split(",")]
ATTEMPTS_MAX = len(SCHEDULE_SECONDS) + 1


# ---------------------------------------------------------------------------------------------
# helpers

def sandbox_session(stack):
    session = requests.Session()
    session.verify = stack.ca
    session.trust_env = False
    return session


def create_processing(client, receiver, channel="alipay", **overrides):
    response = client.create_payment(payment_body(channel=channel, notify_url=receiver.url, **overrides))
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["status"] == "processing", payment
    return payment


def pay(stack, payment, result="success"):
    response = sandbox_session(stack).post(payment["channel_payload"]["pay_url"], data={"result": result}, timeout=10)
    assert response.status_code in (200, 204), response.text


def wait_until(probe, what, timeout=SETTLE_SECONDS_MAX):
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(POLL_PAUSE_SECONDS)


def paid_payment(stack, client, receiver, **overrides):
    payment = create_processing(client, receiver, **overrides)
    pay(stack, payment)
    return wait_until(lambda: (lambda p: p if p["status"] == "succeeded" else None)(
        client.get(f"/v1/payments/{payment['payment_id']}").json()), "the payment to succeed")


def shard_of(slots, payment):
    return slots.shard_of_order(payment["merchant_id"], payment["merchant_order_no"])


def events_of(stack, slots, payment):
    """The payment's outbox rows in seq order, as dicts."""
    rows = stack.database.rows_on_shard(
        shard_of(slots, payment),
        "SELECT event_id, type, state, attempts, seq, delivered_at, last_attempt_at FROM {db}.payment_events "
        "WHERE payment_id = " + sql_string(payment["payment_id"]) + " ORDER BY seq")
    names = ("event_id", "type", "state", "attempts", "seq", "delivered_at", "last_attempt_at")
    return [dict(zip(names, row)) for row in rows]


def event_of(stack, slots, payment, event_type="payment.succeeded"):
    matching = [event for event in events_of(stack, slots, payment) if event["type"] == event_type]
    return matching[0] if matching else None


def attempts_of(stack, slots, payment, event_id):
    rows = stack.database.rows_on_shard(
        shard_of(slots, payment),
        "SELECT attempt, http_status, error FROM {db}.webhook_attempts WHERE event_id = " + sql_string(event_id) + " ORDER BY id")
    return [{"attempt": int(row[0]), "http_status": None if row[1] == "NULL" else int(row[1]),
             "error": None if row[2] == "NULL" else row[2]} for row in rows]


def admin(stack, *arguments):
    """(exit status, the JSON lines printed, stderr) of `paygate-admin events ...`."""
    result = subprocess.run([stack.admin, "--config", stack.config_path, "events", *arguments],
                            capture_output=True, text=True, timeout=ADMIN_TIMEOUT_SECONDS)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()] if result.returncode == 0 else []
    return result.returncode, lines, result.stderr


def public_payment(client, payment_id):
    return client.get(f"/v1/payments/{payment_id}").json()


# ---------------------------------------------------------------------------------------------
# delivery

def test_payment_succeeded_arrives_signed_and_shaped_as_the_contract(stack, client, merchant, slots, webhook_receiver):
    payment = paid_payment(stack, client, webhook_receiver)
    [delivery] = webhook_receiver.wait_for(lambda d: d.event_type == "payment.succeeded")
    assert delivery.path == "/webhook"
    assert delivery.headers["content-type"] == "application/json"
    assert verify_signature(merchant["webhook_secret"], delivery), delivery.headers.get("paygate-signature")
    assert not verify_signature(merchant["secret"], delivery), "signed with the API secret instead of the webhook secret"
    body = delivery.json()
    assert list(body) == ["id", "type", "created_at", "data"]
    assert body["id"].startswith("evt_") and len(body["id"]) == 36
    assert delivery.event_id == body["id"]
    assert body["type"] == "payment.succeeded"
    assert body["created_at"].endswith("Z") and "T" in body["created_at"]
    # data is the payment object as of the change; nothing changed it since.
    assert body["data"] == public_payment(client, payment["payment_id"])
    assert body["data"]["status"] == "succeeded"

    event = wait_until(lambda: (lambda e: e if e and e["state"] == "delivered" else None)(event_of(stack, slots, payment)),
                       "the event to be recorded as delivered")
    assert event["event_id"] == body["id"]
    assert event["attempts"] == "1" and event["delivered_at"] != "NULL"
    assert attempts_of(stack, slots, payment, body["id"]) == [{"attempt": 1, "http_status": 200, "error": None}]


def test_payment_failed_is_delivered_too(stack, client, merchant, webhook_receiver):
    payment = create_processing(client, webhook_receiver, channel="unionpay")  # UnionPay calls back a failure
    pay(stack, payment, "fail")
    [delivery] = webhook_receiver.wait_for(lambda d: d.event_type == "payment.failed")
    assert verify_signature(merchant["webhook_secret"], delivery)
    assert delivery.json()["data"]["payment_id"] == payment["payment_id"]
    assert delivery.json()["data"]["status"] == "failed"


def test_receiver_down_then_up_gets_the_same_event_after_recorded_retries(stack, client, merchant, slots, webhook_receiver):
    webhook_receiver.down()
    payment = paid_payment(stack, client, webhook_receiver)
    event = wait_until(lambda: event_of(stack, slots, payment), "the payment.succeeded event")
    # Two refused attempts on record, then the receiver comes back before the schedule runs out.
    wait_until(lambda: len(attempts_of(stack, slots, payment, event["event_id"])) >= 2, "two failed attempts")
    webhook_receiver.up()
    [delivery] = webhook_receiver.wait_for(lambda d: d.event_type == "payment.succeeded")
    assert delivery.event_id == event["event_id"] == delivery.json()["id"]
    assert verify_signature(merchant["webhook_secret"], delivery)

    delivered = wait_until(lambda: (lambda e: e if e["state"] == "delivered" else None)(event_of(stack, slots, payment)),
                           "the event to be recorded as delivered")
    attempts = attempts_of(stack, slots, payment, event["event_id"])
    assert [a["attempt"] for a in attempts] == list(range(1, len(attempts) + 1))
    assert int(delivered["attempts"]) == len(attempts) <= ATTEMPTS_MAX
    assert attempts[-1]["http_status"] == 200
    for failed in attempts[:-1]:
        assert failed["http_status"] is None and failed["error"].startswith("connection failed"), failed


def test_always_500_is_dead_lettered_and_resent_with_the_same_id(stack, client, merchant, slots, webhook_receiver):
    webhook_receiver.answer(500)
    payment = paid_payment(stack, client, webhook_receiver)
    dead = wait_until(lambda: (lambda e: e if e and e["state"] == "dead" else None)(event_of(stack, slots, payment)),
                      "the event to be dead-lettered", timeout=SETTLE_SECONDS_MAX + sum(SCHEDULE_SECONDS))
    event_id = dead["event_id"]
    assert int(dead["attempts"]) == ATTEMPTS_MAX
    attempts = attempts_of(stack, slots, payment, event_id)
    assert attempts == [{"attempt": n, "http_status": 500, "error": "answered HTTP 500"} for n in range(1, ATTEMPTS_MAX + 1)]
    received = [d for d in webhook_receiver.deliveries if d.event_type == "payment.succeeded"]
    assert len(received) == ATTEMPTS_MAX and {d.event_id for d in received} == {event_id}
    assert all(verify_signature(merchant["webhook_secret"], d) for d in received)

    status, listed, _ = admin(stack, "list", "--state", "dead", "--payment", payment["payment_id"])
    assert status == 0 and [line["event_id"] for line in listed] == [event_id]

    webhook_receiver.answer(200)
    status, lines, stderr = admin(stack, "resend", event_id)
    assert status == 0, stderr
    assert lines == [{"event_id": event_id, "state": "pending", "resent": True}]
    [delivery] = webhook_receiver.wait_for(lambda d: d.event_type == "payment.succeeded" and d.status == 200)
    assert delivery.event_id == event_id == delivery.json()["id"]
    delivered = wait_until(lambda: (lambda e: e if e["state"] == "delivered" else None)(event_of(stack, slots, payment)),
                           "the resent event to be recorded as delivered")
    assert delivered["attempts"] == "1"  # a fresh schedule
    status, [shown], _ = admin(stack, "show", event_id)
    assert status == 0
    assert [(a["attempt"], a["http_status"]) for a in shown["attempts_made"]] == \
        [(n, 500) for n in range(1, ATTEMPTS_MAX + 1)] + [(1, 200)]

    # A resend while pending changes nothing; a delivered event may be resent again.
    status, lines, _ = admin(stack, "resend", event_id)
    assert status == 0 and lines[0]["event_id"] == event_id
    webhook_receiver.wait_for(lambda d: d.event_id == event_id and d.status == 200, count=1 + int(lines[0]["resent"]))


# ---------------------------------------------------------------------------------------------
# ordering

def insert_earlier_event(stack, slots, payment):
    """A pending event of the payment written before its payment.succeeded (so with a lower seq),
    not due for an hour: the later event must wait for it."""
    event_id = "evt_" + uuid.uuid4().hex
    stack.database.rows_on_shard(
        shard_of(slots, payment),
        "INSERT INTO {db}.payment_events (event_id, payment_id, slot, merchant_id, type, refund_id, data, state, attempts, "
        "next_attempt_at, created_at) VALUES (" + ", ".join([
            sql_string(event_id), sql_string(payment["payment_id"]), str(int(payment["payment_id"][16:20], 16)),
            sql_string(payment["merchant_id"]), "'refund.failed'", sql_string("ref_ordering_probe_" + uuid.uuid4().hex[:12]),
            sql_string('{"ordering_probe": true}'), "'pending'", "0",
            "UTC_TIMESTAMP(3) + INTERVAL 1 HOUR", "UTC_TIMESTAMP(3)"]) + ")")
    return event_id


def delete_event(stack, slots, payment, event_id):
    stack.database.rows_on_shard(
        shard_of(slots, payment),
        "DELETE FROM {db}.webhook_attempts WHERE event_id = " + sql_string(event_id) + "; "
        "DELETE FROM {db}.payment_events WHERE event_id = " + sql_string(event_id))


def test_a_later_event_waits_for_an_earlier_pending_one_of_the_same_payment(stack, client, slots, webhook_receiver):
    payment = create_processing(client, webhook_receiver)
    earlier = insert_earlier_event(stack, slots, payment)
    try:
        pay(stack, payment)
        later = wait_until(lambda: event_of(stack, slots, payment), "the payment.succeeded event")
        # Witnesses on the same shard, paid after the later event was due, are delivered: the
        # dispatcher has looked at that shard since and left the later event alone.
        shard = shard_of(slots, payment)
        for _ in range(2):
            order_no = slots.order_no_on_shard(payment["merchant_id"], shard, prefix="witness")
            witness = paid_payment(stack, client, webhook_receiver, merchant_order_no=order_no)
            webhook_receiver.wait_for(lambda d, w=witness: d.event_type == "payment.succeeded"
                                      and d.json()["data"]["payment_id"] == w["payment_id"])
        assert [d for d in webhook_receiver.deliveries if d.event_id in (earlier, later["event_id"])] == []
        assert event_of(stack, slots, payment)["attempts"] == "0"

        # The earlier event becomes due: it goes first, then the later one.
        stack.database.rows_on_shard(shard, "UPDATE {db}.payment_events SET next_attempt_at = UTC_TIMESTAMP(3) "
                                            "WHERE event_id = " + sql_string(earlier))
        first, second = webhook_receiver.wait_for(lambda d: d.event_id in (earlier, later["event_id"]), count=2)
        assert (first.event_id, second.event_id) == (earlier, later["event_id"])
        assert first.json()["data"] == {"ordering_probe": True}
        events = {e["event_id"]: e for e in wait_until(
            lambda: (lambda es: es if all(e["state"] == "delivered" for e in es) else None)(events_of(stack, slots, payment)),
            "both events delivered")}
        assert events[earlier]["delivered_at"] <= events[later["event_id"]]["last_attempt_at"]
        assert int(events[earlier]["seq"]) < int(events[later["event_id"]]["seq"])
    finally:
        # The probe is no real state change: leave nothing for the invariant checker to trip on.
        delete_event(stack, slots, payment, earlier)


# ---------------------------------------------------------------------------------------------
# paygate-admin events

def test_admin_list_and_show(stack, client, slots, webhook_receiver):
    payment = paid_payment(stack, client, webhook_receiver)
    [delivery] = webhook_receiver.wait_for(lambda d: d.event_type == "payment.succeeded")
    wait_until(lambda: (lambda e: e and e["state"] == "delivered")(event_of(stack, slots, payment)), "delivered")

    status, listed, stderr = admin(stack, "list", "--payment", payment["payment_id"])
    assert status == 0, stderr
    assert len(listed) == 1
    line = listed[0]
    assert line["event_id"] == delivery.event_id
    assert line["type"] == "payment.succeeded" and line["state"] == "delivered" and line["attempts"] == 1
    assert line["payment_id"] == payment["payment_id"] and line["merchant_id"] == payment["merchant_id"]
    assert line["refund_id"] is None and line["next_attempt_at"] is None and line["delivered_at"]
    assert "data" not in line

    status, listed, _ = admin(stack, "list", "--state", "delivered", "--limit", "3")
    assert status == 0 and 1 <= len(listed) <= 3 and all(e["state"] == "delivered" for e in listed)
    assert [e["created_at"] for e in listed] == sorted((e["created_at"] for e in listed), reverse=True)

    status, [shown], _ = admin(stack, "show", delivery.event_id)
    assert status == 0
    assert shown["event_id"] == delivery.event_id and shown["state"] == "delivered"
    assert shown["data"] == delivery.json()["data"]
    [attempt] = shown["attempts_made"]
    assert attempt["attempt"] == 1 and attempt["http_status"] == 200 and attempt["error"] is None
    assert attempt["latency_ms"] >= 0 and attempt["attempted_at"].endswith("Z")

    assert admin(stack, "show", "evt_" + "0" * 32)[0] == 1
    assert admin(stack, "resend", "evt_" + "0" * 32)[0] == 1
    assert admin(stack, "list", "--state", "lost")[0] == 2
    assert admin(stack, "list", "--limit", "0")[0] == 2
    assert admin(stack, "list", "--payment", "nope")[0] == 2
