#!/usr/bin/env bash
# Instructions per request of the wire layer (docs/performance.md, P6), counted by
# valgrind's cachegrind: steadier than wall-clock figures on a machine whose speed drifts.
#
#   benches/wire_instructions.sh [OPERATION ...]
#
# For each operation, examples/wire_cost.rs runs under cachegrind with 20 and with 60
# rounds of 256 requests, each time also with --build-only (the requests built and
# dropped, nothing answered); the difference of differences, divided by 40 x 256, is what
# one request costs `Service::handle` and the answer's drop. Needs valgrind (Debian:
# `apt-get install valgrind`). OPERATION as examples/wire_cost.rs takes them; all by
# default. Prints one line per operation and its ratio to `floor`.
#
# WIRE_COST_BIN=path counts that binary instead of building this checkout's (to compare
# another build, say a worktree of an older commit or of an experiment, with the same
# script).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
if [ -n "${WIRE_COST_BIN:-}" ]; then
    bin=$WIRE_COST_BIN
    [ -x "$bin" ] || { echo "WIRE_COST_BIN=$bin is not an executable" >&2; exit 1; }
else
    cargo build --release --quiet --example wire_cost
    bin=target/release/examples/wire_cost
fi

operations=("$@")
[ ${#operations[@]} -gt 0 ] || operations=(floor plumbing invoke get_alias update_alias list_versions_50)

# Instructions of one run: count ROUNDS [--build-only] OPERATION
count() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        "$bin" --rounds "$@" 2>&1 >/dev/null |
        awk '/I *refs:/ { gsub(",", "", $NF); print $NF }'
}

floor=""
for op in "${operations[@]}"; do
    a=$(count 20 "$op")
    b=$(count 60 "$op")
    build_a=$(count 20 --build-only "$op")
    build_b=$(count 60 --build-only "$op")
    per=$(( ((b - a) - (build_b - build_a)) / (40 * 256) ))
    if [ "$op" = floor ]; then
        floor=$per
        echo "$op: $per instructions per request"
    elif [ -n "$floor" ] && [ "$floor" -gt 0 ]; then
        echo "$op: $per instructions per request ($(awk -v p="$per" -v f="$floor" 'BEGIN { printf "%.1f", p / f }')x the floor)"
    else
        echo "$op: $per instructions per request"
    fi
done
