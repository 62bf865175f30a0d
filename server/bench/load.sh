#!/usr/bin/env bash
# The server's load benchmark (loopback only, bounded in time):
#
#   server/bench/load.sh            # 5 s per measurement, 2 rounds
#   LV_LOAD_SECONDS=2 LV_LOAD_ROUNDS=1 server/bench/load.sh
#   LV_LOAD_OPS="invoke list_versions_50" server/bench/load.sh   # some operations only
#
# For Invoke on a weighted alias, GetAlias, UpdateAlias and a 50-entry
# ListVersionsByFunction page, wrk (Debian's package, installed if missing) measures
# requests per second and p50 / p99 / p99.9 latency against
#   * lambda-versioning-server (in memory, request log off: --log warn), and
#   * the floor: the same HTTP stack answering a fixed body of the same size
#     (server/examples/floor.rs),
# alternating the two, and prints the ratio server / floor per operation (median over the
# rounds). Every run checks that all requests were answered with 2xx, none timed out, and
# the slowest request took less than a second (no connection waited the whole run).
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${LV_LOAD_SECONDS:-5}
rounds=${LV_LOAD_ROUNDS:-2}
connections=${LV_LOAD_CONNECTIONS:-32}
only=${LV_LOAD_OPS:-}
if ! command -v wrk >/dev/null; then
    echo "installing wrk (Debian)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null
fi
cargo build --release --quiet -p lambda-versioning-server --bin lambda-versioning-server --example floor
bin=target/release/lambda-versioning-server
floor=target/release/examples/floor
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# Starts a server, prints its base URL.
start() {
    local out=$work/out.$RANDOM
    "$@" > "$out" 2>/dev/null &
    pids+=($!)
    for _ in $(seq 100); do
        if grep -q "listening on" "$out" 2>/dev/null; then
            sed -n 's/^listening on //p' "$out" | head -1
            return
        fi
        sleep 0.05
    done
    echo "server did not start: $*" >&2
    exit 1
}

base=$(start "$bin" --addr 127.0.0.1:0 --log warn --settle-ms 0)
f=$base/2015-03-31/functions
role=arn:aws:iam::123456789012:role/bench
zip=UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==
post() { curl -sf -o /dev/null -X "$1" "$2" -H 'content-type: application/json' -d "$3"; }
post POST "$f" "{\"FunctionName\":\"bench\",\"Role\":\"$role\",\"Runtime\":\"python3.12\",\"Handler\":\"a.b\",\"Code\":{\"ZipFile\":\"$zip\"}}"
sleep 0.1
for i in $(seq 60); do
    post PUT "$f/bench/configuration" "{\"Description\":\"release $i\"}"
    post POST "$f/bench/versions" '{}'
done
post POST "$f/bench/aliases" '{"Name":"live","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"2":0.1}}}'

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

printf '%-17s %5s %10s %9s %9s %9s %10s %9s %9s %9s %7s\n' operation bytes server_rps p50_us p99_us p999_us floor_rps p50_us p99_us p999_us ratio
for op in "${ops[@]}"; do
    IFS='|' read -r name method path body <<<"$op"
    if [ -n "$only" ] && [[ " $only " != *" $name "* ]]; then
        continue
    fi
    bytes=$(curl -s -o /dev/null -w '%{size_download}' -X "$method" "$base$path" ${body:+-d "$body"} -H 'content-type: application/json')
    floor_base=$(start "$floor" --addr 127.0.0.1:0 --bytes "$bytes")
    ratios=()
    for r in $(seq "$rounds"); do
        fl=$(measure "$floor_base$path" "$method" "$body")
        sv=$(measure "$base$path" "$method" "$body")
        ratios+=("$(awk -v s="$(field rps "$sv")" -v f="$(field rps "$fl")" 'BEGIN{printf "%.2f", s/f}')")
    done
    ratio=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
    printf '%-17s %5s %10s %9s %9s %9s %10s %9s %9s %9s %7s\n' "$name" "$bytes" \
        "$(field rps "$sv")" "$(field p50_us "$sv")" "$(field p99_us "$sv")" "$(field p999_us "$sv")" \
        "$(field rps "$fl")" "$(field p50_us "$fl")" "$(field p99_us "$fl")" "$(field p999_us "$fl")" "${ratio}x"
done
echo "($rounds round(s) of ${seconds}s per operation and server, $connections connections, wrk -t2; ratio = server / floor requests per second, median over rounds)"
