#!/usr/bin/env bash
# format.sh: the house style (.swift-format at the repository root) applied by the toolchain's
# `swift format`, to every Swift file: Sources/, Tests/ and Package.swift.
#
#   scripts/format.sh            format in place (`make format`)
#   scripts/format.sh --check    lint --strict: prints each finding, exits non-zero on any
#                                (the first step of `make test`)
#
# A few findings the formatter cannot fix and --check still reports: a snake_case name, an
# end-of-line comment that pushes its line past the limit. Fix those by hand.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
PATHS=(Sources Tests Package.swift)
CONFIGURATION=.swift-format

usage() {
    echo "usage: scripts/format.sh [--check]" >&2
    exit 2
}

command -v swift >/dev/null 2>&1 ||
    { echo "format.sh: swift is not on PATH: install the Swift 6 toolchain (make deps says how)" >&2; exit 1; }

case $# in
    0) mode=format ;;
    1) [[ $1 == --check ]] || usage; mode=check ;;
    *) usage ;;
esac

case $mode in
    format)
        swift format format --in-place --recursive --parallel --configuration "$CONFIGURATION" "${PATHS[@]}"
        ;;
    check)
        if ! swift format lint --strict --recursive --parallel --configuration "$CONFIGURATION" "${PATHS[@]}"; then
            echo "format.sh: the findings above break the house style (.swift-format); scripts/format.sh fixes most of them" >&2
            exit 1
        fi
        ;;
esac
