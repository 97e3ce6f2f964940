#!/usr/bin/env bash
# e2e.sh: the end-to-end suite (Tests/e2e, pytest) against a stack of its own: a fresh temporary
# root and port, so it never touches var/ or a running `make up`. The stack is always stopped
# and the root removed, whatever happens. A stack that cannot start is a FAILURE, never a skip.
#
#   scripts/e2e.sh [PYTEST_ARGS...]      e.g. scripts/e2e.sh -k refunds -x
#
# Environment: PAYGATE_E2E_PORT (default 18443), PAYGATE_E2E_KEEP=1 keeps the root for a look,
# and whatever scripts/stack.sh reads (PAYGATE_WORKERS, PAYGATE_BIN_DIR, ...).
#
# The tests get: PAYGATE_URL, PAYGATE_ROOT, PAYGATE_CA, PAYGATE_CONFIG, PAYGATE_ADMIN and
# PAYGATE_STACK (to stop a MariaDB server, or to reload tighter rate limits with
# `PAYGATE_RATE_LIMITS=FILE $PAYGATE_STACK reload $PAYGATE_ROOT`, and back with
# PAYGATE_RATE_LIMITS=default). The stack starts with the repo's default rate limits.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK=$REPO/scripts/stack.sh
PORT=${PAYGATE_E2E_PORT:-18443}
BIN_DIR=${PAYGATE_BIN_DIR:-$REPO/.build/release}

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
if curl --silent --output /dev/null --max-time 2 --insecure "https://127.0.0.1:$PORT/"; then
    echo "e2e: port $PORT is already in use; set PAYGATE_E2E_PORT" >&2
    exit 1
fi

"$STACK" up "$ROOT" "$PORT"

export PAYGATE_URL="https://127.0.0.1:$PORT"
export PAYGATE_ROOT="$ROOT"
export PAYGATE_CA="$ROOT/tls/ca.pem"
export PAYGATE_CONFIG="$ROOT/paygate.json"
export PAYGATE_ADMIN="$BIN_DIR/paygate-admin"
export PAYGATE_STACK="$STACK"

cd "$REPO"
status=0
python3 -m pytest -q -p no:cacheprovider Tests/e2e "$@" || status=$?
exit "$status"
