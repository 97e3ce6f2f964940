"""End to end: risk while its parts fail or change (README "Risk"). Redis stopped mid-run: creates
keep being answered, decided by the degraded mode (small amounts allowed, larger ones held for
review, listed devices still blocked), and scored again once Redis is back. A rules file with a
syntax error is refused by the reload with its FILE:LINE:COLUMN while the running rules stay; a
valid edit applies with the reload.

Both stop or reload part of the stack, so they are `disruptive` (run after the other tests).
"""
import os
import time
import uuid

import pytest

from paygate_support import assert_error
from risk_support import (DEGRADED_RULE, LIST_APPLIED_SECONDS_MAX, SCORE_LOW, allowed,
                          blocks_of, create_until, held, is_decided, is_risk_declined, list_change, risk_body,
                          rule_text, stack_script, unique_payer, wait_until_every_process_read_the_lists)

# Only to fail on a hang: a create waits for its counters at most risk.redis.timeout_milliseconds.
HANG_SECONDS = 10
DEGRADED_ALLOW_BELOW_DEFAULT = "500.00"
# An attribute misspelt at column 11 of a rule: the reload names this place.
BROKEN_RULE, BROKEN_COLUMN = "review if amout > 100.00", 11


def timed_create(client, body):
    started = time.monotonic()
    response = client.create_payment(body)
    elapsed = time.monotonic() - started
    assert elapsed < HANG_SECONDS, f"a create took {elapsed:.1f} s: hung on its counters?"
    assert response.status_code < 500, response.text
    return response


def smaller_amount(amount):
    """The amount one minor unit below `amount` ("500.00" -> "499.99")."""
    major, minor = amount.split(".")
    cents = int(major) * 100 + int(minor) - 1
    return f"{cents // 100}.{cents % 100:02d}"


def block_device(stack, client):
    """A device on @blocked_devices, once every pool process blocks it."""
    device = f"dev-{uuid.uuid4().hex}"
    list_change(stack, "add", "blocked_devices", device)
    listed_at = time.monotonic()
    create_until(client, lambda: risk_body(unique_payer(device_id=device)), is_risk_declined,
                 "the listed device to be blocked")
    wait_until_every_process_read_the_lists(stack, listed_at)
    return device


def rules_path(stack):
    return stack.config["risk"]["rules_file"]


def reload(stack):
    return stack_script(stack, "reload", stack.root)


@pytest.mark.disruptive
def test_redis_stopped_mid_run_degrades_and_recovers(stack, client, slots):
    allow_below = stack.config.get("risk", {}).get("degraded", {}).get("allow_below", DEGRADED_ALLOW_BELOW_DEFAULT)
    device = block_device(stack, client)
    stopped = stack_script(stack, "redis-stop", stack.root)
    try:
        assert stopped.returncode == 0, stopped.stderr[-2000:]
        for _ in range(5):
            small = timed_create(client, risk_body(unique_payer(), amount=smaller_amount(allow_below)))
            allowed(small, rule=DEGRADED_RULE, score=None)
        held(timed_create(client, risk_body(unique_payer(), amount=allow_below)), DEGRADED_RULE, None)
        # Rules that need no counters still decide first: the listed device is still blocked.
        body = risk_body(unique_payer(device_id=device))
        assert_error(timed_create(client, body), 402, "risk_declined")
        [record] = blocks_of(stack, slots, client.merchant_id, body["merchant_order_no"])
        assert (record["risk_rule"], record["risk_score"]) == (rule_text("@blocked_devices"), "NULL"), record
    finally:
        started = stack_script(stack, "redis-start", stack.root)
        list_change(stack, "remove", "blocked_devices", device)
    assert started.returncode == 0, started.stderr[-2000:]
    # Each pool process tries Redis again after risk.redis.retry_after_milliseconds.
    _, response = create_until(client, lambda: risk_body(unique_payer()), is_decided("allow", None),
                               "creates to be scored again", seconds=LIST_APPLIED_SECONDS_MAX)
    allowed(response, score=SCORE_LOW)
    # Processes started after Redis came back (a reload's workers) reach the databases and Redis.
    reloaded = reload(stack)
    assert reloaded.returncode == 0, reloaded.stderr[-2000:]
    _, response = create_until(client, lambda: risk_body(unique_payer()), lambda r: r.status_code != 503,
                               "the reloaded pool to answer")
    allowed(response, score=SCORE_LOW)


@pytest.mark.disruptive
def test_a_broken_rules_file_is_refused_and_a_valid_edit_applies(stack, client, slots):
    path = rules_path(stack)
    assert path == os.environ.get("PAYGATE_RISK_RULES", path), (path, os.environ.get("PAYGATE_RISK_RULES"))
    with open(path, encoding="utf-8") as handle:
        original = handle.read()
    line = len(original.splitlines()) + 1
    # Keyed on a device: declines are counted under user ids, which the suite's rules read.
    device = f"e2e-reloaded-{uuid.uuid4().hex}"
    added_rule = f"block if payer.device_id = '{device}'"
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(("" if original.endswith("\n") else "\n") + BROKEN_RULE + "\n")
        refused = reload(stack)
        assert refused.returncode != 0, refused.stdout[-2000:]
        assert f"{path}:{line}:{BROKEN_COLUMN}" in refused.stdout + refused.stderr, refused.stderr[-2000:]
        # The running rules stay: the big spender's rule still blocks.
        body = risk_body(unique_payer(user_id="e2e-big-spender"), channel="alipay", amount="50000.01")
        assert_error(client.create_payment(body), 402, "risk_declined")
        [record] = blocks_of(stack, slots, client.merchant_id, body["merchant_order_no"])
        assert record["risk_rule"] == rule_text("e2e-big-spender"), record

        with open(path, "w", encoding="utf-8") as handle:
            handle.write(original + ("" if original.endswith("\n") else "\n") + added_rule + "\n")
        applied = reload(stack)
        assert applied.returncode == 0, applied.stderr[-2000:]
        # Workers that began before the reload finish their requests under the old rules.
        body, _ = create_until(client, lambda: risk_body(unique_payer(device_id=device)), is_risk_declined,
                               "the reloaded rule to block")
        [record] = blocks_of(stack, slots, client.merchant_id, body["merchant_order_no"])
        assert record["risk_rule"] == added_rule, record
    finally:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(original)
        restored = reload(stack)
    assert restored.returncode == 0, restored.stderr[-2000:]
    _, response = create_until(client, lambda: risk_body(unique_payer(device_id=device)), is_decided("allow", None),
                               "the restored rules to allow the device again")
    allowed(response)
