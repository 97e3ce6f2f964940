"""End to end: a create held for review (docs/API.md section 5, README "Risk") is stored `created`
with nothing from the channel, and answered as it is when repeated; `paygate-admin risk approve`
places it at the channel (and the payer pays as usual), `risk decline` fails it with its
`payment.failed` webhook, one nobody decides closes at its expiry, and the merchant may close one
without the channel. A settled review cannot be decided again.
"""
import uuid

from paygate_support import assert_payment
from risk_support import (SCORE_REVIEW, SCORE_REVIEW_AMOUNT, ACTOR, admin, assert_risk, audit_records, blocks_of,
                          create_until, decide_review, held, is_decided, list_change, risk_body, rule_text, unique_payer)
from test_channels import events_of, faults, pay, wait_for  # noqa: F401 (faults: a fixture)
from test_worker import age, history_of, wait_for_status
from webhook_receiver import verify_signature, webhook_receiver  # noqa: F401 (a fixture)

DECLINED_FAILURE_CODE = "risk_declined"


def held_payment(stack, client, **overrides):
    """(body, payment) of a create the review list holds. It is scored 75, above the review
    threshold: the review rule decides first. Creates answered before the pool read the list are
    ordinary payments, left as they are."""
    rule = rule_text("@review_users")
    payer = unique_payer()
    list_change(stack, "add", "review_users", payer["user_id"])
    body, response = create_until(client, lambda: risk_body(payer, amount=SCORE_REVIEW_AMOUNT, **overrides),
                                  is_decided("review", rule), "the listed user's create to be held for review")
    return body, held(response, rule, SCORE_REVIEW)


def statuses_in_history(stack, slots, payment):
    return [row[0] for row in history_of(stack, slots, payment)]


def test_review_then_approve_places_the_order_and_the_payer_pays(stack, client, slots):
    body, payment = held_payment(stack, client)
    assert_payment(payment, body, client.merchant_id, status="created")
    rule = payment["risk"]["rule"]
    # The same create again: 200 with the order as it is, still held.
    repeat = held(client.create_payment(body), rule, SCORE_REVIEW, http_status=200)
    assert repeat == client.get(f"/v1/payments/{payment['payment_id']}").json() == payment, (repeat, payment)
    assert statuses_in_history(stack, slots, payment) == ["created"]

    approved = decide_review(stack, "approve", payment["payment_id"])
    assert approved["payment_id"] == payment["payment_id"] and approved["status"] == "processing", approved
    assert approved["channel_payload"]["pay_url"].startswith("https://"), approved
    assert_risk(approved, "approved", rule, SCORE_REVIEW)
    looked_up = client.get(f"/v1/payments/{payment['payment_id']}").json()
    assert looked_up == approved, (looked_up, approved)
    assert statuses_in_history(stack, slots, payment) == ["created", "processing"]

    pay(stack, approved)
    settled = wait_for(client, payment["payment_id"], lambda current: current["status"] == "succeeded")
    assert settled["status"] == "succeeded" and settled["channel_txn_id"] and settled["paid_at"], settled
    assert_risk(settled, "approved", rule, SCORE_REVIEW)
    assert events_of(stack, slots, payment) == [["payment.succeeded"]]
    target = "payment:" + payment["payment_id"]
    records = [record for record in audit_records(stack, "risk.approve") if record["target"] == target]
    assert [(record["outcome"], record["actor"]) for record in records] == [("success", ACTOR)], records


def test_review_then_decline_fails_it_with_a_webhook_and_no_approval_after(stack, client, merchant, slots,
                                                                           webhook_receiver):  # noqa: F811
    _, payment = held_payment(stack, client, notify_url=webhook_receiver.url)
    rule = payment["risk"]["rule"]
    declined = decide_review(stack, "decline", payment["payment_id"])
    assert (declined["status"], declined["failure_code"]) == ("failed", DECLINED_FAILURE_CODE), declined
    assert declined["channel_payload"] == {}, declined
    assert_risk(declined, "declined", rule, SCORE_REVIEW)
    assert client.get(f"/v1/payments/{payment['payment_id']}").json() == declined

    [delivery] = webhook_receiver.wait_for(lambda d: d.event_type == "payment.failed")
    assert verify_signature(merchant["webhook_secret"], delivery), delivery.headers.get("paygate-signature")
    event = delivery.json()
    assert event["data"]["payment_id"] == payment["payment_id"], event
    assert (event["data"]["status"], event["data"]["failure_code"]) == ("failed", DECLINED_FAILURE_CODE), event
    assert_risk(event["data"], "declined", rule, SCORE_REVIEW)

    refused = admin(stack, "risk", "approve", payment["payment_id"])
    assert refused.returncode != 0, refused.stdout
    assert client.get(f"/v1/payments/{payment['payment_id']}").json() == declined
    assert statuses_in_history(stack, slots, payment) == ["created", "failed"]


def test_declines_an_operator_made_count_against_the_payer(stack, client, slots):
    """Three reviews of one user declined by an operator are three declines of that user: the
    suite's `block if declines(payer.user_id, 1h) >= 3` blocks the user's next create."""
    payer = unique_payer()
    list_change(stack, "add", "review_users", payer["user_id"])
    rule = rule_text("@review_users")
    for _ in range(3):
        _, response = create_until(client, lambda: risk_body(payer, amount=SCORE_REVIEW_AMOUNT),
                                   is_decided("review", rule), "the listed user's create to be held for review")
        declined = decide_review(stack, "decline", response.json()["payment_id"])
        assert declined["status"] == "failed", declined
    body = risk_body(payer, amount=SCORE_REVIEW_AMOUNT)
    blocked = client.create_payment(body)
    assert blocked.status_code == 402, blocked.text
    [record] = blocks_of(stack, slots, client.merchant_id, body["merchant_order_no"])
    assert record["risk_rule"] == rule_text("declines(payer.user_id"), record


def test_an_undecided_review_closes_at_its_expiry(stack, client, slots):
    _, payment = held_payment(stack, client, expire_seconds=60)
    rule = payment["risk"]["rule"]
    # Due now rather than in a minute: the timeout worker closes it without the channel.
    age(stack, slots, [payment], "expires_at")
    closed = wait_for_status(client, [payment["payment_id"]], "closed")[payment["payment_id"]]
    assert closed["status"] == "closed" and closed["channel_payload"] == {}, closed
    assert_risk(closed, "review", rule, SCORE_REVIEW)
    assert events_of(stack, slots, payment) == [["payment.closed"]]
    assert statuses_in_history(stack, slots, payment) == ["created", "closed"]
    # Too late to approve: the order is closed.
    refused = admin(stack, "risk", "approve", payment["payment_id"])
    assert refused.returncode != 0, refused.stdout
    assert client.get(f"/v1/payments/{payment['payment_id']}").json()["status"] == "closed"


def test_the_merchant_closes_a_held_payment_without_the_channel(stack, client, slots, faults):  # noqa: F811
    _, payment = held_payment(stack, client, channel="wechatpay")
    rule = payment["risk"]["rule"]
    # The channel never had the order: asked now, it would fail the close (503).
    faults({"channel": "wechatpay", "status_5xx": 503})
    response = client.post(f"/v1/payments/{payment['payment_id']}/close")
    assert response.status_code == 200, response.text
    closed = response.json()
    assert closed["status"] == "closed" and closed["channel_payload"] == {}, closed
    assert_risk(closed, "review", rule, SCORE_REVIEW)
    assert events_of(stack, slots, payment) == [["payment.closed"]]
    assert statuses_in_history(stack, slots, payment) == ["created", "closed"]
    refused = admin(stack, "risk", "approve", payment["payment_id"])
    assert refused.returncode != 0, refused.stdout
    assert client.get(f"/v1/payments/{payment['payment_id']}").json() == closed


def test_deciding_a_payment_that_was_never_held_is_refused(stack, client):
    response = client.create_payment(risk_body(unique_payer()))
    assert response.status_code == 201 and response.json()["risk"]["decision"] == "allow", response.text
    payment_id = response.json()["payment_id"]
    for decision in ("approve", "decline"):
        refused = admin(stack, "risk", decision, payment_id)
        assert refused.returncode != 0, (decision, refused.stdout)
    missing = "pay_" + uuid.uuid4().hex
    assert admin(stack, "risk", "approve", missing).returncode != 0
    assert client.get(f"/v1/payments/{payment_id}").json() == response.json()
