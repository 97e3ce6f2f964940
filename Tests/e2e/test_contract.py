"""docs/openapi.yaml against the running stack, with schemathesis: the description is a valid
OpenAPI 3.1 document, and generated requests (valid ones, invalid ones, and methods the
description does not declare), each signed as docs/API.md section 2 says, get answers that
conform to it: no 5xx, only declared status codes, the declared content type, headers and body.

schemathesis runs from the venv scripts/stack-deps.sh builds ($PAYGATE_VENV, set by
scripts/e2e.sh). Run this step alone with `scripts/e2e.sh -k test_contract`;
PAYGATE_CONTRACT_SEED=N repeats a run's generated cases (the seed is printed).
"""
import collections
import os
import pathlib
import random
import subprocess
import sys
import time


REPO = pathlib.Path(__file__).resolve().parents[2]
SPEC = REPO / "docs" / "openapi.yaml"

# Generated cases per operation: schemathesis's fuzzing phase draws up to this many for each
# operation, on top of its examples, its coverage cases (boundaries, each parameter missing or
# broken, content-type probes) and the stateful phase's sequences (create, then get, close, look up).
# Fewer come out for an operation whose only input is one id: at 100,
# GET /v1/refunds/{refund_id} sent as few as 51; at 200 every operation with an input sends about
# 160 or more, in about 80 s on the reference 2-core machine.
EXAMPLES_PER_OPERATION = 200
# Every operation with an input must have been sent at least this many signed requests (the
# unsigned probes schemathesis adds to test authentication do not count). An operation
# without any (the health checks) has exactly one distinct request, and hypothesis stops once it
# has tried every distinct input, so for those one case is the whole space.
CASES_PER_OPERATION_MIN = 100
CASES_PER_INPUTLESS_OPERATION_MIN = 1
INPUTLESS_OPERATIONS = {"GET /healthz", "GET /healthz/live", "GET /healthz/nginx"}

# Every check schemathesis has, but one: positive_data_acceptance expects a request the
# description allows to succeed, and many are refused by the state of the world or by rules a
# JSON Schema cannot state (docs/API.md): a refund of a payment nobody paid (409), an
# Idempotency-Key drawn twice for different bodies (422), a currency the connected channels do
# not settle (400), `61.0` for an integer, the 31st of June, metadata over 16384 bytes as written
# back. The others hold: no 5xx, only declared statuses, content types, headers and bodies; any
# request the description forbids is refused (negative_data_rejection: an undefined body member
# included); a method no operation declares is 405 with `Allow`; an operation refuses a request
# without its signature; a payment just created can be read.
CHECKS = "all"
EXCLUDED_CHECKS = "positive_data_acceptance"
RUN_TIMEOUT_SECONDS = 900
VALIDATE_TIMEOUT_SECONDS = 120


def venv_tool(name):
    venv = os.environ.get("PAYGATE_VENV")
    assert venv, "PAYGATE_VENV is not set (run through scripts/e2e.sh)"
    tool = pathlib.Path(venv) / "bin" / name
    assert tool.exists(), f"{tool} is missing: run `scripts/stack.sh deps` (it builds the venv)"
    return str(tool)


def test_openapi_description_is_valid():
    result = subprocess.run([venv_tool("openapi-spec-validator"), str(SPEC)], capture_output=True, text=True,
                            timeout=VALIDATE_TIMEOUT_SECONDS)
    assert result.returncode == 0, result.stdout + result.stderr


def read_counts(path):
    """{"METHOD /path": {"STATUS CODE": n}} for the signed requests (the generated cases) and for
    the unsigned probes, from the hook's one line per request."""
    signed = collections.defaultdict(collections.Counter)
    probes = collections.defaultdict(collections.Counter)
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            method, template, kind, status, code = line.split(" ")
            target = signed if kind == "signed" else probes
            target[f"{method} {template}"][status if code == "-" else f"{status} {code}"] += 1
    return signed, probes


LIST_OPERATIONS = """
import sys, yaml
document = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
for path, item in document["paths"].items():
    for method in item:
        if method in methods:
            print(method.upper(), path)
"""


def declared_operations():
    """Every operation of the description, read by the venv's python (it has PyYAML)."""
    result = subprocess.run([venv_tool("python"), "-c", LIST_OPERATIONS, str(SPEC)], capture_output=True, text=True,
                            timeout=VALIDATE_TIMEOUT_SECONDS, check=True)
    operations = sorted(result.stdout.splitlines())
    assert operations, "docs/openapi.yaml declares no operation"
    return operations


def test_schemathesis_finds_every_answer_conforming(stack, tmp_path, capsys):
    merchant = stack.create_merchant()
    seed = int(os.environ.get("PAYGATE_CONTRACT_SEED") or random.randrange(1, 2**31))
    counts_path = tmp_path / "counts.txt"
    environment = dict(os.environ)
    environment.update({
        "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
        "PYTHONPATH": str(REPO / "Tests" / "e2e"),
        "PAYGATE_CONTRACT_MERCHANT_ID": merchant["merchant_id"],
        "PAYGATE_CONTRACT_SECRET": merchant["secret"],
        "PAYGATE_CONTRACT_COUNTS": str(counts_path),
        "NO_COLOR": "1",
    })
    command = [
        venv_tool("schemathesis"), "run", str(SPEC),
        "--url", stack.url,
        "--tls-verify", stack.ca,
        "--checks", CHECKS,
        "--exclude-checks", EXCLUDED_CHECKS,
        "--max-examples", str(EXAMPLES_PER_OPERATION),
        "--seed", str(seed),
        # One worker: hypothesis sets the recursion limit as it runs, and on CPython before 3.11.8
        # that races with ast.parse in a second thread (a spurious "AST constructor recursion
        # depth mismatch" SystemError that ends the run).
        "--workers", "1",
        "--generation-database", "none",
        "--request-timeout", "30",
        "--no-color",
    ]
    print(f"schemathesis seed {seed} (PAYGATE_CONTRACT_SEED={seed} repeats it)")
    started = time.monotonic()
    result = subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True, text=True,
                            timeout=RUN_TIMEOUT_SECONDS)
    elapsed = time.monotonic() - started
    # The whole report stays visible in pytest's output, pass or fail.
    print(result.stdout[-40000:])
    print(result.stderr[-5000:], file=sys.stderr)

    signed, probes = read_counts(counts_path)
    operations = declared_operations()
    table = ["signed requests per operation (status: count), and unsigned probes of authentication:"]
    for operation in operations:
        statuses = signed.get(operation, collections.Counter())
        detail = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
        probe_count = sum(probes.get(operation, {}).values())
        table.append(f"  {operation:38} {sum(statuses.values()):4}  probes {probe_count:3}   {detail}")
    table.append(f"schemathesis took {elapsed:.0f} s (seed {seed})")
    # Shown even when the test passes: the counts are part of what the step reports.
    with capsys.disabled():
        print("\n" + "\n".join(table))

    assert result.returncode == 0, f"schemathesis found answers that break docs/openapi.yaml (seed {seed}); see its report above"
    short = {}
    for operation in operations:
        minimum = CASES_PER_INPUTLESS_OPERATION_MIN if operation in INPUTLESS_OPERATIONS else CASES_PER_OPERATION_MIN
        total = sum(signed.get(operation, {}).values())
        if total < minimum:
            short[operation] = (total, minimum)
    assert not short, f"operations exercised fewer times than required (sent, minimum): {short}"
    # not_a_server_error passes a 5xx the description declares (503 is declared: a shard can be
    # down); on this healthy stack none may occur at all.
    server_errors = {operation: dict(statuses) for kind in (signed, probes) for operation, statuses in kind.items()
                     if any(key.startswith("5") for key in statuses)}
    assert not server_errors, f"5xx answers: {server_errors}"
