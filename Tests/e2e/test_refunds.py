"""End to end: refunds (docs/API.md section 6) through the connectors and the channel
sandbox on every channel: Alipay confirms in its answer, WeChat Pay and UnionPay by a callback
later. Full and partial refunds, duplicates, the refundable limit (also under 20 concurrent
refunds), refusals that write nothing, a refund the channel refuses (sandbox knob
`refund_result: fail`) that gives its amount back, Idempotency-Key replays, the refund webhooks,
and the rows each step leaves on the payment's shard (refunds, history, journal, outbox)."""
import threading
import uuid

import pytest

from paygate_support import assert_error, channel_reference, encode_body, payment_body, sql_string
from refund_support import (CHANNELS, assert_refund, create_refund, event_rows, get_payment, get_refund,
                            journal_kinds, merchant_footprint, merchant_refund_count, paid_payment, pay,
                            payment_history, refund_body, refund_history, refund_rows, sandbox_faults,  # noqa: F401
                            sandbox_session, wait_payment, wait_refund_final, wait_until)
from webhook_receiver import verify_signature, webhook_receiver  # noqa: F401 (a fixture)

CONCURRENT_REFUNDS = 20
# Alipay answers the refund call with the result; the others accept it and call back later (the
# callback may already have arrived by the time the answer is written, hence either status).
FIRST_STATUSES = {"alipay": ("succeeded",), "wechatpay": ("processing", "succeeded"),
                  "unionpay": ("processing", "succeeded")}


def new_refund_no():
    return f"r-{uuid.uuid4().hex}"


def assert_moves_only_when_confirmed(client, payment_id, refund_id):
    """Reads the payment first and the refund second: a payment that already counts a refund the
    later read still shows `processing` moved before the channel confirmed."""
    payment = get_payment(client, payment_id)
    refund = get_refund(client, refund_id)
    if refund["status"] != "succeeded":
        assert payment["status"] == "succeeded" and payment["refunded_amount"] == "0.00", (payment, refund)


def refund_deliveries(receiver, refund_id, event_type):
    return [d for d in receiver.deliveries if d.event_type == event_type and d.json()["data"].get("refund_id") == refund_id]


# ---------------------------------------------------------------------------------------------
# Full and partial refunds on every channel

@pytest.mark.parametrize("channel", CHANNELS)
def test_full_refund(stack, client, merchant, slots, webhook_receiver, channel):  # noqa: F811
    payment = paid_payment(stack, client, channel, amount="12.30", notify_url=webhook_receiver.url)
    number = new_refund_no()
    response = client.post("/v1/refunds", refund_body(payment["payment_id"], "12.30", number, reason="customer returned it"))
    assert response.status_code == 201, response.text
    first = response.json()
    assert_refund(first, payment, "12.30", number, FIRST_STATUSES[channel])
    assert first["reason"] == "customer returned it"
    assert_moves_only_when_confirmed(client, payment["payment_id"], first["refund_id"])

    refund = wait_refund_final(client, first["refund_id"])
    assert_refund(refund, payment, "12.30", number, ("succeeded",))
    assert refund["created_at"] == first["created_at"]
    refunded = wait_payment(client, payment["payment_id"], "refunded")
    assert refunded["refunded_amount"] == "12.30" and refunded["amount"] == "12.30", refunded

    # The rows: one refund, its history, the payment's history, one reversal in the journal.
    assert refund_rows(stack, slots, payment) == [[refund["refund_id"], number, "12.30", "succeeded"]]
    assert refund_history(stack, slots, payment, refund["refund_id"]) == [["NULL", "processing"], ["processing", "succeeded"]]
    assert payment_history(stack, slots, payment) == ["created", "processing", "succeeded", "refunded"]
    assert journal_kinds(stack, slots, payment) == [["payment_succeeded", ""], ["refund_succeeded", refund["refund_id"]]]
    events = event_rows(stack, slots, payment)
    assert [row[:2] for row in events] == [["payment.succeeded", ""], ["refund.succeeded", refund["refund_id"]]], events

    # The merchant hears of it: refund.succeeded, signed, carrying the refund, with the outbox id.
    [delivery] = webhook_receiver.wait_for(
        lambda d: d.event_type == "refund.succeeded" and d.json()["data"].get("refund_id") == refund["refund_id"])
    assert verify_signature(merchant["webhook_secret"], delivery), delivery.headers
    assert delivery.event_id == delivery.json()["id"] == events[1][2]
    assert delivery.json()["data"] == refund

    # A refunded payment takes no further refund, and nothing is written for the attempt.
    before = merchant_footprint(stack, client.merchant_id)
    assert_error(create_refund(client, payment["payment_id"], "0.01"), 409, "invalid_state")
    assert merchant_footprint(stack, client.merchant_id) == before


@pytest.mark.parametrize("channel", CHANNELS)
def test_partial_then_rest(stack, client, slots, channel):
    payment = paid_payment(stack, client, channel, amount="10.00")
    first = create_refund(client, payment["payment_id"], "3.00")
    assert first.status_code == 201, first.text
    first = wait_refund_final(client, first.json()["refund_id"])
    assert first["status"] == "succeeded", first
    partial = wait_payment(client, payment["payment_id"], "partially_refunded")
    assert partial["refunded_amount"] == "3.00", partial

    # More than what is left (7.00) is refused and writes nothing.
    before = merchant_footprint(stack, client.merchant_id)
    error = assert_error(create_refund(client, payment["payment_id"], "7.01"), 422, "refund_exceeds_refundable")
    assert "7.00" in error["message"], error
    assert merchant_footprint(stack, client.merchant_id) == before
    assert get_payment(client, payment["payment_id"])["refunded_amount"] == "3.00"

    second = create_refund(client, payment["payment_id"], "7.00")
    assert second.status_code == 201, second.text
    second = wait_refund_final(client, second.json()["refund_id"])
    assert second["status"] == "succeeded", second
    refunded = wait_payment(client, payment["payment_id"], "refunded")
    assert refunded["refunded_amount"] == "10.00", refunded

    assert [row[2:] for row in refund_rows(stack, slots, payment)] == [["3.00", "succeeded"], ["7.00", "succeeded"]]
    assert payment_history(stack, slots, payment) == ["created", "processing", "succeeded", "partially_refunded", "refunded"]
    assert journal_kinds(stack, slots, payment) == sorted(
        [["payment_succeeded", ""], ["refund_succeeded", first["refund_id"]], ["refund_succeeded", second["refund_id"]]])
    # The journal reverses exactly what was refunded: merchant_payable is back to zero.
    lines = stack.database.rows_on_shard(
        slots.shard_of_order(payment["merchant_id"], payment["merchant_order_no"]),
        "SELECT l.account, SUM(l.amount) FROM {db}.journal_lines l JOIN {db}.journal_entries e USING (entry_id) "
        "WHERE e.payment_id = " + sql_string(payment["payment_id"]) + " GROUP BY l.account ORDER BY l.account")
    assert ["merchant_payable", "0.00"] in lines, lines


# ---------------------------------------------------------------------------------------------
# Duplicates, limits and refusals (each writes nothing)

def test_duplicate_merchant_refund_no(stack, client, slots):
    payment = paid_payment(stack, client, "alipay", amount="10.00")
    number = new_refund_no()
    first = client.post("/v1/refunds", refund_body(payment["payment_id"], "2.00", number))
    assert first.status_code == 201, first.text
    again = client.post("/v1/refunds", refund_body(payment["payment_id"], "2.00", number))
    assert again.status_code == 200, again.text
    assert again.json() == get_refund(client, first.json()["refund_id"])

    before = merchant_footprint(stack, client.merchant_id)
    error = assert_error(client.post("/v1/refunds", refund_body(payment["payment_id"], "3.00", number)), 409, "order_conflict")
    assert error.get("field") in (None, "merchant_refund_no"), error
    assert merchant_footprint(stack, client.merchant_id) == before
    assert len(refund_rows(stack, slots, payment)) == 1

    # The number is unique per payment: another payment may use it.
    other = paid_payment(stack, client, "alipay", amount="5.00")
    elsewhere = client.post("/v1/refunds", refund_body(other["payment_id"], "2.00", number))
    assert elsewhere.status_code == 201, elsewhere.text
    assert elsewhere.json()["refund_id"] != first.json()["refund_id"]
    wait_payment(client, payment["payment_id"], "partially_refunded")


def test_same_amount_written_differently_is_the_same_refund(stack, client, slots):
    payment = paid_payment(stack, client, "alipay", amount="10.00")
    number = new_refund_no()
    first = client.post("/v1/refunds", refund_body(payment["payment_id"], "2.5", number))
    assert first.status_code == 201, first.text
    assert first.json()["amount"] == "2.50"
    again = client.post("/v1/refunds", refund_body(payment["payment_id"], "2.50", number))
    assert again.status_code == 200 and again.json()["refund_id"] == first.json()["refund_id"], again.text
    assert len(refund_rows(stack, slots, payment)) == 1


def test_replayed_refund_request_is_refused_and_writes_nothing(stack, client, slots):
    payment = paid_payment(stack, client, "alipay", amount="10.00")
    body = encode_body(refund_body(payment["payment_id"], "1.00", new_refund_no()))
    headers = dict(client.signed_headers("POST", "/v1/refunds", body), **{"Content-Type": "application/json"})
    first = client.send("POST", "/v1/refunds", body, headers)
    assert first.status_code == 201, first.text
    before = merchant_footprint(stack, client.merchant_id)
    assert_error(client.send("POST", "/v1/refunds", body, headers), 401, "nonce_reused")
    assert merchant_footprint(stack, client.merchant_id) == before
    assert len(refund_rows(stack, slots, payment)) == 1


def test_refund_above_the_payment_is_refused(stack, client):
    payment = paid_payment(stack, client, "alipay", amount="12.30")
    before = merchant_footprint(stack, client.merchant_id)
    assert_error(create_refund(client, payment["payment_id"], "12.31"), 422, "refund_exceeds_refundable")
    assert merchant_footprint(stack, client.merchant_id) == before
    assert get_payment(client, payment["payment_id"])["status"] == "succeeded"


@pytest.mark.parametrize("state", ["processing", "closed", "failed"])
def test_refund_of_an_unpaid_payment_is_invalid_state(stack, client, state):
    channel = "unionpay" if state == "failed" else "alipay"
    response = client.create_payment(payment_body(channel=channel))
    assert response.status_code == 201, response.text
    payment = response.json()
    if state == "closed":
        assert client.post(f"/v1/payments/{payment['payment_id']}/close").status_code == 200
    elif state == "failed":
        pay(stack, payment, "fail")
        wait_payment(client, payment["payment_id"], "failed")
    assert get_payment(client, payment["payment_id"])["status"] == state
    before = merchant_footprint(stack, client.merchant_id)
    assert_error(create_refund(client, payment["payment_id"], "1.00"), 409, "invalid_state")
    assert merchant_footprint(stack, client.merchant_id) == before


def test_unknown_and_foreign_objects_are_404(stack, client, other_client):
    payment = paid_payment(stack, client, "alipay", amount="10.00")
    before = merchant_footprint(stack, client.merchant_id)
    other_before = merchant_footprint(stack, other_client.merchant_id)
    # A well-formed payment id that does not exist (on a real slot), and another merchant's payment.
    unknown = payment["payment_id"][:20] + uuid.uuid4().hex[:16]
    assert_error(create_refund(client, unknown, "1.00"), 404, "not_found")
    assert_error(create_refund(other_client, payment["payment_id"], "1.00"), 404, "not_found")
    assert merchant_footprint(stack, client.merchant_id) == before
    assert merchant_footprint(stack, other_client.merchant_id) == other_before

    refund = create_refund(client, payment["payment_id"], "1.00")
    assert refund.status_code == 201, refund.text
    refund_id = refund.json()["refund_id"]
    assert get_refund(client, refund_id)["refund_id"] == refund_id
    assert_error(other_client.get(f"/v1/refunds/{refund_id}"), 404, "not_found")
    assert_error(client.get(f"/v1/refunds/{refund_id[:20]}{uuid.uuid4().hex[:16]}"), 404, "not_found")
    assert_error(client.get("/v1/refunds/ref_nothing"), 404, "not_found")
    assert_error(client.get(f"/v1/refunds/{payment['payment_id']}"), 404, "not_found")


def _invalid_bodies(payment_id):
    good = {"payment_id": payment_id, "merchant_refund_no": new_refund_no(), "amount": "1.00"}

    def variant(**changes):
        body = dict(good)
        for key, value in changes.items():
            if value is KeyError:
                body.pop(key)
            else:
                body[key] = value
        return body
    return [
        (variant(payment_id=KeyError), "missing_field", "payment_id"),
        (variant(payment_id=None), "missing_field", "payment_id"),
        (variant(payment_id="pay_123"), "invalid_field", "payment_id"),
        (variant(payment_id=12), "invalid_field", "payment_id"),
        (variant(merchant_refund_no=KeyError), "missing_field", "merchant_refund_no"),
        (variant(merchant_refund_no=""), "invalid_field", "merchant_refund_no"),
        (variant(merchant_refund_no="has space"), "invalid_field", "merchant_refund_no"),
        (variant(merchant_refund_no="r" * 65), "invalid_field", "merchant_refund_no"),
        (variant(amount=KeyError), "missing_field", "amount"),
        (variant(amount=1), "invalid_field", "amount"),
        (variant(amount="0"), "invalid_field", "amount"),
        (variant(amount="0.00"), "invalid_field", "amount"),
        (variant(amount="-1.00"), "invalid_field", "amount"),
        (variant(amount="1.001"), "invalid_field", "amount"),
        (variant(amount="1e2"), "invalid_field", "amount"),
        (variant(amount="100000000.01"), "invalid_field", "amount"),
        (variant(reason="x" * 257), "invalid_field", "reason"),
        (variant(reason=7), "invalid_field", "reason"),
        # docs/API.md section 6: a member the body does not define is refused by name.
        (variant(currency="CNY"), "invalid_field", "currency"),
        (variant(metadata=None), "invalid_field", "metadata"),
    ]


def test_validation_errors_write_nothing(stack, client, slots):
    payment = paid_payment(stack, client, "alipay", amount="10.00")
    before = merchant_footprint(stack, client.merchant_id)
    for body, code, field in _invalid_bodies(payment["payment_id"]):
        assert_error(client.post("/v1/refunds", body), 400, code, field)
    assert_error(client.post("/v1/refunds", "{not json"), 400, "invalid_json")
    assert_error(client.post("/v1/refunds", [refund_body(payment["payment_id"], "1.00")]), 400, "invalid_json")
    wrong_type = client.post("/v1/refunds", refund_body(payment["payment_id"], "1.00"), content_type="text/plain")
    assert_error(wrong_type, 415, "unsupported_media_type")
    assert merchant_footprint(stack, client.merchant_id) == before
    assert refund_rows(stack, slots, payment) == []
    current = get_payment(client, payment["payment_id"])
    assert current["status"] == "succeeded" and current["refunded_amount"] == "0.00", current


# ---------------------------------------------------------------------------------------------
# A refund the channel refuses gives its amount back

@pytest.mark.parametrize("channel", CHANNELS)
def test_failed_refund_gives_the_amount_back(stack, client, slots, sandbox_faults, webhook_receiver, channel):  # noqa: F811
    payment = paid_payment(stack, client, channel, amount="10.00", notify_url=webhook_receiver.url)
    sandbox_faults({"refund_result": "fail"})
    number = new_refund_no()
    response = client.post("/v1/refunds", refund_body(payment["payment_id"], "10.00", number))
    assert response.status_code == 201, response.text
    # Alipay refuses in its answer; the others accept and then call back with the failure.
    assert_refund(response.json(), payment, "10.00", number, ("failed",) if channel == "alipay" else ("processing", "failed"))
    failed = wait_refund_final(client, response.json()["refund_id"])
    assert_refund(failed, payment, "10.00", number, ("failed",))
    sandbox_faults({})

    unchanged = get_payment(client, payment["payment_id"])
    assert unchanged["status"] == "succeeded" and unchanged["refunded_amount"] == "0.00", unchanged
    assert refund_history(stack, slots, payment, failed["refund_id"]) == [["NULL", "processing"], ["processing", "failed"]]
    assert journal_kinds(stack, slots, payment) == [["payment_succeeded", ""]]
    assert payment_history(stack, slots, payment) == ["created", "processing", "succeeded"]
    # The same number and amount answer the failed refund again: it is not sent a second time.
    again = client.post("/v1/refunds", refund_body(payment["payment_id"], "10.00", number))
    assert again.status_code == 200 and again.json() == failed, again.text

    # The whole amount is refundable again, under a new number.
    retry = create_refund(client, payment["payment_id"], "10.00")
    assert retry.status_code == 201, retry.text
    succeeded = wait_refund_final(client, retry.json()["refund_id"])
    assert succeeded["status"] == "succeeded", succeeded
    refunded = wait_payment(client, payment["payment_id"], "refunded")
    assert refunded["refunded_amount"] == "10.00", refunded
    assert [row[3] for row in refund_rows(stack, slots, payment)] == ["failed", "succeeded"]
    events = [row[:2] for row in event_rows(stack, slots, payment)]
    assert events == [["payment.succeeded", ""], ["refund.failed", failed["refund_id"]],
                      ["refund.succeeded", succeeded["refund_id"]]], events

    # Both outcomes reach the merchant, the failure first (one payment's events go in order).
    [failure] = webhook_receiver.wait_for(
        lambda d: d.event_type == "refund.failed" and d.json()["data"].get("refund_id") == failed["refund_id"])
    [success] = webhook_receiver.wait_for(
        lambda d: d.event_type == "refund.succeeded" and d.json()["data"].get("refund_id") == succeeded["refund_id"])
    assert failure.json()["data"]["status"] == "failed" and failure.json()["data"]["failure_code"], failure.json()
    assert failure.received_at <= success.received_at


# ---------------------------------------------------------------------------------------------
# Refund callbacks repeated or out of order (the channels that confirm by callback)

def callbacks_owed(stack, subjects):
    response = sandbox_session(stack).get(stack.sandbox_url + "/sandbox/callbacks", timeout=10)
    assert response.status_code == 200, response.text
    return [c for c in response.json()["callbacks"] if c["subject"] in subjects]


@pytest.mark.parametrize("channel", ["wechatpay", "unionpay"])
def test_duplicate_refund_callbacks_apply_once(stack, client, slots, sandbox_faults, channel):  # noqa: F811
    payment = paid_payment(stack, client, channel, amount="10.00")
    sandbox_faults({"duplicate_callbacks": 3, "channel": channel})
    response = create_refund(client, payment["payment_id"], "4.00")
    assert response.status_code == 201, response.text
    refund = wait_refund_final(client, response.json()["refund_id"])
    assert refund["status"] == "succeeded", refund
    # Every copy has been delivered (the sandbox retries until acknowledged) before counting.
    owed = {channel_reference(channel, payment["payment_id"]), channel_reference(channel, refund["refund_id"])}
    wait_until(lambda: not callbacks_owed(stack, owed),
               "the sandbox to deliver every copy of the refund callback")
    assert get_payment(client, payment["payment_id"])["refunded_amount"] == "4.00"
    assert refund_history(stack, slots, payment, refund["refund_id"]) == [["NULL", "processing"], ["processing", "succeeded"]]
    assert payment_history(stack, slots, payment) == ["created", "processing", "succeeded", "partially_refunded"]
    assert journal_kinds(stack, slots, payment) == [["payment_succeeded", ""], ["refund_succeeded", refund["refund_id"]]]
    assert [row[:2] for row in event_rows(stack, slots, payment)] == [["payment.succeeded", ""], ["refund.succeeded", refund["refund_id"]]]


@pytest.mark.parametrize("channel", ["wechatpay", "unionpay"])
def test_out_of_order_refund_callbacks(stack, client, slots, sandbox_faults, channel):  # noqa: F811
    payment = paid_payment(stack, client, channel, amount="10.00")
    sandbox_faults({"out_of_order_callbacks": True, "channel": channel})
    first = create_refund(client, payment["payment_id"], "3.00")
    second = create_refund(client, payment["payment_id"], "7.00")
    assert first.status_code == 201 and second.status_code == 201, (first.text, second.text)
    ids = [first.json()["refund_id"], second.json()["refund_id"]]
    assert all(wait_refund_final(client, refund_id)["status"] == "succeeded" for refund_id in ids)
    refunded = wait_payment(client, payment["payment_id"], "refunded")
    assert refunded["refunded_amount"] == "10.00", refunded
    assert payment_history(stack, slots, payment) == ["created", "processing", "succeeded", "partially_refunded", "refunded"]
    assert sorted(k[1] for k in journal_kinds(stack, slots, payment) if k[0] == "refund_succeeded") == sorted(ids)


# ---------------------------------------------------------------------------------------------
# A channel that cannot be reached: the refund waits `processing`, the worker sends it again

def make_due(stack, slots, payment, refund_id):
    """Moves the refund's next worker look to now (what waiting for firstCheckSeconds would do)."""
    on_shard_sql = ("UPDATE {db}.refunds SET check_after = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE refund_id = "
                    + sql_string(refund_id))
    stack.database.rows_on_shard(slots.shard_of_order(payment["merchant_id"], payment["merchant_order_no"]), on_shard_sql)


@pytest.mark.parametrize("channel,knobs", [
    ("alipay", {"status_5xx": 503}), ("wechatpay", {"status_5xx": 503}), ("unionpay", {"status_5xx": 503}),
    # The channel carries the refund out but its answer comes too late: the worker's resend of the
    # same refund id must not refund twice (a second full refund would be refused as exceeding).
    ("wechatpay", {"timeout_ms": 7000}),
])
def test_unreachable_channel_refund_is_sent_again_by_the_worker(stack, client, slots, sandbox_faults, channel, knobs):  # noqa: F811
    payment = paid_payment(stack, client, channel, amount="10.00")
    sandbox_faults(dict(knobs, channel=channel))
    response = create_refund(client, payment["payment_id"], "10.00")
    assert response.status_code == 201, response.text
    refund = response.json()
    assert refund["status"] == "processing", refund
    # With a late answer the channel may already have called back (WeChat Pay): the payment moves
    # only once the refund itself is succeeded.
    assert_moves_only_when_confirmed(client, payment["payment_id"], refund["refund_id"])
    # Nothing more is refundable: its amount is reserved while it is pending.
    more = create_refund(client, payment["payment_id"], "0.01")
    if more.status_code == 409:  # only once the callback has refunded the payment in full
        assert_error(more, 409, "invalid_state")
        assert get_payment(client, payment["payment_id"])["status"] == "refunded"
    else:
        assert_error(more, 422, "refund_exceeds_refundable")
    sandbox_faults({})

    make_due(stack, slots, payment, refund["refund_id"])
    final = wait_refund_final(client, refund["refund_id"])
    assert final["status"] == "succeeded", final
    assert final["refund_id"] == refund["refund_id"] and final["created_at"] == refund["created_at"]
    refunded = wait_payment(client, payment["payment_id"], "refunded")
    assert refunded["refunded_amount"] == "10.00", refunded
    assert refund_history(stack, slots, payment, refund["refund_id"]) == [["NULL", "processing"], ["processing", "succeeded"]]
    assert journal_kinds(stack, slots, payment) == [["payment_succeeded", ""], ["refund_succeeded", refund["refund_id"]]]


# ---------------------------------------------------------------------------------------------
# Idempotency-Key (docs/API.md section 7) on a refund

def test_idempotency_key_replays_a_refund(stack, client, slots):
    payment = paid_payment(stack, client, "alipay", amount="10.00")
    key = f"idem-{uuid.uuid4().hex}"
    body = refund_body(payment["payment_id"], "4.00", new_refund_no())
    first = client.post("/v1/refunds", body, idempotency_key=key)
    assert first.status_code == 201, first.text
    replay = client.post("/v1/refunds", body, idempotency_key=key)
    assert replay.status_code == 201, replay.text
    assert replay.headers.get("Idempotent-Replayed") == "true", dict(replay.headers)
    assert replay.json() == first.json()
    before = merchant_footprint(stack, client.merchant_id)
    different = dict(body, amount="5.00")
    assert_error(client.post("/v1/refunds", different, idempotency_key=key), 422, "idempotency_key_reused")
    assert merchant_footprint(stack, client.merchant_id) == before
    assert len(refund_rows(stack, slots, payment)) == 1
    assert wait_payment(client, payment["payment_id"], "partially_refunded")["refunded_amount"] == "4.00"


# ---------------------------------------------------------------------------------------------
# Concurrency: the refundable amount holds when the merchant fires at once

def fire_at_once(client, bodies):
    """POSTs every body from its own thread (own connection), released together by a barrier."""
    barrier = threading.Barrier(len(bodies))
    answers = [None] * len(bodies)

    def send(index):
        own = client.clone()
        try:
            barrier.wait(timeout=30)
            answers[index] = own.post("/v1/refunds", bodies[index])
        except Exception as error:  # recorded, asserted below
            answers[index] = error
        finally:
            own.close()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert not [a for a in answers if isinstance(a, Exception)], answers
    return answers


@pytest.mark.parametrize("channel", CHANNELS)
def test_concurrent_refunds_never_exceed_the_payment(stack, client, slots, channel):
    payment = paid_payment(stack, client, channel, amount="10.00")
    bodies = [refund_body(payment["payment_id"], "1.00", new_refund_no()) for _ in range(CONCURRENT_REFUNDS)]
    answers = fire_at_once(client, bodies)
    # Exactly what the payment covers is accepted. A refusal is 422 refund_exceeds_refundable, or
    # 409 invalid_state when it came after the accepted ones had already refunded the payment in
    # full (Alipay confirms at once; a `refunded` payment takes no refund at all).
    accepted = [a for a in answers if a.status_code == 201]
    assert len(accepted) == 10, [(a.status_code, a.text[:200]) for a in answers]
    for answer in answers:
        if answer.status_code != 201:
            assert answer.status_code in (409, 422), answer.text
            assert_error(answer, answer.status_code, "refund_exceeds_refundable" if answer.status_code == 422 else "invalid_state")
    accepted = [a.json()["refund_id"] for a in answers if a.status_code == 201]
    assert len(set(accepted)) == 10
    for refund_id in accepted:
        assert wait_refund_final(client, refund_id)["status"] == "succeeded"
    refunded = wait_payment(client, payment["payment_id"], "refunded")
    assert refunded["refunded_amount"] == "10.00", refunded

    rows = refund_rows(stack, slots, payment)
    assert sorted(row[0] for row in rows) == sorted(accepted)
    assert all(row[2] == "1.00" and row[3] == "succeeded" for row in rows), rows
    refused = {b["merchant_refund_no"] for b, a in zip(bodies, answers) if a.status_code != 201}
    assert not refused & {row[1] for row in rows}
    kinds = journal_kinds(stack, slots, payment)
    assert kinds.count(["payment_succeeded", ""]) == 1 and len(kinds) == 11, kinds
    assert sorted(k[1] for k in kinds if k[0] == "refund_succeeded") == sorted(accepted)
    history = payment_history(stack, slots, payment)
    assert history == ["created", "processing", "succeeded"] + ["partially_refunded"] * 9 + ["refunded"], history


def test_concurrent_identical_refunds_create_one(stack, client, slots):
    payment = paid_payment(stack, client, "wechatpay", amount="10.00")
    body = refund_body(payment["payment_id"], "2.50", new_refund_no())
    answers = fire_at_once(client, [body] * CONCURRENT_REFUNDS)
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * (CONCURRENT_REFUNDS - 1) + [201], [(a.status_code, a.text[:200]) for a in answers]
    assert len({a.json()["refund_id"] for a in answers}) == 1
    assert len(refund_rows(stack, slots, payment)) == 1
    refund = wait_refund_final(client, answers[0].json()["refund_id"])
    assert refund["status"] == "succeeded", refund
    assert wait_payment(client, payment["payment_id"], "partially_refunded")["refunded_amount"] == "2.50"
    assert merchant_refund_count(stack, client.merchant_id) == 1
