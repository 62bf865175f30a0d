#!/usr/bin/env bash
# The server's load benchmark (loopback only, bounded in time):
#
#   server/bench/load.sh            # 5 s per measurement, 3 rounds
#   LV_LOAD_SECONDS=2 LV_LOAD_ROUNDS=1 server/bench/load.sh
#   LV_LOAD_OPS="invoke list_versions_50" server/bench/load.sh   # some operations only
#   LV_LOAD_OLD_EXAMPLE=0 server/bench/load.sh   # without the old example server
#
# For Invoke on a weighted alias, GetAlias, UpdateAlias and a 50-entry
# ListVersionsByFunction page, wrk (Debian's package, installed if missing) measures
# requests per second and p50 / p99 / p99.9 latency against
#   * lambda-versioning-server (in memory, request log off: --log warn), and
#   * the floor: the same HTTP stack answering a fixed body of the same size
#     (server/examples/floor.rs), and
#   * the old example server (`cargo run --example lambda_api` on its thread-per-request
#     tiny_http loop, as of commit 25f01b2^, the last one that had it), built once from
#     git history into target/old-example (a few minutes the first time),
# alternating them, and prints the ratio server / floor per operation (median over the
# rounds). Every run of the server and the floor checks that all requests were answered
# with 2xx, none timed out, and the slowest request took less than a second (no
# connection waited the whole run); the old example's runs are reported as they are,
# with their non-2xx answers, timeouts and socket errors.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${LV_LOAD_SECONDS:-5}
rounds=${LV_LOAD_ROUNDS:-3}
connections=${LV_LOAD_CONNECTIONS:-32}
only=${LV_LOAD_OPS:-}
with_old=${LV_LOAD_OLD_EXAMPLE:-1}
# The last commit whose example server ran on tiny_http (the next one moved it to hyper).
old_rev=25f01b2^
if ! command -v wrk >/dev/null; then
    echo "installing wrk (Debian)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null
fi
cargo build --release --quiet -p lambda-versioning-server --bin lambda-versioning-server --example floor
bin=target/release/lambda-versioning-server
floor=target/release/examples/floor
old=target/old-example/target/release/examples/lambda_api
if [ "$with_old" = 1 ] && [ ! -x "$old" ]; then
    echo "building the old example server from $old_rev (once)"
    rm -rf target/old-example
    mkdir -p target/old-example
    git archive "$old_rev" | tar -x -C target/old-example
    # A package of its own, not a member of this workspace.
    printf '\n[workspace]\n' >> target/old-example/Cargo.toml
    cargo build --release --quiet --manifest-path target/old-example/Cargo.toml --example lambda_api
fi
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# Starts a server in this shell (so that the exit trap stops it) and sets variable $1 to
# its base URL: `start VAR command args…`.
start() {
    local var=$1
    shift
    local out=$work/out.$RANDOM
    "$@" > "$out" 2>/dev/null &
    pids+=($!)
    for _ in $(seq 100); do
        if grep -q "listening on" "$out" 2>/dev/null; then
            printf -v "$var" '%s' "$(sed -n 's/^listening on //p' "$out" | head -1)"
            return
        fi
        sleep 0.05
    done
    echo "server did not start: $*" >&2
    exit 1
}

# Creates function `bench` with 60 published versions and alias `live` (1, 10% to 2).
setup() {
    local f=$1/2015-03-31/functions
    local role=arn:aws:iam::123456789012:role/bench
    local zip=UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==
    post POST "$f" "{\"FunctionName\":\"bench\",\"Role\":\"$role\",\"Runtime\":\"python3.12\",\"Handler\":\"a.b\",\"Code\":{\"ZipFile\":\"$zip\"}}"
    sleep 0.1
    for i in $(seq 60); do
        post PUT "$f/bench/configuration" "{\"Description\":\"release $i\"}"
        post POST "$f/bench/versions" '{}'
    done
    post POST "$f/bench/aliases" '{"Name":"live","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"2":0.1}}}'
}
post() { curl -sf -o /dev/null -X "$1" "$2" -H 'content-type: application/json' -d "$3"; }

start base "$bin" --addr 127.0.0.1:0 --log warn --settle-ms 0
setup "$base"
old_base=
if [ "$with_old" = 1 ]; then
    start old_base "$old" --addr 127.0.0.1:0 --settle-ms 0 --threads 4
    setup "$old_base"
fi

# name | method | path | body
ops=(
  "invoke|POST|/2015-03-31/functions/bench/invocations?Qualifier=live|{}"
  "get_alias|GET|/2015-03-31/functions/bench/aliases/live|"
  "update_alias|PUT|/2015-03-31/functions/bench/aliases/live|{\"FunctionVersion\":\"1\",\"RoutingConfig\":{\"AdditionalVersionWeights\":{\"2\":0.1}}}"
  "list_versions_50|GET|/2015-03-31/functions/bench/versions?MaxItems=50|"
)

measure() { # url method body -> RESULT line
    local line
    line=$(wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s -s server/bench/request.lua "$1" -- "$2" "$3" | grep '^RESULT')
    local non2xx timeouts errors max
    non2xx=$(sed 's/.*non2xx=\([0-9]*\).*/\1/' <<<"$line")
    timeouts=$(sed 's/.*timeouts=\([0-9]*\).*/\1/' <<<"$line")
    errors=$(sed 's/.*socket_errors=\([0-9]*\).*/\1/' <<<"$line")
    max=$(sed 's/.*max_us=\([0-9]*\).*/\1/' <<<"$line")
    if [ "$non2xx" != 0 ] || [ "$timeouts" != 0 ] || [ "$errors" != 0 ] || [ "$max" -ge 1000000 ]; then
        echo "FAILED CHECK ($1): $line" >&2
        exit 1
    fi
    echo "$line"
}
field() { sed "s/.*$1=\([0-9]*\).*/\1/" <<<"$2"; }
measure_as_is() { # url method body -> RESULT line, whatever it says
    wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s -s server/bench/request.lua "$1" -- "$2" "$3" | grep '^RESULT' || echo "RESULT rps=0"
}

old_lines=()
printf '%-17s %5s %10s %9s %9s %9s %10s %9s %9s %9s %7s\n' operation bytes server_rps p50_us p99_us p999_us floor_rps p50_us p99_us p999_us ratio
for op in "${ops[@]}"; do
    IFS='|' read -r name method path body <<<"$op"
    if [ -n "$only" ] && [[ " $only " != *" $name "* ]]; then
        continue
    fi
    bytes=$(curl -s -o /dev/null -w '%{size_download}' -X "$method" "$base$path" ${body:+-d "$body"} -H 'content-type: application/json')
    start floor_base "$floor" --addr 127.0.0.1:0 --bytes "$bytes"
    ratios=()
    for r in $(seq "$rounds"); do
        fl=$(measure "$floor_base$path" "$method" "$body")
        sv=$(measure "$base$path" "$method" "$body")
        if [ -n "$old_base" ]; then
            ol=$(measure_as_is "$old_base$path" "$method" "$body")
        fi
        ratios+=("$(awk -v s="$(field rps "$sv")" -v f="$(field rps "$fl")" 'BEGIN{printf "%.2f", s/f}')")
    done
    ratio=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
    printf '%-17s %5s %10s %9s %9s %9s %10s %9s %9s %9s %7s\n' "$name" "$bytes" \
        "$(field rps "$sv")" "$(field p50_us "$sv")" "$(field p99_us "$sv")" "$(field p999_us "$sv")" \
        "$(field rps "$fl")" "$(field p50_us "$fl")" "$(field p99_us "$fl")" "$(field p999_us "$fl")" "${ratio}x"
    if [ -n "$old_base" ]; then
        old_lines+=("$(printf '%-17s %10s %9s %9s %10s %7s %8s %8s %8s' "$name" \
            "$(field rps "$ol")" "$(field p50_us "$ol")" "$(field p99_us "$ol")" "$(field max_us "$ol")" \
            "$(field non2xx "$ol")" "$(field timeouts "$ol")" "$(field socket_errors "$ol")" \
            "$(awk -v s="$(field rps "$sv")" -v o="$(field rps "$ol")" 'BEGIN{ if (o > 0) printf "%.1fx", s/o; else print "-" }')")")
    fi
done
if [ ${#old_lines[@]} -gt 0 ]; then
    echo
    echo "old example server (tiny_http, $old_rev), last round of each operation:"
    printf '%-17s %10s %9s %9s %10s %7s %8s %8s %8s\n' operation old_rps p50_us p99_us max_us non2xx timeouts sock_err server/old
    printf '%s\n' "${old_lines[@]}"
fi
echo "($rounds round(s) of ${seconds}s per operation and server, $connections connections, wrk -t2; ratio = server / floor requests per second, median over rounds)"
