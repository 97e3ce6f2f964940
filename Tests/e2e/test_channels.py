"""End to end: payments through nginx to the pool, prepaid at the channel sandbox over
HTTPS, paid by "the payer" at the sandbox, and settled by the channel's signed callback."""
import os
import time

import pytest
import requests

from paygate_support import assert_error, channel_reference, payment_body, sql_string
from test_invariants import Shard, assert_clean, assert_found

CHANNELS = ["alipay", "wechatpay", "unionpay"]
SETTLE_SECONDS_MAX = 15
POLL_PAUSE_SECONDS = 0.1


def sandbox(stack):
    url = os.environ.get("PAYGATE_SANDBOX_URL")
    assert url, "PAYGATE_SANDBOX_URL is not set (run through scripts/e2e.sh)"
    session = requests.Session()
    session.verify = stack.ca
    session.trust_env = False
    return url.rstrip("/"), session


def set_faults(stack, knobs):
    url, session = sandbox(stack)
    response = session.post(url + "/sandbox/faults", json=knobs, timeout=10)
    assert response.status_code == 200, response.text


@pytest.fixture
def faults(stack):
    """Fault knobs for one test; always reset afterwards."""
    yield lambda knobs: set_faults(stack, knobs)
    set_faults(stack, {})


def pay(stack, payment, result="success"):
    _, session = sandbox(stack)
    response = session.post(payment["channel_payload"]["pay_url"], data={"result": result}, timeout=10)
    assert response.status_code in (200, 204), response.text


def wait_for(client, payment_id, accept):
    deadline = time.monotonic() + SETTLE_SECONDS_MAX
    while True:
        current = client.get(f"/v1/payments/{payment_id}").json()
        if accept(current) or time.monotonic() >= deadline:
            return current
        time.sleep(POLL_PAUSE_SECONDS)


def events_of(stack, slots, payment):
    shard = slots.shard_of_order(payment["merchant_id"], payment["merchant_order_no"])
    return stack.database.rows_on_shard(
        shard, "SELECT type FROM {db}.payment_events WHERE payment_id = " + sql_string(payment["payment_id"]) + " ORDER BY type")


def anomalies_of(stack, slots, payment):
    shard = slots.shard_of_order(payment["merchant_id"], payment["merchant_order_no"])
    return stack.database.rows_on_shard(
        shard, "SELECT kind FROM {db}.payment_anomalies WHERE payment_id = " + sql_string(payment["payment_id"]))


def callbacks_acknowledged(stack, subject):
    """How many callbacks for one order the sandbox has delivered and seen acknowledged (its log
    says so per callback; a copy being sent is in neither the queue nor this count)."""
    with open(os.path.join(stack.root, "log", "sandbox.log"), encoding="utf-8", errors="replace") as log:
        return sum(1 for line in log if f" {subject} acknowledged on attempt " in line)


def create_processing(client, channel):
    response = client.create_payment(payment_body(channel=channel))
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["status"] == "processing", payment
    assert payment["channel_payload"]["pay_url"].startswith("https://"), payment
    return payment


@pytest.mark.parametrize("channel", CHANNELS)
def test_pay_success_reaches_succeeded_with_one_event(stack, client, slots, channel):
    payment = create_processing(client, channel)
    pay(stack, payment)
    settled = wait_for(client, payment["payment_id"], lambda p: p["status"] == "succeeded")
    assert settled["status"] == "succeeded", settled
    assert settled["channel_txn_id"] and settled["paid_at"], settled
    assert settled["amount"] == payment["amount"]
    assert events_of(stack, slots, payment) == [["payment.succeeded"]]


# What "the payer failed" looks like differs per channel: UnionPay calls back with a failure code;
# Alipay has no failed trade, it calls back TRADE_CLOSED; WeChat Pay sends no callback at all and
# the failure is learnt by the worker's query (made due here by ageing the payment in SQL).
@pytest.mark.parametrize("channel,final,event", [("unionpay", "failed", "payment.failed"),
                                                 ("alipay", "closed", "payment.closed"),
                                                 ("wechatpay", "failed", "payment.failed")])
def test_pay_fail(stack, client, slots, channel, final, event):
    payment = create_processing(client, channel)
    pay(stack, payment, "fail")
    if channel == "wechatpay":
        shard = slots.shard_of_order(payment["merchant_id"], payment["merchant_order_no"])
        stack.database.rows_on_shard(shard, "UPDATE {db}.payments SET updated_at = updated_at - INTERVAL 1 HOUR, "
                                     "check_after = UTC_TIMESTAMP(3) "
                                     "WHERE payment_id = " + sql_string(payment["payment_id"]))
    settled = wait_for(client, payment["payment_id"], lambda p: p["status"] == final)
    assert settled["status"] == final, settled
    if final == "failed":
        assert settled["failure_code"], settled
    assert events_of(stack, slots, payment) == [[event]]


@pytest.mark.parametrize("channel", CHANNELS)
def test_duplicate_callbacks_apply_once(stack, client, slots, faults, channel):
    faults({"duplicate_callbacks": 3})
    payment = create_processing(client, channel)
    pay(stack, payment)
    settled = wait_for(client, payment["payment_id"], lambda p: p["status"] == "succeeded")
    assert settled["status"] == "succeeded", settled
    # Every copy (the callback and its 3 duplicates) delivered and acknowledged by paygate.
    deadline = time.monotonic() + SETTLE_SECONDS_MAX
    number = channel_reference(channel, payment["payment_id"])
    while callbacks_acknowledged(stack, number) < 4 and time.monotonic() < deadline:
        time.sleep(POLL_PAUSE_SECONDS)
    assert callbacks_acknowledged(stack, number) == 4
    assert events_of(stack, slots, payment) == [["payment.succeeded"]]
    shard = slots.shard_of_order(payment["merchant_id"], payment["merchant_order_no"])
    history = stack.database.rows_on_shard(
        shard, "SELECT to_status FROM {db}.payment_status_history WHERE payment_id = " + sql_string(payment["payment_id"]) + " ORDER BY id")
    assert history == [["created"], ["processing"], ["succeeded"]]


@pytest.mark.parametrize("channel", CHANNELS)
def test_wrong_amount_callback_never_succeeds(stack, client, slots, faults, channel):
    faults({"callback_amount_delta": 1})
    payment = create_processing(client, channel)
    pay(stack, payment)
    deadline = time.monotonic() + SETTLE_SECONDS_MAX
    while not anomalies_of(stack, slots, payment) and time.monotonic() < deadline:
        time.sleep(POLL_PAUSE_SECONDS)
    assert anomalies_of(stack, slots, payment) == [["amount_mismatch"]]
    current = client.get(f"/v1/payments/{payment['payment_id']}").json()
    assert current["status"] == "processing" and current["channel_txn_id"] is None, current
    assert events_of(stack, slots, payment) == []


def test_forged_callback_is_refused_and_writes_nothing(stack, client, slots):
    payment = create_processing(client, "alipay")
    forged = {"app_id": "2021000000000001", "out_trade_no": payment["payment_id"], "trade_no": "forged-1",
              "trade_status": "TRADE_SUCCESS", "total_amount": "12.30", "sign_type": "RSA2", "sign": "Zm9yZ2Vk"}
    response = stack.session().post(stack.url + "/callbacks/alipay", data=forged, timeout=10)
    assert response.text == "failure", response.text
    current = client.get(f"/v1/payments/{payment['payment_id']}").json()
    assert current["status"] == "processing", current
    assert events_of(stack, slots, payment) == [] and anomalies_of(stack, slots, payment) == []


@pytest.mark.parametrize("channel", ["alipay", "wechatpay"])
def test_merchant_close_closes_at_the_channel_first(stack, client, slots, channel):
    payment = create_processing(client, channel)
    closed = client.post(f"/v1/payments/{payment['payment_id']}/close")
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert events_of(stack, slots, payment) == [["payment.closed"]]
    # The payer can no longer pay it at the channel.
    _, session = sandbox(stack)
    late = session.post(payment["channel_payload"]["pay_url"], data={"result": "success"}, timeout=10)
    assert late.status_code >= 400, late.text
    assert client.get(f"/v1/payments/{payment['payment_id']}").json()["status"] == "closed"


def test_channel_failures_answer_503_then_the_breaker_opens_and_recovers(stack, client, faults):
    faults({"channel": "unionpay", "status_5xx": 503})
    # Each pool worker process has its own breakers, and /healthz shows those of the worker that
    # answers: keep failing (bounded) until a /healthz shows an open breaker.
    bodies, answers, healths = [], [], []
    while len(bodies) < 60:
        bodies.append(payment_body(channel="unionpay"))
        answers.append(client.create_payment(bodies[-1]))
        assert_error(answers[-1], 503, "channel_unavailable")
        healths.append(stack.session().get(stack.url + "/healthz", timeout=10).json())
        if healths[-1]["channels"]["unionpay"] in ("open", "half_open"):
            break
    assert healths[-1]["channels"]["unionpay"] in ("open", "half_open"), healths[-1]
    assert all(h["channels"]["alipay"] == "closed" for h in healths), healths
    # Once open, answers come at once, without a call, and say so (bounded: a worker whose
    # breaker is still closed opens it after a few more failures).
    for _ in range(40):
        if any("circuit breaker open" in a.json()["error"]["message"] for a in answers):
            break
        answers.append(client.create_payment(payment_body(channel="unionpay")))
        assert_error(answers[-1], 503, "channel_unavailable")
    assert any("circuit breaker open" in a.json()["error"]["message"] for a in answers), [a.text for a in answers[-3:]]
    # The channel is asked before anything is written: the refused creates left nothing behind.
    for body in bodies:
        missing = client.get(f"/v1/payments?merchant_order_no={body['merchant_order_no']}")
        assert_error(missing, 404, "not_found")

    faults({})
    # After the open period one probe goes out, succeeds, and the breaker closes: the identical
    # repeat of the first request now creates the payment, prepaid.
    deadline = time.monotonic() + 30
    while True:
        repeat = client.create_payment(bodies[0])
        if repeat.status_code == 201 or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    assert repeat.status_code == 201, repeat.text
    assert repeat.json()["status"] == "processing", repeat.text
    stored = client.get(f"/v1/payments?merchant_order_no={bodies[0]['merchant_order_no']}").json()
    assert stored["payment_id"] == repeat.json()["payment_id"], stored


# UnionPay has no close before its payTimeout (its late payer is in the test below); an expiry
# close reaches it after, which test_worker.py drives.
@pytest.mark.parametrize("channel", ["alipay", "wechatpay"])
def test_payment_after_close_is_never_lost(stack, client, slots, faults, channel):
    # The race: the merchant closes, and the payer's payment reaches the channel anyway.
    payment = create_processing(client, channel)
    closed = client.post(f"/v1/payments/{payment['payment_id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed", closed.text
    faults({"pay_closed_orders": True})
    pay(stack, payment)
    # The callback is acknowledged (the channel stops retrying) and recorded for a refund: the
    # payment stays closed, no payment.succeeded is sent, the money is flagged, never dropped.
    deadline = time.monotonic() + SETTLE_SECONDS_MAX
    while not anomalies_of(stack, slots, payment) and time.monotonic() < deadline:
        time.sleep(POLL_PAUSE_SECONDS)
    assert anomalies_of(stack, slots, payment) == [["paid_after_close"]]
    # ... and given back by an ordinary refund of the whole amount, which the timeout worker
    # sends; `succeeded` is written only from the channel's own definite answer to it.
    shard = slots.shard_of_order(payment["merchant_id"], payment["merchant_order_no"])
    query = ("SELECT status, origin, amount, source_txn_id IS NOT NULL, merchant_refund_no = refund_id FROM {db}.refunds"
             " WHERE payment_id = " + sql_string(payment["payment_id"]))
    deadline = time.monotonic() + SETTLE_SECONDS_MAX
    rows = stack.database.rows_on_shard(shard, query)
    while (not rows or rows[0][0] != "succeeded") and time.monotonic() < deadline:
        time.sleep(POLL_PAUSE_SECONDS)
        rows = stack.database.rows_on_shard(shard, query)
    assert rows == [["succeeded", "late_payment", payment["amount"], "1", "1"]], rows
    current = client.get(f"/v1/payments/{payment['payment_id']}").json()
    assert current["status"] == "closed" and current["refunded_amount"] == "0.00", current
    # The merchant hears of the refund like any other; never of a success of the payment.
    assert events_of(stack, slots, payment) == [["payment.closed"], ["refund.succeeded"]]
    # The money passed through the ledger and left it: owed to the payer, then returned.
    postings = stack.database.rows_on_shard(
        shard, "SELECT e.kind, l.account, l.amount FROM {db}.journal_entries e JOIN {db}.journal_lines l ON l.entry_id = e.entry_id"
               " WHERE e.payment_id = " + sql_string(payment["payment_id"]) + " ORDER BY e.kind, l.account")
    amount, negative = payment["amount"], "-" + payment["amount"]
    assert postings == [
        ["late_payment_received", f"channel_clearing:{channel}", amount], ["late_payment_received", "late_payments_due", negative],
        ["late_payment_returned", f"channel_clearing:{channel}", negative], ["late_payment_returned", "late_payments_due", amount],
    ], postings
    # The checker covers it like any refund: without its return posting, the payer's money
    # would still be owed in the books, and `late_refunds` says so.
    where = Shard(stack, shard)
    refund_id = where.value("SELECT refund_id FROM {db}.refunds WHERE payment_id = " + sql_string(payment["payment_id"]))
    returned = f"kind = 'late_payment_returned' AND refund_id = {sql_string(refund_id)}"
    entry = where.value("SELECT entry_id FROM {db}.journal_entries WHERE " + returned)
    with where.removed("journal_lines", f"entry_id = {sql_string(entry)}"), where.removed("journal_entries", returned):
        assert_found(stack, "late_refunds", payment["payment_id"], refund_id,
                     reason="refund status succeeded with 0 late_payment_returned entries (want 1)")
    assert_clean(stack)


def test_channel_timeout_answers_503_and_writes_nothing(stack, client, faults):
    # The sandbox carries the prepay out but holds its answer longer than paygate's total channel
    # timeout (5 s): the channel has an order whose pay URL nobody ever received.
    faults({"channel": "wechatpay", "timeout_ms": 7000})
    body = payment_body(channel="wechatpay")
    answer = client.create_payment(body)
    assert_error(answer, 503, "channel_unavailable")
    assert_error(client.get(f"/v1/payments?merchant_order_no={body['merchant_order_no']}"), 404, "not_found")
    faults({})
    # The identical repeat creates the payment (a new channel order; the first one expires unpaid).
    deadline = time.monotonic() + 30
    while True:
        repeat = client.create_payment(body)
        if repeat.status_code == 201 or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    assert repeat.status_code == 201 and repeat.json()["status"] == "processing", repeat.text
    again = client.create_payment(body)
    assert again.status_code == 200 and again.json()["payment_id"] == repeat.json()["payment_id"], again.text


def test_unionpay_close_before_expiry_closes_here_and_a_late_payer_is_refunded(stack, client, slots):
    # UnionPay has no close before the order's payTimeout: the payment closes here at once, as
    # docs/API.md section 5 says of any unpaid payment, and the order expires at the channel.
    payment = create_processing(client, "unionpay")
    closed = client.post(f"/v1/payments/{payment['payment_id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed", closed.text
    assert client.get(f"/v1/payments/{payment['payment_id']}").json()["status"] == "closed"
    assert events_of(stack, slots, payment) == [["payment.closed"]]
    # The channel's order is still payable until its payTimeout: a payer who pays now is a late
    # payment, given back by an ordinary refund (the refund names the channel's transaction).
    pay(stack, payment)
    shard = slots.shard_of_order(payment["merchant_id"], payment["merchant_order_no"])
    query = "SELECT status, origin FROM {db}.refunds WHERE payment_id = " + sql_string(payment["payment_id"])
    deadline = time.monotonic() + SETTLE_SECONDS_MAX
    rows = stack.database.rows_on_shard(shard, query)
    while (not rows or rows[0][0] != "succeeded") and time.monotonic() < deadline:
        time.sleep(POLL_PAUSE_SECONDS)
        rows = stack.database.rows_on_shard(shard, query)
    assert rows == [["succeeded", "late_payment"]], rows
    assert anomalies_of(stack, slots, payment) == [["paid_after_close"]]
    assert client.get(f"/v1/payments/{payment['payment_id']}").json()["status"] == "closed"


def test_forged_wechatpay_and_unionpay_callbacks_are_refused(stack, client, slots):
    for channel in ("wechatpay", "unionpay"):
        payment = create_processing(client, channel)
        if channel == "wechatpay":
            response = stack.session().post(
                stack.url + "/callbacks/wechatpay", data=b'{"id":"forged","event_type":"TRANSACTION.SUCCESS","resource":{}}',
                headers={"Content-Type": "application/json", "Wechatpay-Timestamp": str(int(time.time())),
                         "Wechatpay-Nonce": "n" * 32, "Wechatpay-Signature": "Zm9yZ2Vk", "Wechatpay-Serial": "01"},
                timeout=10)
            assert response.status_code >= 400 and response.json()["code"] == "FAIL", response.text
        else:
            forged = {"orderId": payment["payment_id"], "respCode": "00", "txnType": "01", "txnAmt": "1230",
                      "queryId": "forged", "txnTime": "20261127120000", "merId": "777290058110048",
                      "certId": "1", "signature": "Zm9yZ2Vk"}
            response = stack.session().post(stack.url + "/callbacks/unionpay", data=forged, timeout=10)
            assert response.status_code >= 400 and response.text == "fail", response.text
        assert client.get(f"/v1/payments/{payment['payment_id']}").json()["status"] == "processing"
        assert events_of(stack, slots, payment) == [] and anomalies_of(stack, slots, payment) == []
