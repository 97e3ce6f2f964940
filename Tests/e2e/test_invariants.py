"""End to end: `paygate-admin check` is clean on the running stack, finds each
kind of broken row (broken on purpose, on a payment made for the test) and names its payment, and
is clean again once the row is repaired exactly; `paygate-admin ledger balance` adds a merchant's
journal up across shards. Every break is undone in a `finally`, so the session-end check (conftest)
stays clean whatever fails here.
"""
import contextlib
import json
import re
import secrets
import subprocess
import time
import uuid

import pytest
import requests

from paygate_support import payment_body, sql_string

CHECKS = ["statuses_known", "payment_succeeded", "refunds", "late_refunds", "journal_balanced", "status_history", "events_complete"]
VIOLATIONS_KEPT_MAX = 20  # InvariantChecker.violationsKeptMax
ADMIN_TIMEOUT_SECONDS = 120
SETTLE_SECONDS_MAX = 20
POLL_PAUSE_SECONDS = 0.1
CHECK_LINE = re.compile(r"^(ok|FAIL) (\w+): (\d+) checked, (\d+) violations$")


# ---------------------------------------------------------------------------------------------
# The checker's answer

class CheckAnswer:
    """`paygate-admin check` parsed: per check its status, counts and violation lines."""

    def __init__(self, result):
        self.returncode = result.returncode
        self.output = result.stdout + result.stderr
        self.checks = {}
        current = None
        for line in result.stdout.splitlines():
            match = CHECK_LINE.match(line)
            if match:
                current = {"ok": match.group(1) == "ok", "checked": int(match.group(3)),
                           "violations": int(match.group(4)), "lines": []}
                self.checks[match.group(2)] = current
            elif line.startswith("    ") and current is not None and not line.startswith("    rule:"):
                current["lines"].append(line.strip())
            elif not line.startswith("    "):
                current = None

    def lines_naming(self, check, *ids):
        return [line for line in self.checks[check]["lines"] if all(value in line for value in ids)]


def run_check(stack):
    result = subprocess.run([stack.admin, "--config", stack.config_path, "check"],
                            capture_output=True, text=True, timeout=ADMIN_TIMEOUT_SECONDS)
    return CheckAnswer(result)


def assert_clean(stack):
    answer = run_check(stack)
    assert answer.returncode == 0, answer.output
    assert list(answer.checks) == CHECKS, answer.output
    assert all(check["ok"] and check["violations"] == 0 for check in answer.checks.values()), answer.output
    return answer


def assert_found(stack, check, *ids, reason=None):
    """The checker exits 1 and `check` names a violation carrying every one of `ids`."""
    answer = run_check(stack)
    assert answer.returncode == 1, answer.output
    assert not answer.checks[check]["ok"] and answer.checks[check]["violations"] >= 1, answer.output
    lines = answer.lines_naming(check, *ids)
    assert lines, f"{check} does not name {ids}:\n{answer.output}"
    if reason is not None:
        assert any(reason in line for line in lines), f"{check} does not say {reason!r}:\n{answer.output}"
    return answer


# ---------------------------------------------------------------------------------------------
# Payments made for the test, and their rows

class Shard:
    """SQL on one shard database ({db} in a statement names it)."""

    def __init__(self, stack, name):
        self.stack = stack
        self.name = name

    def sql(self, statement):
        return self.stack.database.rows_on_shard(self.name, statement)

    def value(self, statement):
        rows = self.sql(statement)
        assert len(rows) == 1 and len(rows[0]) == 1, rows
        return rows[0][0]

    @contextlib.contextmanager
    def removed(self, table, where):
        """Deletes the rows for the block and puts exactly the same rows (same ids) back after it,
        through a copy in a table of the test's own."""
        backup = f"e2e_invariants_{uuid.uuid4().hex[:12]}"
        self.sql(f"CREATE TABLE {{db}}.{backup} AS SELECT * FROM {{db}}.{table} WHERE {where}")
        try:
            copied = int(self.value(f"SELECT COUNT(*) FROM {{db}}.{backup}"))
            assert copied >= 1, f"nothing in {table} matches {where}"
            self.sql(f"DELETE FROM {{db}}.{table} WHERE {where}")
            yield copied
        finally:
            self.sql(f"DELETE FROM {{db}}.{table} WHERE {where}; "
                     f"INSERT INTO {{db}}.{table} SELECT * FROM {{db}}.{backup}; DROP TABLE {{db}}.{backup}")


def sandbox_session(stack):
    session = requests.Session()
    session.verify = stack.ca
    session.trust_env = False
    return session


def wait_for_status(client, payment_id, status):
    deadline = time.monotonic() + SETTLE_SECONDS_MAX
    while True:
        current = client.get(f"/v1/payments/{payment_id}").json()
        if current["status"] == status or time.monotonic() >= deadline:
            assert current["status"] == status, current
            return current
        time.sleep(POLL_PAUSE_SECONDS)


def create_payment(stack, client, amount="12.30", shard=None, channel="alipay"):
    body = payment_body(amount=amount, channel=channel)
    if shard is not None:
        body["merchant_order_no"] = stack.slots.order_no_on_shard(client.merchant_id, shard, prefix="inv")
    response = client.create_payment(body)
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["status"] == "processing", payment
    return payment, Shard(stack, stack.slots.shard_of_order(client.merchant_id, body["merchant_order_no"]))


def paid_payment(stack, client, amount="12.30", shard=None):
    """A payment paid by the payer at the sandbox and settled by the channel's callback."""
    payment, where = create_payment(stack, client, amount, shard)
    response = sandbox_session(stack).post(payment["channel_payload"]["pay_url"], data={"result": "success"}, timeout=10)
    assert response.status_code in (200, 204), response.text
    return wait_for_status(client, payment["payment_id"], "succeeded"), where


def closed_payment(stack, client):
    payment, where = create_payment(stack, client)
    response = client.post(f"/v1/payments/{payment['payment_id']}/close")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "closed"
    return response.json(), where


def success_entry(where, payment_id):
    return where.value("SELECT entry_id FROM {db}.journal_entries WHERE kind = 'payment_succeeded' AND payment_id = "
                       + sql_string(payment_id))


def fee_minor(stack, channel, amount_minor):
    """channels.fee_basis_points as LedgerEntry computes it: rounded half up to the minor unit."""
    basis_points = stack.config.get("channels", {}).get("fee_basis_points", {}).get(channel, 0)
    return (amount_minor * basis_points + 5_000) // 10_000


def minor(text):
    whole, _, fraction = text.partition(".")
    return int(whole) * 100 + int((fraction + "00")[:2])


def money(minor_units):
    sign = "-" if minor_units < 0 else ""
    return f"{sign}{abs(minor_units) // 100}.{abs(minor_units) % 100:02d}"


# ---------------------------------------------------------------------------------------------
# Clean stack, and the ledger

def test_check_is_clean_and_says_what_it_checked(stack, client):
    paid_payment(stack, client)
    answer = assert_clean(stack)
    assert answer.checks["payment_succeeded"]["checked"] >= 1, answer.output
    assert answer.checks["journal_balanced"]["checked"] >= 2, answer.output  # an entry and its lines
    assert answer.output.splitlines()[len(CHECKS)].startswith(f"ok: {len(CHECKS)} checks, 0 violations on 4 of 4 shards"), answer.output


def ledger_balance(stack, merchant_id):
    result = subprocess.run([stack.admin, "--config", stack.config_path, "ledger", "balance", "--merchant", merchant_id],
                            capture_output=True, text=True, timeout=ADMIN_TIMEOUT_SECONDS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_ledger_balance_adds_a_merchant_up_across_shards(stack, client):
    assert ledger_balance(stack, client.merchant_id) == {"merchant_id": client.merchant_id, "balances": [], "entries": 0}
    shards = stack.slots.shard_names
    first, first_shard = paid_payment(stack, client, "12.30", shard=shards[0])
    second, second_shard = paid_payment(stack, client, "0.75", shard=shards[-1])
    assert first_shard.name != second_shard.name
    fees = fee_minor(stack, "alipay", 1230) + fee_minor(stack, "alipay", 75)
    expected = [
        {"account": "channel_clearing:alipay", "currency": "CNY", "debit": money(1305 - fees), "credit": "0.00",
         "balance": money(1305 - fees)},
        {"account": "merchant_payable", "currency": "CNY", "debit": "0.00", "credit": "13.05", "balance": "-13.05"},
    ]
    if fees:
        expected.insert(1, {"account": "channel_fees:alipay", "currency": "CNY", "debit": money(fees), "credit": "0.00",
                            "balance": money(fees)})
    assert ledger_balance(stack, client.merchant_id) == {"merchant_id": client.merchant_id, "balances": expected, "entries": 2}


def test_ledger_balance_needs_a_merchant(stack):
    result = subprocess.run([stack.admin, "--config", stack.config_path, "ledger", "balance"],
                            capture_output=True, text=True, timeout=ADMIN_TIMEOUT_SECONDS)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--merchant" in result.stderr


# ---------------------------------------------------------------------------------------------
# Each kind of violation, found and then repaired

def test_missing_success_event_is_found(stack, client):
    payment, where = paid_payment(stack, client)
    pid = sql_string(payment["payment_id"])
    with where.removed("payment_events", f"payment_id = {pid} AND type = 'payment.succeeded'"):
        assert_found(stack, "payment_succeeded", where.name, payment["payment_id"],
                     reason="0 payment.succeeded events (want 1)")
    assert_clean(stack)


def test_missing_success_posting_is_found(stack, client):
    payment, where = paid_payment(stack, client)
    entry = sql_string(success_entry(where, payment["payment_id"]))
    with where.removed("journal_lines", f"entry_id = {entry}"), where.removed("journal_entries", f"entry_id = {entry}"):
        assert_found(stack, "payment_succeeded", payment["payment_id"], reason="0 payment_succeeded entries (want 1)")
    assert_clean(stack)


def test_posting_of_the_wrong_amount_is_found(stack, client):
    """A balanced entry that credits the merchant less than the payment: only the amount is wrong."""
    payment, where = paid_payment(stack, client)
    entry = sql_string(success_entry(where, payment["payment_id"]))
    shift = "UPDATE {db}.journal_lines SET amount = amount + %s WHERE entry_id = " + entry + " AND account = %s"
    where.sql(shift % ("0.01", "'merchant_payable'") + "; " + shift % ("-0.01", "'channel_clearing:alipay'"))
    try:
        answer = assert_found(stack, "payment_succeeded", payment["payment_id"],
                              reason=f"puts -{money(minor(payment['amount']) - 1)} on merchant_payable (want -{payment['amount']})")
        assert answer.checks["journal_balanced"]["ok"], answer.output
    finally:
        where.sql(shift % ("-0.01", "'merchant_payable'") + "; " + shift % ("0.01", "'channel_clearing:alipay'"))
    assert_clean(stack)


def test_unbalanced_journal_line_is_found(stack, client):
    payment, where = paid_payment(stack, client)
    entry_id = success_entry(where, payment["payment_id"])
    where.sql("INSERT INTO {db}.journal_lines (entry_id, slot, merchant_id, account, amount, currency) "
              f"SELECT entry_id, slot, merchant_id, 'channel_clearing:alipay', 0.01, currency FROM {{db}}.journal_entries "
              f"WHERE entry_id = {sql_string(entry_id)}")
    try:
        assert_found(stack, "journal_balanced", where.name, payment["payment_id"], entry_id, reason="lines sum to 0.01, not 0")
    finally:
        where.sql(f"DELETE FROM {{db}}.journal_lines WHERE entry_id = {sql_string(entry_id)} AND amount = 0.01 "
                  "AND account = 'channel_clearing:alipay'")
    assert_clean(stack)


def test_line_without_entry_is_found_and_output_is_bounded(stack, client):
    """More violations than the checker prints: all are counted, the first ones shown."""
    payment, where = paid_payment(stack, client)
    orphans = VIOLATIONS_KEPT_MAX + 5
    entry_id = "jnl_" + secrets.token_hex(16)
    values = ", ".join(f"({sql_string(entry_id)}, 0, {sql_string(client.merchant_id)}, 'merchant_payable', 1.00, 'CNY')"
                       for _ in range(orphans))
    where.sql(f"INSERT INTO {{db}}.journal_lines (entry_id, slot, merchant_id, account, amount, currency) VALUES {values}")
    try:
        answer = assert_found(stack, "journal_balanced", entry_id, reason="belongs to no journal entry")
        check = answer.checks["journal_balanced"]
        assert check["violations"] == orphans, answer.output
        assert len([line for line in check["lines"] if not line.startswith("...")]) == VIOLATIONS_KEPT_MAX, answer.output
        assert f"... and {orphans - VIOLATIONS_KEPT_MAX} more" in check["lines"], answer.output
    finally:
        where.sql(f"DELETE FROM {{db}}.journal_lines WHERE entry_id = {sql_string(entry_id)}")
    assert_clean(stack)


def test_missing_history_row_is_found(stack, client):
    payment, where = paid_payment(stack, client)
    pid = sql_string(payment["payment_id"])
    latest = where.value(f"SELECT MAX(id) FROM {{db}}.payment_status_history WHERE payment_id = {pid}")
    with where.removed("payment_status_history", f"id = {latest}"):
        assert_found(stack, "status_history", payment["payment_id"],
                     reason="status succeeded but its latest payment_status_history row")
    assert_clean(stack)


def test_changed_refunded_amount_is_found(stack, client):
    payment, where = paid_payment(stack, client)
    pid = sql_string(payment["payment_id"])
    where.sql(f"UPDATE {{db}}.payments SET refunded_amount = 1.00 WHERE payment_id = {pid}")
    try:
        answer = assert_found(stack, "refunds", payment["payment_id"], reason="refunded_amount 1.00 but succeeded refunds sum to 0.00")
        assert answer.lines_naming("refunds", payment["payment_id"], "does not match refunded_amount"), answer.output
    finally:
        where.sql(f"UPDATE {{db}}.payments SET refunded_amount = 0.00 WHERE payment_id = {pid}")
    assert_clean(stack)


def test_missing_closed_event_is_found(stack, client):
    payment, where = closed_payment(stack, client)
    pid = sql_string(payment["payment_id"])
    with where.removed("payment_events", f"payment_id = {pid} AND type = 'payment.closed'"):
        assert_found(stack, "events_complete", payment["payment_id"], reason="status closed with 0 payment.closed events (want 1)")
    assert_clean(stack)


def test_event_without_its_refund_is_found(stack, client):
    payment, where = paid_payment(stack, client)
    refund_id = "ref_" + payment["payment_id"][4:20] + secrets.token_hex(8)
    # `dead`, so that no dispatcher delivers it while it exists.
    where.sql("INSERT INTO {db}.payment_events (event_id, payment_id, slot, merchant_id, type, data, state, next_attempt_at, "
              f"created_at, refund_id) SELECT 'evt_{secrets.token_hex(16)}', payment_id, slot, merchant_id, 'refund.succeeded', "
              f"'{{}}', 'dead', NOW(3), NOW(3), {sql_string(refund_id)} FROM {{db}}.payments "
              f"WHERE payment_id = {sql_string(payment['payment_id'])}")
    try:
        assert_found(stack, "events_complete", payment["payment_id"], refund_id, reason="does not exist for this payment")
    finally:
        where.sql(f"DELETE FROM {{db}}.payment_events WHERE refund_id = {sql_string(refund_id)}")
    assert_clean(stack)


def test_unknown_status_is_found(stack, client):
    payment, where = closed_payment(stack, client)
    pid = sql_string(payment["payment_id"])
    where.sql(f"UPDATE {{db}}.payments SET status = 'mislaid' WHERE payment_id = {pid}")
    try:
        assert_found(stack, "statuses_known", payment["payment_id"], reason="status 'mislaid' is not one the code knows")
    finally:
        where.sql(f"UPDATE {{db}}.payments SET status = 'closed' WHERE payment_id = {pid}")
    assert_clean(stack)


# ---------------------------------------------------------------------------------------------
# Refunds (API.md section 6): real refunds through the sandbox, then broken on purpose

def set_sandbox_faults(stack, knobs):
    response = sandbox_session(stack).post(stack.sandbox_url + "/sandbox/faults", json=knobs, timeout=10)
    assert response.status_code == 200, response.text


def settled_refund(stack, client, payment, amount, status="succeeded"):
    response = client.post("/v1/refunds", {"payment_id": payment["payment_id"],
                                           "merchant_refund_no": f"r-{uuid.uuid4().hex}", "amount": amount})
    assert response.status_code == 201, response.text
    refund = response.json()
    deadline = time.monotonic() + SETTLE_SECONDS_MAX
    while refund["status"] == "processing" and time.monotonic() < deadline:
        time.sleep(POLL_PAUSE_SECONDS)
        refund = client.get(f"/v1/refunds/{refund['refund_id']}").json()
    assert refund["status"] == status, refund
    return refund


def test_refunds_reconcile_and_each_broken_record_is_found(stack, client):
    payment, where = paid_payment(stack, client, "12.30")
    refund = settled_refund(stack, client, payment, "2.30")
    pid, rid = payment["payment_id"], refund["refund_id"]
    assert client.get(f"/v1/payments/{pid}").json()["status"] == "partially_refunded"
    assert_clean(stack)
    balances = {row["account"]: row for row in ledger_balance(stack, client.merchant_id)["balances"]}
    assert balances["merchant_payable"] == {"account": "merchant_payable", "currency": "CNY", "debit": "2.30",
                                            "credit": "12.30", "balance": "-10.00"}

    with where.removed("payment_events", f"refund_id = {sql_string(rid)} AND type = 'refund.succeeded'"):
        assert_found(stack, "refunds", pid, rid, reason="refund status succeeded with 0 refund.succeeded events (want 1)")
    assert_clean(stack)

    where.sql(f"UPDATE {{db}}.refunds SET amount = 2.00 WHERE refund_id = {sql_string(rid)}")
    try:
        answer = assert_found(stack, "refunds", pid, reason="refunded_amount 2.30 but succeeded refunds sum to 2.00")
        assert answer.lines_naming("refunds", pid, rid, "puts 2.30 on merchant_payable (want 2.00)"), answer.output
    finally:
        where.sql(f"UPDATE {{db}}.refunds SET amount = 2.30 WHERE refund_id = {sql_string(rid)}")
    assert_clean(stack)

    entry = sql_string(where.value("SELECT entry_id FROM {db}.journal_entries WHERE refund_id = " + sql_string(rid)))
    with where.removed("journal_lines", f"entry_id = {entry}"), where.removed("journal_entries", f"entry_id = {entry}"):
        answer = assert_found(stack, "refunds", pid, rid, reason="refund status succeeded with 0 refund_succeeded entries (want 1)")
        assert answer.lines_naming("refunds", pid, "refund_succeeded postings debit merchant_payable 0.00"), answer.output
    assert_clean(stack)

    latest = where.value(f"SELECT MAX(id) FROM {{db}}.refund_status_history WHERE refund_id = {sql_string(rid)}")
    with where.removed("refund_status_history", f"id = {latest}"):
        assert_found(stack, "status_history", pid, rid, reason="refund status succeeded but its latest refund_status_history row")
    assert_clean(stack)


def test_fully_refunded_payment_status_is_checked(stack, client):
    payment, where = paid_payment(stack, client, "5.00")
    settled_refund(stack, client, payment, "5.00")
    pid = sql_string(payment["payment_id"])
    assert where.value(f"SELECT status FROM {{db}}.payments WHERE payment_id = {pid}") == "refunded"
    assert_clean(stack)
    where.sql(f"UPDATE {{db}}.payments SET status = 'partially_refunded' WHERE payment_id = {pid}")
    try:
        answer = assert_found(stack, "refunds", payment["payment_id"],
                              reason="status partially_refunded does not match refunded_amount 5.00 of 5.00")
        assert answer.lines_naming("status_history", payment["payment_id"]), answer.output
    finally:
        where.sql(f"UPDATE {{db}}.payments SET status = 'refunded' WHERE payment_id = {pid}")
    assert_clean(stack)


def test_failed_refund_has_its_event_and_no_posting(stack, client):
    payment, where = paid_payment(stack, client, "3.00")
    set_sandbox_faults(stack, {"refund_result": "fail"})
    try:
        refund = settled_refund(stack, client, payment, "1.00", status="failed")
    finally:
        set_sandbox_faults(stack, {})
    pid, rid = payment["payment_id"], refund["refund_id"]
    assert_clean(stack)
    with where.removed("payment_events", f"refund_id = {sql_string(rid)} AND type = 'refund.failed'"):
        assert_found(stack, "refunds", pid, rid, reason="refund status failed with 0 refund.failed events (want 1)")
    assert_clean(stack)


def test_refunds_beyond_the_amount_are_found(stack, client):
    """A second refund row (made in SQL) that takes the refunds past the payment's amount."""
    payment, where = paid_payment(stack, client, "4.00")
    refund = settled_refund(stack, client, payment, "3.00")
    extra_id = "ref_" + payment["payment_id"][4:20] + secrets.token_hex(8)
    where.sql("INSERT INTO {db}.refunds (refund_id, payment_id, slot, merchant_id, merchant_refund_no, amount, currency, "
              "channel, status, check_after, created_at, updated_at) "
              f"SELECT {sql_string(extra_id)}, payment_id, slot, merchant_id, 'inv-extra', 2.00, currency, channel, 'processing', "
              f"NOW(3) + INTERVAL 1 DAY, NOW(3), NOW(3) FROM {{db}}.refunds WHERE refund_id = {sql_string(refund['refund_id'])}")
    try:
        answer = assert_found(stack, "refunds", payment["payment_id"], reason="non-failed refunds sum to 5.00, more than the amount 4.00")
        assert answer.lines_naming("status_history", payment["payment_id"], extra_id, "no refund_status_history row"), answer.output
    finally:
        where.sql(f"DELETE FROM {{db}}.refunds WHERE refund_id = {sql_string(extra_id)}")
    assert_clean(stack)


# ---------------------------------------------------------------------------------------------
# A shard that cannot be read: the answer is incomplete (exit 2), says which, checks the rest

@pytest.mark.disruptive
def test_unreadable_shard_is_named_and_exits_2(stack):
    directory_server = stack.config["database"]["directory"]["server"]
    down_server = next(name for name in stack.slots.servers
                       if name != directory_server and stack.slots.shards_on_server(name))
    down_shards = stack.slots.shards_on_server(down_server)
    read_shards = len(stack.slots.shard_names) - len(down_shards)
    stack.run_stack_command("db-stop", down_server)
    try:
        answer = run_check(stack)
    finally:
        stack.run_stack_command("db-start", down_server)
    assert answer.returncode == 2, answer.output
    assert list(answer.checks) == CHECKS, answer.output  # the readable shards were still checked
    for shard in down_shards:
        assert re.search(rf"^ERROR {shard} could not be read", answer.output, re.MULTILINE), answer.output
    assert f"on {read_shards} of {len(stack.slots.shard_names)} shards; unreadable: {', '.join(down_shards)}" in answer.output
    assert_clean(stack)


# ---------------------------------------------------------------------------------------------
# Double charges and postings without a payment: planted as two (or one where none is due), so a
# check that only looked for "at least one" or "none missing" would pass them and fail here.

def copy_success_entry(where, payment_id, new_entry_id, refund_id, target_payment_id=None):
    """A copy of a payment's balanced payment_succeeded entry (its lines copied), for the same
    payment or for `target_payment_id` on the same shard."""
    entry = sql_string(success_entry(where, payment_id))
    target = sql_string(target_payment_id or payment_id)
    where.sql("INSERT INTO {db}.journal_entries (entry_id, slot, merchant_id, payment_id, refund_id, kind, currency, created_at) "
              f"SELECT {sql_string(new_entry_id)}, slot, merchant_id, {target}, {sql_string(refund_id)}, kind, currency, "
              f"created_at FROM {{db}}.journal_entries WHERE entry_id = {entry}; "
              "INSERT INTO {db}.journal_lines (entry_id, slot, merchant_id, account, amount, currency) "
              f"SELECT {sql_string(new_entry_id)}, slot, merchant_id, account, amount, currency FROM {{db}}.journal_lines "
              f"WHERE entry_id = {entry}")


def drop_entry(where, entry_id):
    where.sql(f"DELETE FROM {{db}}.journal_lines WHERE entry_id = {sql_string(entry_id)}; "
              f"DELETE FROM {{db}}.journal_entries WHERE entry_id = {sql_string(entry_id)}")


def test_a_second_success_posting_is_found(stack, client):
    """A double charge in the books: the payment credited to the merchant twice, each entry balanced."""
    payment, where = paid_payment(stack, client)
    second = "jnl_" + secrets.token_hex(16)
    # The unique key (payment, kind, refund_id) allows one posting per cause: the copy needs another refund_id.
    copy_success_entry(where, payment["payment_id"], second, "planted-second")
    try:
        assert_found(stack, "payment_succeeded", payment["payment_id"],
                     reason="status succeeded with 2 payment_succeeded entries (want 1)")
    finally:
        drop_entry(where, second)
    assert_clean(stack)


def test_a_second_success_event_is_found(stack, client):
    """The merchant told twice that it was paid (two payment.succeeded events for one payment)."""
    payment, where = paid_payment(stack, client)
    pid = sql_string(payment["payment_id"])
    event_id = "evt_" + secrets.token_hex(16)
    # `dead`, so that no dispatcher delivers it while it exists.
    where.sql("INSERT INTO {db}.payment_events (event_id, payment_id, slot, merchant_id, type, data, state, next_attempt_at, "
              f"created_at, refund_id) SELECT {sql_string(event_id)}, payment_id, slot, merchant_id, type, data, 'dead', "
              f"NOW(3), NOW(3), 'planted-second' FROM {{db}}.payment_events WHERE payment_id = {pid} AND type = 'payment.succeeded'")
    try:
        assert_found(stack, "payment_succeeded", payment["payment_id"],
                     reason="status succeeded with 2 payment.succeeded events (want 1)")
    finally:
        where.sql(f"DELETE FROM {{db}}.payment_events WHERE event_id = {sql_string(event_id)}")
    assert_clean(stack)


def test_a_posting_for_an_unpaid_payment_is_found(stack, client):
    """Money credited for a payment nobody paid: a success entry on a payment still processing."""
    paid, paid_where = paid_payment(stack, client)
    unpaid, where = create_payment(stack, client, shard=paid_where.name)
    entry_id = "jnl_" + secrets.token_hex(16)
    copy_success_entry(where, paid["payment_id"], entry_id, "", target_payment_id=unpaid["payment_id"])
    try:
        answer = assert_found(stack, "payment_succeeded", unpaid["payment_id"],
                              reason="status processing with 1 payment_succeeded entries (want 0)")
        assert not answer.lines_naming("payment_succeeded", paid["payment_id"]), answer.output
    finally:
        drop_entry(where, entry_id)
    assert_clean(stack)
