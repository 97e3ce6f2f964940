#!/usr/bin/env bash
# deploy-verify.sh: `systemd-analyze verify` on deploy/systemd/*.service (run by `make test`). The
# units name /usr/local/bin, where README "Running on a server" installs the binaries; here they
# are checked as copies naming this build's binaries (PAYGATE_BIN_DIR, default .build/release),
# because verify refuses an ExecStart that does not exist. Their user, paygate, must exist
# (scripts/stack-deps.sh makes it as root). No running systemd is needed.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN_DIR=${PAYGATE_BIN_DIR:-$REPO/.build/release}

command -v systemd-analyze >/dev/null 2>&1 || { echo "deploy-verify: systemd-analyze is missing (scripts/stack.sh deps)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/paygate-units.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
for unit in "$REPO"/deploy/systemd/*.service; do
    name=${unit##*/}
    binary=$(sed -n 's|^ExecStart=/usr/local/bin/\([a-z-]*\).*|\1|p' "$unit")
    [[ -x $BIN_DIR/$binary ]] || { echo "deploy-verify: $name runs $binary: missing $BIN_DIR/$binary (make build)" >&2; exit 1; }
    # verify does not look the user up; a unit whose user is missing would fail at start.
    user=$(sed -n 's|^User=||p' "$unit")
    [[ -n $user && $user != root ]] || { echo "deploy-verify: $name must name its own User=" >&2; exit 1; }
    id -u "$user" >/dev/null 2>&1 || { echo "deploy-verify: $name runs as $user, who does not exist" >&2; exit 1; }
    sed "s|/usr/local/bin/|$BIN_DIR/|" "$unit" >"$WORK/$name"
done
# verify prints nothing for a clean unit; any finding (an unknown key, a missing user or binary,
# a bad value) is printed and fails the run.
output=$(cd "$WORK" && systemd-analyze verify --man=no ./*.service 2>&1) || { printf '%s\n' "$output" >&2; exit 1; }
if [[ -n $output ]]; then
    printf '%s\n' "$output" >&2
    echo "deploy-verify: systemd-analyze verify reported the lines above" >&2
    exit 1
fi
echo "deploy-verify: $(cd "$REPO/deploy/systemd" && echo *.service) verified"
