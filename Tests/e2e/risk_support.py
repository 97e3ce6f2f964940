"""Helpers of the risk tests (test_risk*.py): the suite's rules and model, fresh payer values, the
admin's `paygate-admin risk ...`, the record a block leaves, and bounded waits.

The suite runs on its own rules (Tests/e2e/risk-rules.e2e.conf) and model (risk-model.e2e.json),
which scripts/e2e.sh copies into the stack's root. The model is one hand-made tree over two
features, so that every score is known in advance: a create that names a payer user id scores 75
at exactly 5000.00 and 95 at exactly 90000.00; every other create scores 2. With the default
thresholds (review 65, block 85) those two amounts are decided by a threshold unless a rule
decides first, and no other test's payment ever reaches one.
"""
import json
import os
import subprocess
import time
import uuid

from paygate_support import payment_body, sql_string

RULES_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "risk-rules.e2e.conf")
ADMIN_TIMEOUT_SECONDS = 60
STACK_TIMEOUT_SECONDS = 180
# The pool reads the lists again every `risk.lists_refresh_seconds` (2 s): a bound, not a speed.
LIST_APPLIED_SECONDS_MAX = 30
POLL_PAUSE_SECONDS = 0.3
LISTS_REFRESH_SECONDS_DEFAULT = 2
CLOCK_MARGIN_SECONDS = 0.5
ACTOR = "e2e-risk"

SCORE_LOW = 2
SCORE_REVIEW_AMOUNT, SCORE_REVIEW = "5000.00", 75
SCORE_BLOCK_AMOUNT, SCORE_BLOCK = "90000.00", 95
REVIEW_THRESHOLD_DEFAULT = 65
BLOCK_THRESHOLD_DEFAULT = 85
DEGRADED_RULE = "degraded"


def rule_text(fragment):
    """The one rule of the suite's file containing `fragment`, as written (comment removed): what
    the payment's `risk.rule` must be when it decided."""
    with open(RULES_PATH, encoding="utf-8") as handle:
        rules = [line.split("#", 1)[0].strip() for line in handle]
    matching = [rule for rule in rules if fragment in rule]
    assert len(matching) == 1, f"{fragment!r} names {len(matching)} rules of {RULES_PATH}"
    return matching[0]


def threshold_rule(stack, name):
    """`score >= N` for name "review" or "block", N as the stack's configuration has it."""
    risk = stack.config.get("risk", {})
    default = REVIEW_THRESHOLD_DEFAULT if name == "review" else BLOCK_THRESHOLD_DEFAULT
    return f"score >= {risk.get(name + '_threshold', default)}"


def unique_ip():
    """An IPv6 address of the documentation prefix (2001:db8::/32), unique to the caller."""
    digits = uuid.uuid4().hex[:24]
    return "2001:db8:" + ":".join(digits[index:index + 4] for index in range(0, 24, 4))


def unique_payer(**members):
    """A payer of fresh values; a member given as None is left out."""
    payer = {"ip": unique_ip(), "device_id": f"dev-{uuid.uuid4().hex}", "user_id": f"user-{uuid.uuid4().hex}"}
    payer.update(members)
    return {name: value for name, value in payer.items() if value is not None}


def risk_body(payer, **overrides):
    return payment_body(payer=payer, **overrides)


# ---------------------------------------------------------------------------------------------
# The admin tool and the stack script

def admin(stack, *arguments):
    """`paygate-admin ARGUMENTS` as the suite's risk admin (the audit log's actor)."""
    return subprocess.run([stack.admin, "--config", stack.config_path, *arguments],
                          env=dict(os.environ, PAYGATE_ACTOR=ACTOR),
                          capture_output=True, text=True, timeout=ADMIN_TIMEOUT_SECONDS)


def admin_ok(stack, *arguments):
    result = admin(stack, *arguments)
    assert result.returncode == 0, \
        f"paygate-admin {' '.join(arguments)} exited {result.returncode}: {result.stderr.strip()}"
    return result


def decide_review(stack, decision, payment_id):
    """`paygate-admin risk approve|decline PAY`: the payment it prints."""
    result = admin_ok(stack, "risk", decision, payment_id)
    [line] = [line for line in result.stdout.splitlines() if line.strip()]
    return json.loads(line)


def list_change(stack, action, list_name, value):
    result = admin_ok(stack, "risk", "list", action, list_name, value)
    [line] = [line for line in result.stdout.splitlines() if line.strip()]
    return json.loads(line)


def list_values(stack, list_name):
    """The values `risk list show LIST` prints, one entry a line: value, who added it, when."""
    result = admin_ok(stack, "risk", "list", "show", list_name)
    return [line.split("\t")[0] for line in result.stdout.splitlines() if line.strip()]


def audit_records(stack, action):
    result = admin_ok(stack, "audit", "list", "--action", action, "--limit", "100000")
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def stack_script(stack, *arguments):
    """`scripts/stack.sh ARGUMENTS` (exit status and output are the caller's to judge)."""
    return subprocess.run(["bash", stack.stack_script, *arguments], env=dict(os.environ, PAYGATE_ACTOR=ACTOR),
                          capture_output=True, text=True, timeout=STACK_TIMEOUT_SECONDS)


# ---------------------------------------------------------------------------------------------
# What a create answered, and what a block left

def assert_risk(payment, decision, rule, score):
    assert payment["risk"] == {"score": score, "decision": decision, "rule": rule}, payment


def created(response, status, decision, rule, score, http_status=201):
    """The payment of a 201 (or the 200 of a repeat) whose risk is exactly (decision, rule, score)."""
    assert response.status_code == http_status, \
        f"expected {http_status} {decision}, got {response.status_code}: {response.text[:500]}"
    payment = response.json()
    assert payment["status"] == status, payment
    assert_risk(payment, decision, rule, score)
    return payment


def held(response, rule, score, http_status=201):
    """A payment held for review: `created`, nothing from the channel (docs/API.md section 5)."""
    payment = created(response, "created", "review", rule, score, http_status)
    assert payment["channel_payload"] == {}, payment
    return payment


def allowed(response, rule=None, score=SCORE_LOW):
    payment = created(response, "processing", "allow", rule, score)
    assert payment["channel_payload"]["pay_url"].startswith("https://"), payment
    return payment


def blocks_of(stack, slots, merchant_id, merchant_order_no):
    """The order's `risk_blocks` rows, read on every shard: they must all be on the shard of its
    slot (the payment it would have had), as dicts."""
    names = ("block_id", "slot", "amount", "currency", "channel", "risk_score", "risk_rule", "request_id")
    where = f"merchant_id = {sql_string(merchant_id)} AND merchant_order_no = {sql_string(merchant_order_no)}"
    counts = stack.database.count_per_shard("risk_blocks", where)
    home = slots.shard_of_order(merchant_id, merchant_order_no)
    assert all(count == 0 for shard, count in counts.items() if shard != home), counts
    rows = stack.database.rows_on_shard(home, f"SELECT {', '.join(names)} FROM {{db}}.risk_blocks WHERE {where} "
                                              "ORDER BY created_at, block_id")
    return [dict(zip(names, row)) for row in rows]


def create_until(client, make_body, accept, what, seconds=LIST_APPLIED_SECONDS_MAX):
    """Creates `make_body()` until a response satisfies `accept` (a list change reaches each pool
    process within its refresh); returns (body, response). Earlier creates stay as they were
    answered: ordinary payments of this test's merchant."""
    deadline = time.monotonic() + seconds
    seen = []
    while True:
        body = make_body()
        response = client.create_payment(body)
        if accept(response):
            return body, response
        seen.append((response.status_code, response.text[:200]))
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}; got {seen[-3:]}"
        time.sleep(POLL_PAUSE_SECONDS)


def wait_until_every_process_read_the_lists(stack, changed_at):
    """A pool process reads the lists again at its first request once its copy is older than
    `risk.lists_refresh_seconds` (RiskListCache), so from that long after a change returned, every
    process has it. One create that saw it proves only its own process: a test that needs them all
    waits out the rest of that interval (a bound of the design, not a speed)."""
    refresh_seconds = stack.config.get("risk", {}).get("lists_refresh_seconds", LISTS_REFRESH_SECONDS_DEFAULT)
    remaining = changed_at + refresh_seconds + CLOCK_MARGIN_SECONDS - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)


def is_decided(decision, rule):
    """accept() for create_until: a 201 whose risk has this decision and rule."""
    def accept(response):
        return response.status_code == 201 and (response.json().get("risk") or {}).get("decision") == decision \
            and response.json()["risk"].get("rule") == rule
    return accept


def is_risk_declined(response):
    return response.status_code == 402 and response.json().get("error", {}).get("code") == "risk_declined"
