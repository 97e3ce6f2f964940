#!/usr/bin/env bash
# e2e.sh: the end-to-end suite (Tests/e2e, pytest) against a stack of its own: a fresh temporary
# root and port, so it never touches var/ or a running `make up`. The stack is always stopped
# and the root removed, whatever happens. A stack that cannot start is a FAILURE, never a skip.
#
#   scripts/e2e.sh [PYTEST_ARGS...]      e.g. scripts/e2e.sh -k refunds -x
#
# After pytest, the store contract runs on MariaDB's stores over the stack's shards
# (Tests/StoreContractTests, class MariaDBStoreContractTests), from the debug test build that
# `make test` made before (in PAYGATE_SCRATCH_PATH, default .build): a missing build fails. Then
# the risk counters' contract on the stack's Redis (Tests/StoreContractTests, class
# RedisRiskSignalsContractTests), from the same build.
#
# Environment: PAYGATE_E2E_PORT (default 18443), PAYGATE_E2E_SANDBOX_PORT (the channel sandbox's,
# default 19443: apart from a `make up` on 9443), PAYGATE_E2E_KEEP=1 keeps the root for a look,
# PAYGATE_VENV (the venv of the contract step's schemathesis, default .build/venv; made or brought
# up to date here, so a fresh clone needs nothing more),
# and whatever scripts/stack.sh reads (PAYGATE_WORKERS, PAYGATE_BIN_DIR, ...). The sandbox retries
# callbacks after seconds (PAYGATE_SANDBOX_FAST_RETRIES=1), not the channels' hours.
#
# The tests get: PAYGATE_URL, PAYGATE_SANDBOX_URL, PAYGATE_ROOT, PAYGATE_CA, PAYGATE_CONFIG,
# PAYGATE_ADMIN and PAYGATE_STACK (to stop a MariaDB server, or to reload tighter rate limits with
# `PAYGATE_RATE_LIMITS=FILE $PAYGATE_STACK reload $PAYGATE_ROOT`, and back with
# PAYGATE_RATE_LIMITS=default), and PAYGATE_E2E_RATE_LIMITS, the file the stack starts with
# (nginx/rate-limits.load-test.conf: the suite's 300 concurrent creates for one merchant from one
# address are far above the repo's realistic defaults), to go back to after a tighter one, and
# PAYGATE_RISK_RULES, the root's copy of the suite's risk rules (edit it, then reload).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK=$REPO/scripts/stack.sh
PORT=${PAYGATE_E2E_PORT:-18443}
SANDBOX_PORT=${PAYGATE_E2E_SANDBOX_PORT:-19443}
BIN_DIR=${PAYGATE_BIN_DIR:-$REPO/.build/release}
SCRATCH_PATH=${PAYGATE_SCRATCH_PATH:-$REPO/.build}

# The contract step (Tests/e2e/test_contract.py) runs schemathesis from this venv. Before the
# stack, so that a failed install leaves nothing to clean up.
export PAYGATE_VENV=${PAYGATE_VENV:-$REPO/.build/venv}
"$STACK" contract-deps "$PAYGATE_VENV"

ROOT=$(mktemp -d "${TMPDIR:-/tmp}/paygate-e2e.XXXXXX")

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local status=$?
    "$STACK" down "$ROOT" || status=1
    if [[ ${PAYGATE_E2E_KEEP:-0} == 1 ]]; then
        echo "e2e: kept $ROOT" >&2
    else
        rm -rf "$ROOT"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port already taken (a stale stack, another suite) would make nginx fail later, less clearly.
# Anything but "connection refused" (curl exit 7) means something listens there, even a server
# that does not speak TLS or does not answer: nginx could not bind the port either way.
port_in_use() {
    local status=0
    curl --silent --output /dev/null --max-time 2 --insecure "https://127.0.0.1:$1/" || status=$?
    ((status != 7))
}
if port_in_use "$PORT"; then
    echo "e2e: port $PORT is already in use; set PAYGATE_E2E_PORT" >&2
    exit 1
fi
if port_in_use "$SANDBOX_PORT"; then
    echo "e2e: port $SANDBOX_PORT is already in use; set PAYGATE_E2E_SANDBOX_PORT" >&2
    exit 1
fi

# Exported for the tests too: a test that runs stack.sh again keeps the same sandbox.
export PAYGATE_SANDBOX_PORT="$SANDBOX_PORT"
export PAYGATE_SANDBOX_FAST_RETRIES=1
# The timeout worker (stack-worker.sh) looks for due payments every 200 ms. Its query delay stays
# longer than any test that keeps a payment `processing` on purpose (a wrong-amount callback);
# test_worker.py ages its own payments in SQL instead of waiting for the delay.
export PAYGATE_WORKER_POLL_MS=200
export PAYGATE_WORKER_QUERY_DELAY_SECONDS=20
# The sandbox has no query limit, and the suite leaves thousands of orders due within minutes: at
# the default 50 queries/s per channel a test's payment waits behind that backlog.
export PAYGATE_QUERY_RATE=${PAYGATE_QUERY_RATE:-500}
# The stack's worker claims up to a batch per shard at each claim of each of its 4 threads: 8
# here keeps its claims small, so test_two_workers_claim_disjointly's second worker, which
# starts polling before its 40 payments become due, finds some of them left.
export PAYGATE_WORKER_BATCH=${PAYGATE_WORKER_BATCH:-8}
export PAYGATE_QUERY_SCHEDULE=20,20,20,20,20,20
# A small database pool and a short wait, with more working permits than connections, so that
# requests waiting on row locks can hold every connection of a shard (Tests/e2e/test_concurrency.py
# fills it on purpose; with the defaults, 6 permits and 8 connections, requests alone cannot).
export PAYGATE_DB_CONNECTIONS=4
export PAYGATE_DB_WAIT_MS=1000
export PAYGATE_WORKING_THREADS=32
# The pool writes the security events it counted, and the worker a checkpoint of the audit log,
# every second (test_audit.py waits for both).
export PAYGATE_AUDIT_FLUSH_SECONDS=1
export PAYGATE_AUDIT_CHECKPOINT_SECONDS=1
# Merchant webhooks (docs/API.md section 8) retry after 1 s, 1 s and 2 s, then dead-letter: the
# contract's schedule takes days. test_webhooks.py relies on this being short.
export PAYGATE_WEBHOOK_SCHEDULE=${PAYGATE_WEBHOOK_SCHEDULE:-1,1,2}
export PAYGATE_E2E_RATE_LIMITS=$REPO/nginx/rate-limits.load-test.conf
# Risk runs on the suite's own rules and model (Tests/e2e/risk-rules.e2e.conf, risk-model.e2e.json:
# deterministic scores that no other test's payments reach), copied into the root so that a test
# may break the rules and reload (test_risk_operations.py). scripts/stack-init.sh reads both.
install -m 0644 "$REPO/Tests/e2e/risk-rules.e2e.conf" "$ROOT/risk-rules.conf"
install -m 0644 "$REPO/Tests/e2e/risk-model.e2e.json" "$ROOT/risk-model.json"
export PAYGATE_RISK_RULES=$ROOT/risk-rules.conf PAYGATE_RISK_MODEL=$ROOT/risk-model.json
PAYGATE_RATE_LIMITS=$PAYGATE_E2E_RATE_LIMITS "$STACK" up "$ROOT" "$PORT"

export PAYGATE_URL="https://127.0.0.1:$PORT"
export PAYGATE_SANDBOX_URL="https://127.0.0.1:$SANDBOX_PORT"
export PAYGATE_ROOT="$ROOT"
export PAYGATE_CA="$ROOT/tls/ca.pem"
export PAYGATE_CONFIG="$ROOT/paygate.json"
export PAYGATE_ADMIN="$BIN_DIR/paygate-admin"
export PAYGATE_STACK="$STACK"

cd "$REPO"
status=0
python3 -m pytest -q -p no:cacheprovider Tests/e2e "$@" || status=$?

# The store contract on MariaDB, after pytest: its session-end invariant check covers the
# suite's own rows, and the contract's `transition` tests leave closed payments without a
# payment.closed event (PaymentStore.transition writes none), which that check would report.
# The worker goes first: it would claim the refunds (late payments' among them) the contract claims.
"$STACK" worker-stop "$ROOT"
PAYGATE_STORE_TEST_CONFIG="$PAYGATE_CONFIG" swift test --scratch-path "$SCRATCH_PATH" --skip-build --disable-swift-testing \
    --filter MariaDBStoreContractTests || status=1
# The risk counters' contract on the stack's Redis, last: one of its tests stops and starts that
# server (PAYGATE_STACK redis-stop / redis-start).
PAYGATE_REDIS_TEST_SOCKET="$ROOT/run/redis.sock" swift test --scratch-path "$SCRATCH_PATH" --skip-build --disable-swift-testing \
    --filter RedisRiskSignalsContractTests || status=1
exit "$status"
