"""Each channel's statement in its real format, end to end: payments and a refund made on the
stack, then the day's statement fetched from the sandbox and read exactly as reconciliation does
it, by `paygate-admin recon fetch` (the connector's signed request, the file written to disk as
it arrives, the connector's streaming reader). The records must name our orders and refunds with
their amounts; the sandbox's bad files must be refused with `bad_statement`.

Other tests of the session pay on the same channels and days, so these look for their own
payments among the records and check the file's totals against the records it printed."""
import datetime
import json
import os
import stat
import subprocess
from decimal import Decimal

import pytest

from paygate_support import channel_reference
from refund_support import CHANNELS, create_refund, paid_payment, sandbox_faults, wait_refund_final  # noqa: F401 (a fixture)

ADMIN_TIMEOUT_SECONDS = 120
CHINA = datetime.timezone(datetime.timedelta(hours=8))
BAD_FILES = [(channel, bad) for channel in CHANNELS
             for bad in ("truncated", "wrong_encoding", "missing_column", "hash_mismatch", "summary_mismatch")
             if not (bad == "hash_mismatch" and channel != "wechatpay") and not (bad == "summary_mismatch" and channel == "unionpay")]


def china_day(timestamp):
    """The China calendar day of an RFC 3339 time (the day whose statement lists it)."""
    moment = datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return moment.astimezone(CHINA).date().isoformat()


def fetch(stack, channel, day, out):
    """(exit status, the JSON printed, stderr) of `paygate-admin recon fetch ... --records`."""
    result = subprocess.run(
        [stack.admin, "--config", stack.config_path, "recon", "fetch", "--channel", channel, "--date", day, "--out", str(out),
         "--records"],
        capture_output=True, text=True, timeout=ADMIN_TIMEOUT_SECONDS)
    document = json.loads(result.stdout) if result.returncode == 0 else None
    return result.returncode, document, result.stderr


def fetched(stack, channel, day, out):
    status, document, errors = fetch(stack, channel, day, out)
    assert status == 0, errors
    records = document["records"]
    # The file's own totals (checked by the reader against its footer or summary) agree with
    # the records it printed.
    payments = [record for record in records if record["kind"] == "payment"]
    refunds = [record for record in records if record["kind"] == "refund"]
    assert document["payments"] == len(payments) and document["refunds"] == len(refunds), document
    assert Decimal(document["paid"]) == sum((Decimal(record["amount"]) for record in payments), Decimal(0))
    assert Decimal(document["refunded"]) == sum((Decimal(record["amount"]) for record in refunds), Decimal(0))
    return document


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_statement_names_our_payments_and_refund(stack, client, channel, tmp_path):
    first = paid_payment(stack, client, channel, amount="12.30")
    second = paid_payment(stack, client, channel, amount="0.99")
    response = create_refund(client, first["payment_id"], "2.30")
    assert response.status_code == 201, response.text
    refund = wait_refund_final(client, response.json()["refund_id"])
    assert refund["status"] == "succeeded", refund

    out = tmp_path / f"{channel}.statement"
    by_day = {}
    for payment in (first, second):
        day = china_day(payment["paid_at"])
        by_day.setdefault(day, fetched(stack, channel, day, out))
        listed = [record for record in by_day[day]["records"]
                  if record["kind"] == "payment" and record["order_reference"] == channel_reference(channel, payment["payment_id"])]
        assert len(listed) == 1, (payment["payment_id"], by_day[day]["records"])
        assert listed[0]["amount"] == payment["amount"] and listed[0]["status"] == "succeeded", listed
        assert Decimal(listed[0]["fee"]) == (Decimal(payment["amount"]) * Decimal("0.006")).quantize(Decimal("0.01")), listed
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600, "the statement holds the merchant's transactions: owner only"

    day = china_day(refund["succeeded_at"])
    document = by_day.get(day) or fetched(stack, channel, day, out)
    listed = [record for record in document["records"]
              if record["kind"] == "refund" and record["refund_reference"] == channel_reference(channel, refund["refund_id"])]
    assert len(listed) == 1, (refund["refund_id"], document["records"])
    assert listed[0]["amount"] == "2.30" and listed[0]["status"] == "succeeded", listed
    assert listed[0]["order_reference"] == channel_reference(channel, first["payment_id"]), listed


@pytest.mark.parametrize("channel,bad_file", BAD_FILES)
def test_a_bad_statement_is_refused(stack, client, sandbox_faults, channel, bad_file, tmp_path):  # noqa: F811
    payment = paid_payment(stack, client, channel)
    day = china_day(payment["paid_at"])
    sandbox_faults({"statement": {"channel": channel, "day": day, "discrepancies": [], "bad_file": bad_file}})
    status, _, errors = fetch(stack, channel, day, tmp_path / "bad.statement")
    assert status == 1, errors
    assert "bad_statement" in errors, errors


def test_a_planted_discrepancy_shows_in_the_records(stack, client, sandbox_faults, tmp_path):  # noqa: F811
    payment = paid_payment(stack, client, "wechatpay", amount="3.00")
    day = china_day(payment["paid_at"])
    order = channel_reference("wechatpay", payment["payment_id"])
    sandbox_faults({"statement": {"channel": "wechatpay", "day": day, "discrepancies": [{"kind": "amount", "order": order}]}})
    document = fetched(stack, "wechatpay", day, tmp_path / "planted.statement")
    listed = [record for record in document["records"] if record["order_reference"] == order]
    assert [record["amount"] for record in listed] == ["3.01"], listed
