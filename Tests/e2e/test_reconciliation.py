"""Reconciliation against the channels' statements, end to end (README "Reconciliation"):
payments and refunds made on the stack, the sandbox's statement of the day in the channel's own
format (its `statement` knob plants discrepancies or a bad file), and `paygate-admin recon
run|report|resolve` over the stack's shards.

Every other test of the session pays on the same channels and day, so these tests look at the
items naming their own payments; the clean-day test runs before any other test pays."""
import datetime
import json
import subprocess

import pytest

from paygate_support import channel_reference, sql_string
from refund_support import (CHANNELS, create_refund, get_payment, journal_kinds, on_shard, paid_payment, pay,
                            sandbox_faults, wait_refund_final, wait_until)  # noqa: F401 (sandbox_faults: a fixture)
from test_channels import create_processing

ADMIN_TIMEOUT_SECONDS = 300
CHINA = datetime.timezone(datetime.timedelta(hours=8))


def china_day(offset_days=0):
    return (datetime.datetime.now(CHINA) + datetime.timedelta(days=offset_days)).date().isoformat()


def paid_day(payment):
    """The China calendar day the payment succeeded (the day whose statement lists it)."""
    paid_at = datetime.datetime.fromisoformat(payment["paid_at"].replace("Z", "+00:00"))
    return paid_at.astimezone(CHINA).date().isoformat()


def recon(stack, *arguments):
    """(exit status, the JSON document printed, stderr) of `paygate-admin recon ...`."""
    result = subprocess.run([stack.admin, "--config", stack.config_path, "recon", *arguments],
                            capture_output=True, text=True, timeout=ADMIN_TIMEOUT_SECONDS)
    document = json.loads(result.stdout) if result.returncode == 0 and result.stdout.strip() else None
    return result.returncode, document, result.stderr


def reconcile(stack, channel, day):
    status, summary, errors = recon(stack, "run", "--channel", channel, "--date", day)
    assert status == 0, errors
    assert summary["status"] == "done", summary
    return summary


def items(stack, channel, day):
    status, document, errors = recon(stack, "report", "--date", day, "--channel", channel, "--all")
    assert status == 0, errors
    return document["items"]


def item_of(stack, channel, day, kind, object_id):
    found = [item for item in items(stack, channel, day)
             if item["kind"] == kind and (item.get("payment_id") if kind == "payment" else item.get("refund_id")) == object_id]
    assert len(found) == 1, (object_id, found)
    return found[0]


# ReconMatcher's timing window: a trade that succeeded this close to the end of its China day may
# be on the next day's statement, so its absence is `awaiting_next_day`, not a difference.
TIMING_WINDOW = datetime.timedelta(minutes=15)
TIMING_MARGIN = datetime.timedelta(minutes=5)


def before_the_timing_window(stack, slots, payment):
    """The payment, its success moved back (in SQL) out of the last minutes of its China day when
    the test runs there (15:45-16:00 UTC), so that a trade missing from the statement is a
    difference at any hour. Its day stays the same."""
    paid_at = datetime.datetime.fromisoformat(payment["paid_at"].replace("Z", "+00:00")).astimezone(CHINA)
    day_end = datetime.datetime.combine(paid_at.date() + datetime.timedelta(days=1), datetime.time(), CHINA)
    if paid_at < day_end - TIMING_WINDOW - TIMING_MARGIN:
        return payment
    moved = paid_at - TIMING_WINDOW - 2 * TIMING_MARGIN
    on_shard(stack, slots, payment, "UPDATE {db}.payments SET paid_at = "
                                    f"'{moved.astimezone(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M:%S.%f')[:-3]}' "
                                    "WHERE payment_id = {pid}")
    return {**payment, "paid_at": moved.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z")}


def plant(set_faults, channel, day, kind=None, order=None, bad_file=None):
    discrepancies = [{"kind": kind, "order": order}] if kind else []
    set_faults({"statement": {"channel": channel, "day": day, "discrepancies": discrepancies, "bad_file": bad_file}})


# ---------------------------------------------------------------------------------------------
# A clean day

@pytest.mark.first
@pytest.mark.parametrize("channel", CHANNELS)
def test_a_clean_day_reconciles_clean_and_a_rerun_changes_nothing(stack, client, channel):
    payments = [paid_payment(stack, client, channel, amount=amount) for amount in ("12.30", "0.99")]
    refund = create_refund(client, payments[0]["payment_id"], "2.30")
    assert refund.status_code == 201, refund.text
    assert wait_refund_final(client, refund.json()["refund_id"])["status"] == "succeeded"
    day = paid_day(payments[0])

    summary = reconcile(stack, channel, day)
    assert (summary["differences"], summary["awaiting_next_day"]) == (0, 0), summary
    assert summary["statement"]["payments"] == summary["local"]["payments"] >= 2, summary
    assert summary["statement"]["paid"] == summary["local"]["paid"], summary
    assert summary["statement"]["refunded"] == summary["local"]["refunded"], summary
    # Fees: ours posted at success, less what the channel gave back on the refund (posted now).
    assert summary["statement"]["fees"] == summary["local"]["fees"], summary
    assert summary["matched"] == summary["statement"]["payments"] + summary["statement"]["refunds"], summary
    assert len(summary["file_sha256"]) == 64 and f"/{channel}/{day}." in summary["file"], summary
    before = items(stack, channel, day)
    assert {item["payment_id"] for item in before if item["kind"] == "payment"} >= {p["payment_id"] for p in payments}
    assert all(item["class"] == "matched" and item["state"] == "none" for item in before), before

    again = reconcile(stack, channel, day)
    assert again["runs"] == summary["runs"] + 1
    # Each run keeps the file it was given (a channel may stamp its export time in it).
    assert again["file"] != summary["file"]
    same = lambda run: {key: value for key, value in run.items() if key not in ("runs", "file", "file_sha256")}  # noqa: E731
    assert same(again) == same(summary)
    assert items(stack, channel, day) == before, "a rerun writes the same items, under the same ids"


def test_the_worker_reconciles_yesterday_by_itself(stack):
    yesterday = china_day(-1)

    def every_channel_done():
        status, document, _ = recon(stack, "report", "--date", yesterday)
        return status == 0 and sorted(run["channel"] for run in document["runs"] if run["status"] == "done") == sorted(CHANNELS)
    wait_until(every_channel_done, "the worker to reconcile every channel's statement of yesterday")


# ---------------------------------------------------------------------------------------------
# Each difference, on each channel

@pytest.mark.parametrize("channel", CHANNELS)
def test_a_trade_missing_from_the_statement_is_channel_missing_and_queried(stack, client, slots, sandbox_faults, channel):  # noqa: F811
    payment = before_the_timing_window(stack, slots, paid_payment(stack, client, channel))
    day = paid_day(payment)
    plant(sandbox_faults, channel, day, "missing", channel_reference(channel, payment["payment_id"]))
    reconcile(stack, channel, day)
    item = item_of(stack, channel, day, "payment", payment["payment_id"])
    assert (item["class"], item["state"]) == ("channel_missing", "open"), item
    assert item["note"].startswith("the channel's query says: paid"), item
    assert "statement_amount" not in item and item["local_amount"] == payment["amount"], item


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_amount_different_is_amount_mismatch(stack, client, sandbox_faults, channel):  # noqa: F811
    payment = paid_payment(stack, client, channel, amount="12.30")
    day = paid_day(payment)
    plant(sandbox_faults, channel, day, "amount", channel_reference(channel, payment["payment_id"]))
    reconcile(stack, channel, day)
    item = item_of(stack, channel, day, "payment", payment["payment_id"])
    assert (item["class"], item["state"], item["statement_amount"], item["local_amount"]) == ("amount_mismatch", "open", "12.31", "12.30")


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_fee_different_is_posted_once_and_recorded(stack, client, slots, sandbox_faults, channel):  # noqa: F811
    payment = paid_payment(stack, client, channel, amount="100.00")
    day = paid_day(payment)
    plant(sandbox_faults, channel, day, "fee", channel_reference(channel, payment["payment_id"]))
    for _ in range(2):
        reconcile(stack, channel, day)
        item = item_of(stack, channel, day, "payment", payment["payment_id"])
        assert (item["class"], item["statement_fee"], item["local_fee"]) == ("fee_mismatch", "0.61", "0.60"), item
        assert journal_kinds(stack, slots, payment).count(["fee_adjusted", ""]) == 1
    lines = on_shard(stack, slots, payment, "SELECT l.account, l.amount FROM {db}.journal_lines l JOIN {db}.journal_entries e "
                                            "ON e.entry_id = l.entry_id WHERE e.payment_id = {pid} AND e.kind = 'fee_adjusted' "
                                            "ORDER BY l.account")
    assert lines == [[f"channel_clearing:{channel}", "-0.01"], [f"channel_fees:{channel}", "0.01"]]


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_trade_we_never_had_is_local_missing(stack, client, sandbox_faults, channel):  # noqa: F811
    payment = paid_payment(stack, client, channel)
    day = paid_day(payment)
    plant(sandbox_faults, channel, day, "extra")
    reconcile(stack, channel, day)
    strangers = [item for item in items(stack, channel, day) if item["reference"].startswith("SANDBOX-EXTRA")]
    assert strangers and all(item["class"] == "local_missing" and item["state"] == "open" and "payment_id" not in item
                             for item in strangers), strangers


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_refund_whose_status_differs_is_status_mismatch(stack, client, sandbox_faults, channel):  # noqa: F811
    payment = paid_payment(stack, client, channel, amount="10.00")
    # WeChat Pay lists a refund that succeeded as failed; Alipay and UnionPay list only completed
    # refunds, so there a refund that failed at the channel is listed as completed.
    expected = "succeeded" if channel == "wechatpay" else "failed"
    if expected == "failed":
        sandbox_faults({"channel": channel, "refund_result": "fail"})
    response = create_refund(client, payment["payment_id"], "4.00")
    assert response.status_code == 201, response.text
    refund = wait_refund_final(client, response.json()["refund_id"])
    assert refund["status"] == expected, refund
    day = paid_day(payment)
    plant(sandbox_faults, channel, day, "refund_status", channel_reference(channel, payment["payment_id"]))
    reconcile(stack, channel, day)
    item = item_of(stack, channel, day, "refund", refund["refund_id"])
    assert (item["class"], item["state"], item["local_status"]) == ("status_mismatch", "open", expected), item


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_trade_dated_the_next_day_waits_for_that_days_statement(stack, client, slots, sandbox_faults, channel):  # noqa: F811
    payment = paid_payment(stack, client, channel)
    day = paid_day(payment)
    # Ours says it succeeded a few seconds before midnight (China time); the channel dates it the
    # next day. A test cannot wait for midnight: the payment's time is moved instead.
    end_of_day_utc = (datetime.datetime.fromisoformat(day) + datetime.timedelta(hours=16) - datetime.timedelta(seconds=30))
    on_shard(stack, slots, payment, f"UPDATE {{db}}.payments SET paid_at = '{end_of_day_utc:%Y-%m-%d %H:%M:%S}' WHERE payment_id = {{pid}}")
    plant(sandbox_faults, channel, day, "next_day", channel_reference(channel, payment["payment_id"]))
    reconcile(stack, channel, day)
    waiting = item_of(stack, channel, day, "payment", payment["payment_id"])
    assert (waiting["class"], waiting["state"]) == ("awaiting_next_day", "open"), waiting

    next_day = (datetime.date.fromisoformat(day) + datetime.timedelta(days=1)).isoformat()
    reconcile(stack, channel, next_day)
    listed = item_of(stack, channel, next_day, "payment", payment["payment_id"])
    assert listed["class"] == "matched", listed
    settled = item_of(stack, channel, day, "payment", payment["payment_id"])
    assert (settled["class"], settled["state"]) == ("matched", "settled"), settled
    assert settled["note"] == f"listed on the statement of {next_day}", settled


# ---------------------------------------------------------------------------------------------
# Resolution

@pytest.mark.parametrize("channel", CHANNELS)
def test_a_payment_the_channel_took_and_we_missed_is_applied_through_its_lifecycle(stack, client, slots, sandbox_faults, channel):  # noqa: F811
    sandbox_faults({"channel": channel, "drop_callbacks": True})
    payment = create_processing(client, channel)
    # The worker must not find it first: its next check is far away.
    on_shard(stack, slots, payment, "UPDATE {db}.payments SET check_after = '2099-01-01 00:00:00' WHERE payment_id = {pid}")
    pay(stack, payment)
    assert get_payment(client, payment["payment_id"])["status"] == "processing"
    day = china_day()
    summary = reconcile(stack, channel, day)
    assert summary["differences"] >= 1, summary
    item = item_of(stack, channel, day, "payment", payment["payment_id"])
    assert (item["class"], item["state"]) == ("local_missing", "settled"), item
    assert item["note"].startswith("the channel's query confirmed the payment"), item
    assert get_payment(client, payment["payment_id"])["status"] == "succeeded"
    assert ["payment_succeeded", ""] in journal_kinds(stack, slots, payment)
    events = on_shard(stack, slots, payment, "SELECT type FROM {db}.payment_events WHERE payment_id = {pid}")
    assert events == [["payment.succeeded"]], events

    # Settled stays settled: a rerun finds the payment matched and keeps the record of the difference.
    reconcile(stack, channel, day)
    again = item_of(stack, channel, day, "payment", payment["payment_id"])
    assert (again["item_id"], again["class"], again["state"], again["note"]) == (item["item_id"], "local_missing", "settled", item["note"])
    assert again["local_status"] == "succeeded", again


def test_an_admin_resolves_an_open_difference_and_a_rerun_keeps_it(stack, client, sandbox_faults):  # noqa: F811
    payment = paid_payment(stack, client, "wechatpay", amount="12.30")
    day = paid_day(payment)
    plant(sandbox_faults, "wechatpay", day, "amount", channel_reference("wechatpay", payment["payment_id"]))
    reconcile(stack, "wechatpay", day)
    item = item_of(stack, "wechatpay", day, "payment", payment["payment_id"])
    status, resolved, errors = recon(stack, "resolve", item["item_id"], "--note", "channel confirmed 12.30 by ticket 4711", "--actor", "ops-anna")
    assert status == 0, errors
    assert (resolved["state"], resolved["note"], resolved["resolved_by"]) == ("resolved", "channel confirmed 12.30 by ticket 4711", "ops-anna")
    reconcile(stack, "wechatpay", day)
    assert item_of(stack, "wechatpay", day, "payment", payment["payment_id"]) == resolved

    matched = next(i for i in items(stack, "wechatpay", day) if i["class"] == "matched" and i["state"] == "none")
    status, _, errors = recon(stack, "resolve", matched["item_id"], "--note", "nothing to do")
    assert status == 1 and "nothing to resolve" in errors, errors
    status, _, errors = recon(stack, "resolve", "rci_" + "0" * 32, "--note", "x")
    assert status == 1 and "no such reconciliation item" in errors, errors


# ---------------------------------------------------------------------------------------------
# Bad files

BAD_FILES = [(channel, bad) for channel in CHANNELS
             for bad in ("truncated", "wrong_encoding", "missing_column", "hash_mismatch", "summary_mismatch")
             if not (bad == "hash_mismatch" and channel != "wechatpay") and not (bad == "summary_mismatch" and channel == "unionpay")]


@pytest.mark.parametrize("channel,bad_file", BAD_FILES)
def test_a_bad_statement_fails_the_run_and_records_nothing(stack, client, sandbox_faults, channel, bad_file):  # noqa: F811
    payment = paid_payment(stack, client, channel)
    day = paid_day(payment)
    before = [item for item in items(stack, channel, day)]
    plant(sandbox_faults, channel, day, bad_file=bad_file)
    status, _, errors = recon(stack, "run", "--channel", channel, "--date", day)
    assert status == 1 and "bad_statement" in errors, errors
    assert items(stack, channel, day) == before, "a bad file records nothing"
    assert not [item for item in before if item.get("payment_id") == payment["payment_id"]]
    _, report, _ = recon(stack, "report", "--date", day, "--channel", channel)
    [run] = report["runs"]
    assert run["status"] == "failed" and "bad_statement" in run["error"], run
