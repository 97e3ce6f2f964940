"""End to end: the races and refusals a payment gateway must get right even though they are rare,
each shown with what it writes and, as much, what it does not (history, events, journal,
anomalies, nonces):
- a merchant's close that meets a payment the payer already made at the channel, and a close the
  channel cannot confirm;
- a channel query answered about another order (sandbox knob `misdirected_query`);
- refund callbacks with a wrong amount or for a refund we do not have, signed like UnionPay's and
  WeChat Pay's by this test (a third implementation of their wire formats, beside the connectors'
  and the sandbox's);
- the housekeeping purge of old nonces and expired Idempotency-Key records, on rows aged in SQL;
- the pool master's back-off when a worker dies as it starts, read from its log."""
import base64
import datetime
import hashlib
import json
import os
import re
import secrets
import signal
import subprocess
import time
import urllib.parse

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from paygate_support import assert_error, channel_reference, sql_string
from refund_support import (CHANNELS, create_refund, get_payment, get_refund, on_shard, paid_payment, pay,
                            sandbox_faults, wait_until)  # noqa: F401 (a fixture)
from test_channels import create_processing
from test_resilience import master_pid_of, pool_children
from test_worker import query_once_at, worker_lines_about

ADMIN_TIMEOUT_SECONDS = 60
CALLBACK_TIMEOUT_SECONDS = 10
SETTLE_SECONDS_MAX = 30        # a bounded wait for an eventual state, never an assertion on speed


# ---------------------------------------------------------------------------------------------
# What the payment's shard holds for it

def history(stack, slots, payment):
    """[to_status, reason] of every status change, oldest first."""
    return on_shard(stack, slots, payment,
                    "SELECT to_status, reason FROM {db}.payment_status_history WHERE payment_id = {pid} ORDER BY id")


def event_types(stack, slots, payment):
    return [row[0] for row in on_shard(stack, slots, payment,
                                       "SELECT type FROM {db}.payment_events WHERE payment_id = {pid} ORDER BY seq")]


def journal(stack, slots, payment):
    """[kind, refund_id] of every journal entry of the payment ('' for its own posting)."""
    return sorted(on_shard(stack, slots, payment,
                           "SELECT kind, refund_id FROM {db}.journal_entries WHERE payment_id = {pid}"))


def journal_line_count(stack, slots, payment):
    return int(on_shard(stack, slots, payment,
                        "SELECT COUNT(*) FROM {db}.journal_lines l JOIN {db}.journal_entries e ON e.entry_id = l.entry_id "
                        "WHERE e.payment_id = {pid}")[0][0])


def anomalies(stack, slots, payment):
    """[kind, transaction_id] of the payment's anomalies, oldest first."""
    return on_shard(stack, slots, payment,
                    "SELECT kind, transaction_id FROM {db}.payment_anomalies WHERE payment_id = {pid} ORDER BY id")


def payment_row(stack, slots, payment):
    """The stored row's status, version, refunded amount and times: a write changes at least one."""
    return on_shard(stack, slots, payment,
                    "SELECT status, version, refunded_amount, updated_at, check_after FROM {db}.payments WHERE payment_id = {pid}")


def merchant_rows(stack, merchant_id, table):
    return stack.database.count_total(table, f"merchant_id = {sql_string(merchant_id)}")


def footprint(stack, slots, client, payment):
    """Everything a request about this payment could have written."""
    return {
        "payment": get_payment(client, payment["payment_id"]),
        "row": payment_row(stack, slots, payment),
        "history": history(stack, slots, payment),
        "events": event_types(stack, slots, payment),
        "journal": journal(stack, slots, payment),
        "anomalies": anomalies(stack, slots, payment),
        "nonces": merchant_rows(stack, payment["merchant_id"], "request_nonces"),
        "idempotency_keys": merchant_rows(stack, payment["merchant_id"], "idempotency_keys"),
    }


# ---------------------------------------------------------------------------------------------
# The close race (API.md section 5: closing a paid payment is 409 invalid_state)

# UnionPay has no close for an unpaid order (test_channels.py): its close never reaches the channel.
CLOSING_CHANNELS = ["alipay", "wechatpay"]
RETRY_PAUSE_SECONDS = 0.5


def close_at_the_channel(client, payment):
    """The merchant's close, repeated while it is answered 503 channel_unavailable (which writes
    nothing): a pool worker whose circuit breaker an earlier test opened answers so without asking
    the channel, and the breaker lets a call through again after a few seconds."""
    path = f"/v1/payments/{payment['payment_id']}/close"
    deadline = time.monotonic() + SETTLE_SECONDS_MAX
    while True:
        answer = client.post(path)
        unavailable = answer.status_code == 503 and answer.json()["error"]["code"] == "channel_unavailable"
        if not unavailable or time.monotonic() >= deadline:
            return answer
        time.sleep(RETRY_PAUSE_SECONDS)


@pytest.mark.parametrize("channel", CLOSING_CHANNELS)
def test_close_after_the_payer_paid_at_the_channel_is_409_and_the_payment_succeeds_once(
        stack, client, slots, sandbox_faults, channel):  # noqa: F811
    # The payer pays just before the merchant closes, and the channel's callback is not here yet
    # (dropped, so the close is what finds out): the channel refuses the close as paid, the
    # query that follows settles the payment, and the close answers 409.
    sandbox_faults({"channel": channel, "drop_callbacks": True})
    payment = create_processing(client, channel)
    pay(stack, payment)
    assert_error(close_at_the_channel(client, payment), 409, "invalid_state")

    settled = get_payment(client, payment["payment_id"])
    assert settled["status"] == "succeeded", settled
    assert settled["channel_txn_id"] and settled["paid_at"], settled
    assert settled["amount"] == payment["amount"] and settled["refunded_amount"] == "0.00", settled
    succeeded_once = [["created", "created"], ["processing", "prepay"], ["succeeded", "query"]]
    assert history(stack, slots, payment) == succeeded_once
    assert event_types(stack, slots, payment) == ["payment.succeeded"]
    assert journal(stack, slots, payment) == [["payment_succeeded", ""]]
    assert anomalies(stack, slots, payment) == []

    # The merchant's retry finds it paid here and writes nothing more.
    before = footprint(stack, slots, client, payment)
    assert_error(client.post(f"/v1/payments/{payment['payment_id']}/close"), 409, "invalid_state")
    after = footprint(stack, slots, client, payment)
    assert after == before
    assert history(stack, slots, payment) == succeeded_once


@pytest.mark.parametrize("channel, knobs", [
    ("alipay", {"status_5xx": 503}),
    ("wechatpay", {"status_5xx": 502}),
    # The channel closes the order but its answer never reaches us (held past paygate's 5 s).
    ("alipay", {"timeout_ms": 7000}),
    ("wechatpay", {"timeout_ms": 7000}),
])
def test_a_close_the_channel_cannot_confirm_is_503_and_leaves_the_payment_open(
        stack, client, slots, sandbox_faults, channel, knobs):  # noqa: F811
    payment = create_processing(client, channel)
    before = footprint(stack, slots, client, payment)
    assert before["payment"]["status"] == "processing", before
    sandbox_faults({"channel": channel, **knobs})
    path = f"/v1/payments/{payment['payment_id']}/close"
    assert_error(client.post(path), 503, "channel_unavailable")
    # Nothing was written: no status, history, event, journal line or anomaly, not even the
    # request's nonce (API.md section 3: an error writes nothing).
    assert footprint(stack, slots, client, payment) == before

    # Still open: once the channel answers, the same close goes through, once.
    sandbox_faults({})
    closed = close_at_the_channel(client, payment)
    assert closed.status_code == 200 and closed.json()["status"] == "closed", closed.text
    assert history(stack, slots, payment) == [["created", "created"], ["processing", "prepay"], ["closed", "merchant_close"]]
    assert event_types(stack, slots, payment) == ["payment.closed"]
    assert journal(stack, slots, payment) == []


# ---------------------------------------------------------------------------------------------
# A query answered about another order

@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("other_result", ["success", "fail"])
def test_a_query_answered_for_another_order_is_not_applied(stack, client, slots, sandbox_faults, channel, other_result):  # noqa: F811
    ours = create_processing(client, channel)
    other = create_processing(client, channel)
    # The other order is paid (or its payment failed) at the channel; ours is not.
    pay(stack, other, other_result)
    asked, answered = channel_reference(channel, ours["payment_id"]), channel_reference(channel, other["payment_id"])
    sandbox_faults({"channel": channel, "misdirected_query": {"asked": asked, "answered": answered}})
    before = footprint(stack, slots, client, ours)

    # The worker queries ours (made due in SQL) and is answered, correctly signed, about the other.
    # Until the log says so, the query may not have reached the channel (the worker's circuit
    # breaker for it may be open after an earlier test's faults): make it due again.
    refused = f"query for {ours['payment_id']}: no definite answer, nothing applied " \
              f"(the answer is about order {answered}, not {ours['payment_id']})"

    def queried_and_refused():
        query_once_at(stack, slots, ours, 50)
        return any(refused in line for line in worker_lines_about(stack, ours))
    wait_until(queried_and_refused, "the worker to query the payment and log the answer it refused")

    after = get_payment(client, ours["payment_id"])
    assert after["status"] == "processing", after
    assert after["channel_txn_id"] is None and after["paid_at"] is None and after["failure_code"] is None, after
    assert history(stack, slots, ours) == before["history"] == [["created", "created"], ["processing", "prepay"]]
    assert event_types(stack, slots, ours) == []
    assert journal(stack, slots, ours) == []
    assert journal_line_count(stack, slots, ours) == 0
    assert anomalies(stack, slots, ours) == []
    # The other order was not touched through ours either: whatever it became came from its own
    # callback, never from our query.
    assert all(row[1] != "query" for row in history(stack, slots, other)), history(stack, slots, other)


# ---------------------------------------------------------------------------------------------
# Refund callbacks we must not obey, signed here with the channel's own key: UnionPay's refund
# notice (a form) and WeChat Pay's REFUND.SUCCESS (a JSON envelope around an AES-256-GCM sealed
# resource, its headers signed)

UNIONPAY_MERCHANT_ID = "777290058110048"  # scripts/stack-channels.sh CHANNEL_UNIONPAY_MERCHANT_ID
WECHATPAY_MERCHANT_ID = "1900000001"      # scripts/stack-channels.sh CHANNEL_WECHATPAY_MERCHANT_ID
REFUND_CALLBACK_CHANNELS = ["unionpay", "wechatpay"]


def platform_keys(stack, channel):
    """The channel's signing key and certificate (the sandbox signs with the same files)."""
    directory = os.path.join(stack.root, "channels", channel)
    with open(os.path.join(directory, "platform.pem"), "rb") as handle:
        certificate = x509.load_pem_x509_certificate(handle.read())
    with open(os.path.join(directory, "platform.key"), "rb") as handle:
        key = serialization.load_pem_private_key(handle.read(), password=None)
    return key, certificate


def unionpay_refund_notice(stack, refund_id, amount_fen):
    """A successful UnionPay refund notice (txnType 04, respCode 00) for `refund_id`, as the
    sandbox sends it. UnionPay 5.1 signs with RSA-SHA256 (PKCS#1 v1.5) the lower-case hex SHA-256
    of the non-empty fields sorted by name as `k=v&k=v`; certId, the decimal serial of the
    signing certificate, is one of them."""
    key, certificate = platform_keys(stack, "unionpay")
    compact = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y%m%d%H%M%S")
    fields = {
        "version": "5.1.0", "encoding": "UTF-8", "signMethod": "01", "accessType": "0", "merId": UNIONPAY_MERCHANT_ID,
        "bizType": "000000", "txnType": "04", "txnSubType": "00", "orderId": refund_id, "txnTime": compact,
        "respCode": "00", "respMsg": "Success!", "queryId": f"{int(time.time() * 1000):021d}", "txnAmt": str(amount_fen),
        "currencyCode": "156", "settleDate": compact[4:8], "traceNo": compact[-6:], "traceTime": compact[4:],
        "certId": str(certificate.serial_number),
    }
    text = "&".join(f"{name}={value}" for name, value in sorted(fields.items()) if value)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest().encode("ascii")
    fields["signature"] = base64.b64encode(key.sign(digest, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")
    return urllib.parse.urlencode(fields).encode("ascii"), {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}


def wechatpay_refund_notice(stack, refund_id, amount_fen):
    """A WeChat Pay v3 REFUND.SUCCESS for `refund_id`: the refund sealed with AEAD_AES_256_GCM
    under the APIv3 key (a 12-character nonce, associated data "refund"), and the headers' RSA-SHA256
    signature over "timestamp\nnonce\nbody\n" with the platform key named by its serial."""
    key, certificate = platform_keys(stack, "wechatpay")
    # The channel's copy of the APIv3 key (ours is sealed under the master key on disk).
    with open(os.path.join(stack.root, "channels", "wechatpay", "sandbox-apiv3.key"), "rb") as handle:
        apiv3_key = handle.read()
    now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).replace(microsecond=0).isoformat()
    refund = {"mchid": WECHATPAY_MERCHANT_ID, "out_trade_no": "", "transaction_id": "", "out_refund_no": refund_id,
              "refund_id": f"50000{int(time.time() * 1000):024d}", "refund_status": "SUCCESS", "success_time": now,
              "user_received_account": "sandbox balance",
              "amount": {"total": 1230, "refund": amount_fen, "payer_total": 1230, "payer_refund": amount_fen}}
    resource_nonce = secrets.token_hex(6)
    sealed = AESGCM(apiv3_key).encrypt(resource_nonce.encode("ascii"), json.dumps(refund).encode("utf-8"), b"refund")
    body = json.dumps({
        "id": "EV-" + secrets.token_hex(12), "create_time": now, "resource_type": "encrypt-resource",
        "event_type": "REFUND.SUCCESS", "summary": "refund succeeded",
        "resource": {"original_type": "refund", "algorithm": "AEAD_AES_256_GCM", "ciphertext": base64.b64encode(sealed).decode("ascii"),
                     "associated_data": "refund", "nonce": resource_nonce},
    }, separators=(",", ":")).encode("utf-8")
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    signature = key.sign(f"{timestamp}\n{nonce}\n".encode("ascii") + body + b"\n", padding.PKCS1v15(), hashes.SHA256())
    return body, {"Content-Type": "application/json", "Wechatpay-Timestamp": timestamp, "Wechatpay-Nonce": nonce,
                  "Wechatpay-Signature": base64.b64encode(signature).decode("ascii"),
                  "Wechatpay-Serial": format(certificate.serial_number, "X"),
                  "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048"}


REFUND_NOTICES = {"unionpay": unionpay_refund_notice, "wechatpay": wechatpay_refund_notice}


def post_refund_notice(stack, channel, refund_id, amount_fen):
    # The refund's order number as that channel carries it (docs/API.md section 9).
    body, headers = REFUND_NOTICES[channel](stack, channel_reference(channel, refund_id), amount_fen)
    return stack.session().post(f"{stack.url}/callbacks/{channel}", data=body, headers=headers, timeout=CALLBACK_TIMEOUT_SECONDS)


def refused_in_the_channels_form(channel, answer):
    """UnionPay: HTTP 400 "fail"; WeChat Pay: HTTP 400 {"code":"FAIL",...}. Either channel sends
    a refused callback again."""
    if channel == "unionpay":
        return answer.status_code == 400 and answer.text == "fail"
    return answer.status_code == 400 and answer.json()["code"] == "FAIL"


def acknowledged_in_the_channels_form(channel, answer):
    """UnionPay: HTTP 200 "ok"; WeChat Pay: HTTP 204."""
    if channel == "unionpay":
        return answer.status_code == 200 and answer.text == "ok"
    return answer.status_code == 204


def refund_state(stack, slots, payment, refund_id):
    """The refund's stored row and history, the payment's refund-related state, and everything
    a refund's success would add (journal entry and lines, refund.* events)."""
    rid = sql_string(refund_id)
    return {
        "refund": on_shard(stack, slots, payment, "SELECT status, channel_state, channel_refund_id, failure_code, "
                                                  f"succeeded_at, version FROM {{db}}.refunds WHERE refund_id = {rid}"),
        "refund_history": on_shard(stack, slots, payment, "SELECT from_status, to_status, reason FROM "
                                                          f"{{db}}.refund_status_history WHERE refund_id = {rid} ORDER BY id"),
        "payment_row": payment_row(stack, slots, payment),
        "payment_history": history(stack, slots, payment),
        "journal": journal(stack, slots, payment),
        "journal_lines": journal_line_count(stack, slots, payment),
        "events": event_types(stack, slots, payment),
    }


@pytest.mark.parametrize("channel", REFUND_CALLBACK_CHANNELS)
def test_a_refund_callback_with_a_wrong_amount_is_refused_and_recorded_as_an_anomaly(stack, client, slots, sandbox_faults, channel):  # noqa: F811
    payment = paid_payment(stack, client, channel, amount="12.30")
    # The channel's own refund callback never comes, so the refund waits for one (the worker asks
    # the channel only after its query delay, 20 s under scripts/e2e.sh).
    sandbox_faults({"channel": channel, "drop_callbacks": True})
    response = create_refund(client, payment["payment_id"], "5.00")
    assert response.status_code == 201, response.text
    refund = response.json()
    assert refund["status"] == "processing", refund
    before = refund_state(stack, slots, payment, refund["refund_id"])
    assert before["refund"][0][:2] == ["processing", "accepted"], before
    assert before["events"] == ["payment.succeeded"] and before["journal"] == [["payment_succeeded", ""]], before

    # The channel says the refund succeeded, for 5.01 instead of 5.00: refused, so the channel
    # sends it again; the refund, the payment, the journal and the outbox do not move.
    answer = post_refund_notice(stack, channel, refund["refund_id"], 501)
    assert refused_in_the_channels_form(channel, answer), (answer.status_code, answer.text)
    assert refund_state(stack, slots, payment, refund["refund_id"]) == before
    assert get_refund(client, refund["refund_id"])["status"] == "processing"
    current = get_payment(client, payment["payment_id"])
    assert current["status"] == "succeeded" and current["refunded_amount"] == "0.00", current
    assert anomalies(stack, slots, payment) == [["refund_amount_mismatch", refund["refund_id"]]]

    # Sent again, as the channel would: refused again, recorded once.
    answer = post_refund_notice(stack, channel, refund["refund_id"], 501)
    assert refused_in_the_channels_form(channel, answer), (answer.status_code, answer.text)
    assert refund_state(stack, slots, payment, refund["refund_id"]) == before
    assert anomalies(stack, slots, payment) == [["refund_amount_mismatch", refund["refund_id"]]]


def rows_naming(stack, refund_id):
    """How many rows of every table a refund could appear in name this refund id."""
    rid = sql_string(refund_id)
    return {
        "refunds": stack.database.count_total("refunds", f"refund_id = {rid}"),
        "refund_status_history": stack.database.count_total("refund_status_history", f"refund_id = {rid}"),
        "journal_entries": stack.database.count_total("journal_entries", f"refund_id = {rid}"),
        "payment_events": stack.database.count_total("payment_events", f"refund_id = {rid}"),
        "payment_anomalies": stack.database.count_total("payment_anomalies", f"transaction_id = {rid}"),
    }


def pool_log_lines_with(stack, text):
    with open(os.path.join(stack.root, "log", "paygate.log"), encoding="utf-8", errors="replace") as log:
        return [line for line in log if text in line]


@pytest.mark.parametrize("channel", REFUND_CALLBACK_CHANNELS)
def test_a_refund_callback_for_an_unknown_refund_is_refused_and_writes_nothing(stack, channel):
    # A merchant refund id (ref_ + creation time + slot + random) that no refund has.
    refund_id = f"ref_{int(time.time() * 1000):012x}{secrets.randbelow(1024):04x}{secrets.token_hex(8)}"
    answer = post_refund_notice(stack, channel, refund_id, 500)
    assert refused_in_the_channels_form(channel, answer), (answer.status_code, answer.text)
    assert rows_naming(stack, refund_id) == {table: 0 for table in rows_naming(stack, refund_id)}
    wait_until(lambda: pool_log_lines_with(stack, f"callback {channel} for unknown refund {refund_id} refused"),
               "the pool to log the refused callback")


@pytest.mark.parametrize("channel", REFUND_CALLBACK_CHANNELS)
def test_a_refund_notice_for_a_number_that_is_not_a_merchant_refund_is_acknowledged_without_effect(stack, channel):
    # A refund number that is not a refund id (an earlier version gave late payments' refunds
    # such numbers, "rl" + 30 hex, settled by the worker): its notices are acknowledged and
    # change nothing.
    refund_id = "rl" + secrets.token_hex(15)
    answer = post_refund_notice(stack, channel, refund_id, 500)
    assert acknowledged_in_the_channels_form(channel, answer), (answer.status_code, answer.text)
    assert rows_naming(stack, refund_id) == {table: 0 for table in rows_naming(stack, refund_id)}
    assert stack.database.count_total("payment_anomalies", f"refund_id = {sql_string(refund_id)}") == 0
    wait_until(lambda: pool_log_lines_with(stack, f"callback {channel}: refund notice for {refund_id} (not a merchant refund) acknowledged"),
               "the pool to log the acknowledged notice")


# ---------------------------------------------------------------------------------------------
# Housekeeping: what the purge deletes and what it keeps (Sources/Storage/Housekeeping)

def run_admin(stack, *arguments):
    result = subprocess.run([stack.admin, "--config", stack.config_path, *arguments],
                            capture_output=True, text=True, timeout=ADMIN_TIMEOUT_SECONDS)
    assert result.returncode == 0, f"paygate-admin {' '.join(arguments)} exited {result.returncode}: {result.stderr.strip()}"
    return result.stdout


def plant_nonce(stack, shard, merchant_id, nonce, seconds_ago):
    stack.database.rows_on_shard(
        shard, "INSERT INTO {db}.request_nonces (merchant_id, nonce, signature, slot, created_at) VALUES "
               f"({sql_string(merchant_id)}, {sql_string(nonce)}, 'planted', 0, "
               f"UTC_TIMESTAMP(3) - INTERVAL {seconds_ago} SECOND)")


def plant_idempotency_key(stack, shard, merchant_id, key, expires_in_seconds):
    stack.database.rows_on_shard(
        shard, "INSERT INTO {db}.idempotency_keys (merchant_id, idempotency_key, slot, request_hash, state, response_status, "
               "response_body, locked_until, lease_token, created_at, expires_at) VALUES "
               f"({sql_string(merchant_id)}, {sql_string(key)}, 0, REPEAT('0', 64), 'done', 201, '{{}}', UTC_TIMESTAMP(3), "
               f"REPEAT('0', 32), UTC_TIMESTAMP(3) - INTERVAL 2 DAY, UTC_TIMESTAMP(3) + INTERVAL {expires_in_seconds} SECOND)")


def keys_on(stack, shard, table, column, merchant_id):
    return sorted(row[0] for row in stack.database.rows_on_shard(
        shard, f"SELECT {column} FROM {{db}}.{table} WHERE merchant_id = {sql_string(merchant_id)}"))


def test_housekeeping_purges_old_nonces_and_expired_idempotency_keys_and_keeps_the_rest(stack, client, slots):
    auth_window = stack.config["auth_window_seconds"]
    # A paid and refunded payment, so the merchant has every kind of row the purge must not touch.
    payment = paid_payment(stack, client, "alipay")
    refund = create_refund(client, payment["payment_id"], "1.00")
    assert refund.status_code == 201 and refund.json()["status"] == "succeeded", refund.text
    merchant = client.merchant_id
    untouched_tables = ("payments", "payment_status_history", "refunds", "refund_status_history", "journal_entries",
                        "payment_events", "payment_anomalies")
    untouched = {table: merchant_rows_any(stack, merchant, table) for table in untouched_tables}
    fresh_nonces = {shard: keys_on(stack, shard, "request_nonces", "nonce", merchant) for shard in slots.shard_names}
    assert sum(len(nonces) for nonces in fresh_nonces.values()) >= 2, fresh_nonces  # the create's and the refund's

    # On every shard: a nonce older than twice the auth window (a replay of it is refused by the
    # timestamp check already), one younger than that by a margin, an Idempotency-Key record past
    # its expiry and one not yet expired.
    for shard in slots.shard_names:
        plant_nonce(stack, shard, merchant, f"old-{shard}", 2 * auth_window + 60)
        plant_nonce(stack, shard, merchant, f"recent-{shard}", 2 * auth_window - 120)
        plant_idempotency_key(stack, shard, merchant, f"expired-{shard}", -60)
        plant_idempotency_key(stack, shard, merchant, f"live-{shard}", 3600)

    output = run_admin(stack, "housekeeping", "purge")
    lines = [line for line in output.splitlines() if line.strip()]
    reported = {}
    for line in lines:
        match = re.fullmatch(r'\{"shard":"([^"]+)","deleted":(\d+)\}', line)
        assert match, line
        reported[match.group(1)] = int(match.group(2))
    assert sorted(reported) == sorted(slots.shard_names), output
    # Each shard deleted at least our two aged rows (other tests' aged rows may go with them).
    assert all(count >= 2 for count in reported.values()), reported

    for shard in slots.shard_names:
        nonces = keys_on(stack, shard, "request_nonces", "nonce", merchant)
        assert f"old-{shard}" not in nonces, (shard, nonces)
        assert sorted(fresh_nonces[shard] + [f"recent-{shard}"]) == nonces, (shard, nonces)
        assert keys_on(stack, shard, "idempotency_keys", "idempotency_key", merchant) == [f"live-{shard}"]
    assert {table: merchant_rows_any(stack, merchant, table) for table in untouched_tables} == untouched


def merchant_rows_any(stack, merchant_id, table):
    """Rows of `table` that belong to the merchant, on every shard (the history tables have no
    merchant column: theirs are the rows of the merchant's payments and refunds)."""
    merchant = sql_string(merchant_id)
    where = {
        "payment_status_history": f"payment_id IN (SELECT payment_id FROM {{db}}.payments WHERE merchant_id = {merchant})",
        "refund_status_history": f"refund_id IN (SELECT refund_id FROM {{db}}.refunds WHERE merchant_id = {merchant})",
        "payment_anomalies": f"payment_id IN (SELECT payment_id FROM {{db}}.payments WHERE merchant_id = {merchant})",
    }.get(table, f"merchant_id = {merchant}")
    return sum(int(stack.database.rows_on_shard(shard, f"SELECT COUNT(*) FROM {{db}}.{table} WHERE {where}")[0][0])
               for shard in stack.slots.shard_names)


# ---------------------------------------------------------------------------------------------
# The pool master's restart back-off (Sources/Pool/PoolMaster.swift, PoolLimits)

# PoolLimits: a worker that dies within crashLifetimeSecondsMin (2 s) of its start counts as
# crash-looping; the pause before its replacement starts at restartBackoffSecondsFirst and
# doubles up to restartBackoffSecondsMax; a worker that lived longer resets it to nothing.
BACKOFF_FIRST_SECONDS = 0.1
BACKOFF_MAX_SECONDS = 5.0
KILLS_MAX = 10
GROWING_PAUSES_WANTED = 3
LOG_LINE = re.compile(r"^(\S+) (\w+) pool\[(\d+)\] (.*)$")


def master_lines(stack, master):
    """(level, message) of every line the pool master (this pid) logged, in order: one process
    writing one line per write(2), so the file's order is the order of its decisions."""
    lines = []
    with open(os.path.join(stack.root, "log", "paygate.log"), encoding="utf-8", errors="replace") as log:
        for line in log:
            match = LOG_LINE.match(line.rstrip("\n"))
            if match and int(match.group(3)) == master:
                lines.append((match.group(2), match.group(4)))
    return lines


def started_workers(lines):
    return [int(m.group(1)) for _, text in lines if (m := re.match(r"started worker (\d+) ", text))]


def restart_record(lines):
    """Per unexpected death, in log order: (pid, the pause announced on the line right after the
    death or None, whether a worker start follows). Several workers dying together are replaced
    together, after the last pause."""
    record = []
    for index, (_, text) in enumerate(lines):
        death = re.match(r"worker (\d+) died unexpectedly", text)
        if not death:
            continue
        following = lines[index + 1][1] if index + 1 < len(lines) else ""
        announced = re.match(r"workers are dying at start; next start in ([0-9.]+) s", following)
        replaced = any(later.startswith("started worker ") for _, later in lines[index + 1:])
        record.append((int(death.group(1)), float(announced.group(1)) if announced else None, replaced))
    return record


@pytest.mark.disruptive
def test_a_worker_killed_as_it_starts_is_replaced_after_a_growing_pause(stack):
    master = master_pid_of(stack)
    workers = stack.config["pool"]["workers"]
    wait_until(lambda: len(pool_children(master)) == workers, "the pool to have all its workers")
    kills = []
    # The youngest worker first, then each replacement the moment its start is logged: killed at
    # once, it dies while the master still counts it as starting.
    children = pool_children(master)
    victim = [pid for pid in started_workers(master_lines(stack, master)) if pid in children][-1]
    while len(kills) < KILLS_MAX:
        os.kill(victim, signal.SIGKILL)
        kills.append(victim)

        def replacement():
            newest = started_workers(master_lines(stack, master))[-1]
            return newest if newest not in kills else None
        victim = wait_until(replacement, f"a replacement for worker {kills[-1]}")
        pauses = [pause for pid, pause, _ in restart_record(master_lines(stack, master)) if pid in kills]
        if len(pauses) >= GROWING_PAUSES_WANTED and None not in pauses[-GROWING_PAUSES_WANTED:]:
            break

    # The pool is whole again and serving.
    wait_until(lambda: len(pool_children(master)) == workers, "the pool to have all its workers again")
    session = stack.session()
    assert session.get(stack.url + "/healthz/live", timeout=30).status_code == 200
    session.close()

    record = restart_record(master_lines(stack, master))
    ours = [entry for entry in record if entry[0] in kills]
    assert [entry[0] for entry in ours] == kills, (kills, ours)
    # Every death in the log, ours and any earlier one, followed the policy: a death announced as
    # crash-looping pauses the first amount, or twice the previous pause up to the cap, unless
    # a long-lived worker's death reset it in between; no other death announces a pause; and a
    # start follows every death.
    previous = 0.0
    for pid, pause, replaced in record:
        assert replaced, f"worker {pid} was never replaced: {record}"
        if pause is None:
            previous = 0.0
            continue
        expected = BACKOFF_FIRST_SECONDS if previous == 0 else min(previous * 2, BACKOFF_MAX_SECONDS)
        assert pause == pytest.approx(expected), (pid, pause, expected, record)
        previous = pause
    # Our kills ended in a crash loop whose pauses grew: 0.1 s, 0.2 s, 0.4 s (or on from there).
    last = [pause for _, pause, _ in ours[-GROWING_PAUSES_WANTED:]]
    assert None not in last and last == sorted(last) and len(set(last)) == len(last), ours
