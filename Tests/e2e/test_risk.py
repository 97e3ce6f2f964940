"""End to end: risk decides every create before the channel is asked (docs/API.md sections 3 and
5, README "Risk"), on the suite's rules and model (risk_support.py says what they score).

Covered: a block is 402 `risk_declined` with nothing written but its record on the order's shard
and nothing the channel could answer; block rules come before the block threshold, allow rules
before everything, and each threshold decides when no rule did; declines counted under a payer
decide a later create; a velocity burst and many users behind one address are held for review at
the count the rule names; a list changed by `paygate-admin risk list` applies within the pool's
refresh, is shown, audited, and undone.
"""
import json
import uuid

from paygate_support import assert_error, payment_body
from risk_support import (SCORE_BLOCK, SCORE_BLOCK_AMOUNT, SCORE_LOW, SCORE_REVIEW, SCORE_REVIEW_AMOUNT, ACTOR,
                          allowed, audit_records, blocks_of, create_until, held, is_decided, is_risk_declined,
                          list_change, list_values, risk_body, rule_text, threshold_rule, unique_ip, unique_payer)
from test_channels import faults  # noqa: F401 (a fixture)

BURST_LIMIT = 20      # velocity(payer.ip, 10m) > 20 in the suite's rules
FARM_USERS_MAX = 5    # distinct_users(payer.ip, 1h) > 5
DECLINES_MIN = 3      # declines(payer.user_id, 1h) >= 3


def test_a_block_is_402_and_writes_nothing_but_its_record(stack, client, slots, faults):  # noqa: F811
    # The channel answers every call 503 meanwhile: a create that asked it would be 503, not 402.
    faults({"channel": "alipay", "status_5xx": 503})
    # The big spender's rule and the block threshold (score 95) both match: the rule decides.
    body = risk_body(unique_payer(user_id="e2e-big-spender"), channel="alipay", amount=SCORE_BLOCK_AMOUNT)
    body_bytes = json.dumps(body, separators=(",", ":")).encode("utf-8")
    headers = client.signed_headers("POST", "/v1/payments", body_bytes)
    headers.update({"Content-Type": "application/json", "Idempotency-Key": f"risk-{uuid.uuid4().hex}"})
    response = client.send("POST", "/v1/payments", body_bytes, headers)
    assert_error(response, 402, "risk_declined")
    assert "field" not in response.json()["error"], response.text

    lookup = client.get(f"/v1/payments?merchant_order_no={body['merchant_order_no']}")
    assert_error(lookup, 404, "not_found")
    # No payment and no stored answer; the request's nonce is spent (docs/API.md section 5), so
    # the very same request replayed is 401 and records no second block.
    assert stack.database.merchant_footprint(client.merchant_id) == {"payments": 0, "request_nonces": 1,
                                                                      "idempotency_keys": 0}
    assert_error(client.send("POST", "/v1/payments", body_bytes, headers), 401, "nonce_reused")
    [record] = blocks_of(stack, slots, client.merchant_id, body["merchant_order_no"])
    assert record["risk_rule"] == rule_text("e2e-big-spender"), record
    assert record["risk_score"] == str(SCORE_BLOCK), record
    assert (record["amount"], record["currency"], record["channel"]) == ("90000.00", "CNY", "alipay"), record
    assert record["request_id"] == response.headers["X-Request-Id"], record
    assert record["block_id"].startswith("rbk_") and len(record["block_id"]) == 36, record
    slot = slots.payment_slot(client.merchant_id, body["merchant_order_no"])
    assert int(record["slot"]) == slot and int(record["block_id"][16:20], 16) == slot, (record, slot)


def test_each_threshold_decides_when_no_rule_did(stack, client, slots):
    payer = unique_payer()
    review = client.create_payment(risk_body(payer, amount=SCORE_REVIEW_AMOUNT))
    held(review, threshold_rule(stack, "review"), SCORE_REVIEW)

    body = risk_body(payer, channel="wechatpay", amount=SCORE_BLOCK_AMOUNT)
    assert_error(client.create_payment(body), 402, "risk_declined")
    [record] = blocks_of(stack, slots, client.merchant_id, body["merchant_order_no"])
    assert (record["risk_rule"], record["risk_score"]) == (threshold_rule(stack, "block"), str(SCORE_BLOCK)), record

    # The model judges payers: a create without one is decided by the rules alone (no score).
    allowed(client.create_payment(payment_body()), score=None)
    allowed(client.create_payment(payment_body(payer={"ip": unique_ip()})), score=SCORE_LOW)


def test_declines_under_a_payer_decide_its_next_create(stack, client, slots):
    payer = unique_payer()
    # Blocked by the threshold, each counted as a decline of this payer's user id.
    for _ in range(DECLINES_MIN):
        assert_error(client.create_payment(risk_body(payer, amount=SCORE_BLOCK_AMOUNT)), 402, "risk_declined")
    # An ordinary amount now, and a new device and address: the user's declines decide.
    body = risk_body(unique_payer(user_id=payer["user_id"]), amount="12.30")
    assert_error(client.create_payment(body), 402, "risk_declined")
    [record] = blocks_of(stack, slots, client.merchant_id, body["merchant_order_no"])
    assert (record["risk_rule"], record["risk_score"]) == (rule_text("declines(payer.user_id"), str(SCORE_LOW)), record
    # Another user is not concerned.
    allowed(client.create_payment(risk_body(unique_payer())))


def test_a_velocity_burst_is_held_for_review_past_the_rules_count(stack, client):
    payer = {"ip": unique_ip(), "device_id": "e2e-burst"}
    # The counter includes the create being evaluated: creates 1 to 20 count 1 to 20.
    for _ in range(BURST_LIMIT):
        allowed(client.create_payment(risk_body(payer)))
    reviewed = held(client.create_payment(risk_body(payer)), rule_text("velocity(payer.ip, 10m)"), SCORE_LOW)
    assert reviewed["channel_payload"] == {}
    # The same burst from another address is its own count.
    allowed(client.create_payment(risk_body({"ip": unique_ip(), "device_id": "e2e-burst"})))


def test_many_users_behind_one_address_are_held_for_review(stack, client):
    ip = unique_ip()

    def farmed():
        return risk_body({"ip": ip, "device_id": "e2e-farm", "user_id": f"user-{uuid.uuid4().hex}"})
    for _ in range(FARM_USERS_MAX):
        allowed(client.create_payment(farmed()))
    held(client.create_payment(farmed()), rule_text("distinct_users(payer.ip, 1h)"), SCORE_LOW)


def test_a_listed_device_is_blocked_until_removed_and_both_changes_are_audited(stack, client, slots):
    device = f"dev-{uuid.uuid4().hex}"
    added = list_change(stack, "add", "blocked_devices", device)
    assert added == {"list": "blocked_devices", "value": device, "added": True}, added
    assert device in list_values(stack, "blocked_devices")
    try:
        body, response = create_until(client, lambda: risk_body(unique_payer(device_id=device)), is_risk_declined,
                                      "the listed device to be blocked")
        assert_error(response, 402, "risk_declined")
        [record] = blocks_of(stack, slots, client.merchant_id, body["merchant_order_no"])
        assert record["risk_rule"] == rule_text("@blocked_devices"), record
    finally:
        removed = list_change(stack, "remove", "blocked_devices", device)
    assert removed == {"list": "blocked_devices", "value": device, "removed": True}, removed
    assert device not in list_values(stack, "blocked_devices")
    _, response = create_until(client, lambda: risk_body(unique_payer(device_id=device)), is_decided("allow", None),
                               "the removed device to be allowed again")
    allowed(response)

    target = f"list:blocked_devices value:{device}"
    for action in ("risk.list_add", "risk.list_remove"):
        records = [record for record in audit_records(stack, action) if record["target"] == target]
        assert len(records) == 1, (action, records)
        assert (records[0]["outcome"], records[0]["actor"]) == ("success", ACTOR), records[0]


def test_a_trusted_merchant_is_allowed_before_any_block(stack, client):
    rule = rule_text("@trusted_merchants")
    list_change(stack, "add", "trusted_merchants", client.merchant_id)
    try:
        # Scored 95, above the block threshold: only the allow rule lets it through.
        _, response = create_until(client, lambda: risk_body(unique_payer(), amount=SCORE_BLOCK_AMOUNT),
                                   is_decided("allow", rule), "the trusted merchant to be allowed")
        allowed(response, rule=rule, score=SCORE_BLOCK)
    finally:
        list_change(stack, "remove", "trusted_merchants", client.merchant_id)
