"""The tamper-evident audit log (README "Audit log") through the real stack: admin actions and the
pool's security events are recorded, an untouched chain verifies, and each kind of tampering done
as the database's root (an UPDATE of a record, a DELETE in the middle, an INSERT in the middle, the
removal of the newest records) is named by `paygate-admin audit verify`, which then exits 1.

The canonical form is written again here from README "Audit log", independently of the Swift code,
so a forged record is hashed the way an attacker who read the documentation would hash it."""
import hashlib
import json
import os
import pwd
import stat
import subprocess
import time
import uuid

import pytest

from paygate_support import assert_error, sql_string
from test_privilege import as_account

ADMIN_TIMEOUT_SECONDS = 60
FLUSH_WAIT_SECONDS_MAX = 30
POLL_PAUSE_SECONDS = 0.5
ACTOR = "e2e-auditor"
# More failures than two pool processes can spread over a few flush intervals without one
# (process, interval) seeing SecurityTally.repeatedFailuresMin of them.
AUTH_FAILURES = 12
REPEATED_FAILURES_MIN = 3
CONCURRENT_WRITERS = 8


def admin(stack, *arguments, check=True):
    environment = dict(os.environ, PAYGATE_ACTOR=ACTOR)
    result = subprocess.run([stack.admin, "--config", stack.config_path, *arguments], env=environment,
                            capture_output=True, text=True, timeout=ADMIN_TIMEOUT_SECONDS)
    if check:
        assert result.returncode == 0, f"{arguments} exited {result.returncode}: {result.stderr.strip()}"
    return result


def audit_list(stack, *filters):
    result = admin(stack, "audit", "list", *filters, "--limit", "100000")
    return [json.loads(line) for line in result.stdout.splitlines()]


def verify(stack):
    """(exit code, findings, summary) of `audit verify`."""
    result = admin(stack, "audit", "verify", check=False)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines and "ok" in lines[-1], result.stdout + result.stderr
    return result.returncode, lines[:-1], lines[-1]


def directory_sql(stack, sql):
    directory = stack.config["database"]["directory"]
    return stack.database.query(directory["server"], f"USE `{directory['database']}`; {sql}")


def canonical(record):
    """README "Audit log": a version line, then each field as its UTF-8 length, ':', the bytes, '\\n'."""
    fields = [record["time"], record["actor"], record["action"], record["target"], record["outcome"],
              record["origin"]["host"], record["origin"]["user"], record["origin"]["process"],
              record["details"], record["prev_hash"]]
    out = b"paygate-audit-v1\n"
    for field in fields:
        data = field.encode()
        out += str(len(data)).encode() + b":" + data + b"\n"
    return out


def wait_for_records(stack, predicate, *filters):
    deadline = time.monotonic() + FLUSH_WAIT_SECONDS_MAX
    while True:
        found = [record for record in audit_list(stack, *filters) if predicate(record)]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(POLL_PAUSE_SECONDS)


@pytest.fixture
def tamperable(stack):
    """At least six records, the newest covered by a checkpoint; the log is put back afterwards
    exactly as it was (the rest of the suite, and the session's own verify, see it untouched)."""
    for _ in range(3):
        merchant = stack.create_merchant()
        admin(stack, "merchant", "disable", "--id", merchant["merchant_id"])
    directory_sql(stack, "DROP TABLE IF EXISTS audit_log_backup; CREATE TABLE audit_log_backup AS SELECT * FROM audit_log")
    code, findings, summary = verify(stack)
    assert code == 0 and findings == [] and summary["checkpoint"] >= 6, (findings, summary)
    # The newest record a checkpoint covers (the pool may have appended security records since).
    yield summary["checkpoint"]
    # One transaction: an append of the pool waits on it instead of landing in an empty log.
    directory_sql(stack, "START TRANSACTION; DELETE FROM audit_log; INSERT INTO audit_log SELECT * FROM audit_log_backup; "
                         "COMMIT; DROP TABLE audit_log_backup")
    code, findings, _ = verify(stack)
    assert code == 0 and findings == [], findings


def test_an_admin_action_is_recorded_with_actor_target_outcome_and_origin(stack, merchant):
    admin(stack, "merchant", "disable", "--id", merchant["merchant_id"])
    records = audit_list(stack, "--actor", ACTOR, "--action", "merchant.disable")
    mine = [record for record in records if record["target"] == "merchant:" + merchant["merchant_id"]]
    assert len(mine) == 1, records
    record = mine[0]
    assert record["outcome"] == "success"
    assert record["origin"]["host"] and record["origin"]["user"], record
    assert record["origin"]["process"].startswith("paygate-admin["), record
    assert len(record["prev_hash"]) == 64 and len(record["record_hash"]) == 64
    record["details"] = json.dumps(record["details"], separators=(",", ":"))
    assert hashlib.sha256(canonical(record)).hexdigest() == record["record_hash"]

    created = [record for record in audit_list(stack, "--action", "merchant.create")
               if record["target"] == "merchant:" + merchant["merchant_id"]]
    assert len(created) == 1 and created[0]["details"]["name"].startswith("e2e-"), created
    assert "secret" not in json.dumps(created[0]["details"])

    missing = "mch_" + "0" * 24
    result = admin(stack, "merchant", "enable", "--id", missing, check=False)
    assert result.returncode == 1
    failed = [record for record in audit_list(stack, "--action", "merchant.enable", "--actor", ACTOR)
              if record["target"] == "merchant:" + missing]
    assert failed and failed[-1]["outcome"] == "failure" and "no merchant" in failed[-1]["details"]["error"], failed


@pytest.mark.disruptive
def test_a_rate_limit_reload_is_recorded_through_the_admin_tool(stack):
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 1))
    result = subprocess.run(["bash", stack.stack_script, "reload", stack.root], env=dict(os.environ, PAYGATE_ACTOR=ACTOR),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    records = audit_list(stack, "--action", "ratelimits.reload", "--since", since)
    assert records and records[-1]["outcome"] == "success" and records[-1]["actor"] == ACTOR, records
    assert len(records[-1]["details"]["sha256"]) == 64 and records[-1]["target"].endswith("rate-limits.conf")


def test_authentication_failures_are_recorded_aggregated_per_merchant_and_address(stack, client, merchant):
    for _ in range(AUTH_FAILURES):
        assert_error(client.get("/v1/payments?limit=1", secret="sk_wrong"), 401, "invalid_signature")
    target = "merchant:" + merchant["merchant_id"]
    records = wait_for_records(stack, lambda record: record["target"] == target, "--action", "security.auth_failures")
    assert records, f"no security.auth_failures record for {target} within {FLUSH_WAIT_SECONDS_MAX} s"
    counts = [record["details"]["count"] for record in records]
    # One record per process and interval, never one per request.
    assert all(count >= REPEATED_FAILURES_MIN for count in counts) and sum(counts) <= AUTH_FAILURES, counts
    assert all(record["actor"] == "paygate" and record["outcome"] == "refused" for record in records)
    assert records[0]["origin"]["process"].startswith("paygate["), records[0]
    by_address = wait_for_records(stack, lambda record: record["target"] == "ip:127.0.0.1", "--action", "security.auth_failures")
    assert by_address, "no record per client address"


def test_a_disabled_merchant_and_a_forged_callback_are_recorded(stack, client, merchant):
    admin(stack, "merchant", "disable", "--id", merchant["merchant_id"])
    deadline = time.monotonic() + FLUSH_WAIT_SECONDS_MAX
    # The pool's merchant cache may still hold the merchant as active for a few seconds.
    while client.get("/v1/payments?limit=1").status_code != 403 and time.monotonic() < deadline:
        time.sleep(POLL_PAUSE_SECONDS)
    target = f"merchant:{merchant['merchant_id']} ip:127.0.0.1"
    assert wait_for_records(stack, lambda record: record["target"] == target, "--action", "security.disabled_merchant")

    since = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 1))
    forged = {"app_id": "2021000000000001", "out_trade_no": "pay_" + uuid.uuid4().hex, "trade_no": "forged",
              "trade_status": "TRADE_SUCCESS", "total_amount": "1.00", "sign_type": "RSA2", "sign": "Zm9yZ2Vk"}
    assert stack.session().post(stack.url + "/callbacks/alipay", data=forged, timeout=10).text == "failure"
    assert wait_for_records(stack, lambda record: record["target"] == "channel:alipay ip:127.0.0.1",
                            "--action", "security.callback_forged", "--since", since)


def test_concurrent_appends_never_fork_the_chain(stack):
    """Writers racing for the head (admin commands here, the pool's flushes in production) each get
    their own place: every record is in the chain once, and the chain verifies."""
    environment = dict(os.environ, PAYGATE_ACTOR=ACTOR)
    marker = uuid.uuid4().hex
    writers = [subprocess.Popen([stack.admin, "--config", stack.config_path, "audit", "record", "--action", "e2e.race",
                                 "--target", f"race:{marker}:{index}"], env=environment,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for index in range(CONCURRENT_WRITERS)]
    for writer in writers:
        _, error = writer.communicate(timeout=ADMIN_TIMEOUT_SECONDS)
        assert writer.returncode == 0, error
    raced = [record for record in audit_list(stack, "--action", "e2e.race") if marker in record["target"]]
    assert sorted(record["target"] for record in raced) == sorted(f"race:{marker}:{index}" for index in range(CONCURRENT_WRITERS))
    assert len({record["sequence"] for record in raced}) == CONCURRENT_WRITERS
    code, findings, _ = verify(stack)
    assert code == 0 and findings == [], findings


def test_an_untouched_chain_verifies(stack):
    admin(stack, "housekeeping", "purge")
    code, findings, summary = verify(stack)
    assert code == 0 and findings == [] and summary["ok"] is True, (findings, summary)
    assert summary["checkpoint"] is not None and summary["checkpoint"] <= summary["head"], summary


def test_an_updated_record_is_named(stack, tamperable):
    target = tamperable - 3
    directory_sql(stack, f"UPDATE audit_log SET outcome = 'failure' WHERE sequence = {target}")
    code, findings, _ = verify(stack)
    assert code == 1 and {"finding": "changed", "sequence": target} in strip(findings), findings


def test_a_record_deleted_in_the_middle_is_named(stack, tamperable):
    target = tamperable - 3
    directory_sql(stack, f"DELETE FROM audit_log WHERE sequence = {target}")
    code, findings, _ = verify(stack)
    assert code == 1 and strip(findings) == [{"finding": "removed", "first": target, "last": target}], findings


def test_a_record_inserted_in_the_middle_is_named(stack, tamperable):
    after = tamperable - 3
    rows = audit_list(stack)
    predecessor = next(record for record in rows if record["sequence"] == after)
    forged = {"time": predecessor["time"], "actor": ACTOR, "action": "merchant.enable", "target": "merchant:forged",
              "outcome": "success", "origin": predecessor["origin"], "details": "{}",
              "prev_hash": predecessor["record_hash"]}
    forged["record_hash"] = hashlib.sha256(canonical(forged)).hexdigest()
    # Room for it: the later records move up by one, as an attacker would have to do.
    directory_sql(stack, f"UPDATE audit_log SET sequence = sequence + 1 WHERE sequence > {after} ORDER BY sequence DESC")
    values = ", ".join(sql_string(value) for value in (
        forged["time"], forged["actor"], forged["action"], forged["target"], forged["outcome"],
        forged["origin"]["host"], forged["origin"]["user"], forged["origin"]["process"], forged["details"],
        forged["prev_hash"], forged["record_hash"]))
    directory_sql(stack, "INSERT INTO audit_log (sequence, recorded_at, actor, action, target, outcome, origin_host, "
                         f"origin_user, origin_process, details, prev_hash, record_hash) VALUES ({after + 1}, {values})")
    code, findings, _ = verify(stack)
    assert code == 1 and strip(findings) == [{"finding": "inserted", "sequence": after + 1}], findings


def test_removing_the_newest_records_is_named_by_the_checkpoint(stack, tamperable):
    directory_sql(stack, f"DELETE FROM audit_log WHERE sequence > {tamperable - 2}")
    code, findings, summary = verify(stack)
    expected = {"finding": "removed", "first": tamperable - 1, "last": tamperable}
    assert code == 1 and expected in strip(findings), (findings, summary)


def strip(findings):
    """The findings without their prose."""
    return [{key: value for key, value in finding.items() if key != "detail"} for finding in findings]


def test_a_forged_checkpoint_is_named_and_the_file_is_owner_only(stack):
    admin(stack, "housekeeping", "purge")  # an admin action writes a checkpoint of the head
    path = os.path.join(stack.root, "audit", "checkpoints")
    assert os.stat(path).st_mode & 0o777 == 0o600 and os.stat(os.path.dirname(path)).st_mode & 0o777 == 0o700
    assert os.stat(os.path.join(stack.root, "secrets", "audit.key")).st_mode & 0o777 == 0o600
    with open(path, encoding="utf-8") as handle:
        original = handle.read()
    lines = [json.loads(line) for line in original.splitlines()]
    assert lines and all(len(line["signature"]) == 64 for line in lines), lines[-3:]
    # A checkpoint claiming a longer log, signed without the key: not believed, and reported.
    forged = dict(lines[-1], sequence=lines[-1]["sequence"] + 100, signature="0" * 64)
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(forged, separators=(",", ":")) + "\n")
        code, findings, summary = verify(stack)
        assert code == 1 and strip(findings) == [{"finding": "checkpoint_forged"}], findings
        assert summary["checkpoint"] < forged["sequence"], summary
    finally:
        with open(path, "r+", encoding="utf-8") as handle:
            current = handle.read()
            handle.seek(0)
            handle.write(current.replace(json.dumps(forged, separators=(",", ":")) + "\n", ""))
            handle.truncate()
    assert verify(stack)[0] == 0


def test_the_worker_writes_checkpoints_of_records_no_admin_action_covered(stack):
    """A pool record (a forged callback) is covered by a checkpoint without any admin action: the
    worker writes one every audit.checkpoint_interval_seconds (1 s on this stack)."""
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 1))
    forged = {"orderId": "pay_" + uuid.uuid4().hex, "respCode": "00", "txnType": "01", "txnAmt": "100",
              "queryId": "forged", "txnTime": "20261127120000", "merId": "777290058110048", "certId": "1",
              "signature": "Zm9yZ2Vk"}
    assert stack.session().post(stack.url + "/callbacks/unionpay", data=forged, timeout=10).text == "fail"
    records = wait_for_records(stack, lambda record: record["target"] == "channel:unionpay ip:127.0.0.1",
                               "--action", "security.callback_forged", "--since", since)
    assert records, "no security.callback_forged record for unionpay"
    path = os.path.join(stack.root, "audit", "checkpoints")
    deadline = time.monotonic() + FLUSH_WAIT_SECONDS_MAX
    while True:
        with open(path, encoding="utf-8") as handle:
            covered = [json.loads(line) for line in handle if json.loads(line)["sequence"] >= records[-1]["sequence"]]
        if covered or time.monotonic() > deadline:
            break
        time.sleep(POLL_PAUSE_SECONDS)
    assert covered, f"no checkpoint reached sequence {records[-1]['sequence']} within {FLUSH_WAIT_SECONDS_MAX} s"


def test_the_application_account_may_only_append_and_read(stack):
    """The pool and the worker append as the application account: it takes the head's lock and
    reads, and MariaDB refuses it any UPDATE or DELETE of a record (README "Database accounts")."""
    directory = stack.config["database"]["directory"]["database"]
    for sql in ("UPDATE audit_log SET outcome = outcome", "DELETE FROM audit_log WHERE sequence = 1"):
        result = as_account(stack, "application", sql, directory)
        assert result.returncode != 0 and "ERROR 1142" in result.stderr, f"{sql}: {result.stderr}"
    lock = "START TRANSACTION; SELECT sequence FROM audit_log ORDER BY sequence DESC LIMIT 1 FOR UPDATE; ROLLBACK"
    assert as_account(stack, "application", lock, directory).returncode == 0
    owner = pwd.getpwnam("paygate").pw_uid if os.geteuid() == 0 else os.geteuid()
    status = os.stat(stack.config["audit"]["key_file"])
    assert status.st_uid == owner and stat.S_IMODE(status.st_mode) == 0o600


def test_a_secret_rotation_is_recorded_without_the_secret(stack, merchant):
    result = admin(stack, "merchant", "rotate-webhook-secret", "--id", merchant["merchant_id"])
    new_secret = json.loads(result.stdout)["webhook_secret"]
    records = [record for record in audit_list(stack, "--action", "merchant.rotate_webhook_secret", "--actor", ACTOR)
               if record["target"] == "merchant:" + merchant["merchant_id"]]
    assert len(records) == 1 and records[0]["outcome"] == "success", records
    assert new_secret not in json.dumps(records) and merchant["webhook_secret"] not in json.dumps(records)
