#!/usr/bin/env bash
# Latency of one message (issue 8): round trips and wall time through a slow link (a relay that
# holds each chunk 25 ms each way, Scripts/bench/delay_proxy.py), for smtpkit, msmtp, curl and
# swaks, into the interop stack's Postfix (Scripts/interop.sh --serve): the plain relay, and
# submission with STARTTLS and AUTH. Postfix offers PIPELINING and CHUNKING.
#
#   Scripts/bench-latency.sh        SMTPKIT_BENCH_DELAY (seconds each way, default 0.025)
#
# One run each. A round trip is a client send, after the server spoke, that the server answered.
# Installs what is missing (needs root): msmtp, curl, swaks, python3, and what interop.sh needs.
# Builds smtpkit in release mode unless $SMTPKIT_BIN is set.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
DELAY="${SMTPKIT_BENCH_DELAY:-0.025}"
RELAY=12025 SUBMISSION=12587 PROXY_RELAY=12125 PROXY_SUBMISSION=12687

# shellcheck source=bench-common.sh
source "$SCRIPT_DIR/bench-common.sh"
need=()
for tool in msmtp curl swaks python3; do command -v "$tool" >/dev/null || need+=("$tool"); done
bench_install bench-latency.sh "${need[@]}"

if [[ -z ${SMTPKIT_BIN:-} ]]; then
    (cd "$REPO_ROOT" && swift build -c release --product smtpkit >/dev/null)
    SMTPKIT_BIN="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/smtpkit"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/smtpkit-latency.XXXXXX")"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT
SMTPKIT_INTEROP_RELAY_PORT=$RELAY SMTPKIT_INTEROP_LEGACY_PORT=12026 SMTPKIT_INTEROP_SUBMISSION_PORT=$SUBMISSION \
    SMTPKIT_INTEROP_SMTPS_PORT=12465 bash "$SCRIPT_DIR/interop.sh" --serve >"$work/stack.txt" 2>&1 &
pids+=($!)
for _ in $(seq 300); do grep -q "CA file" "$work/stack.txt" 2>/dev/null && break; sleep 0.2; done
CA="$(awk '/CA file/ { print $3 }' "$work/stack.txt")"
[[ -f $CA ]] || { echo "the interop stack did not start:"; cat "$work/stack.txt"; exit 1; }
USER_NAME=alice@interop.test PASSWORD="${SMTPKIT_INTEROP_PASSWORD:-interop-Pa55-w0rd-7c1f}"
export SMTPKIT_INTEROP_PASSWORD="$PASSWORD"

python3 "$SCRIPT_DIR/bench/delay_proxy.py" $PROXY_RELAY $RELAY "$DELAY" "$work/trips" & pids+=($!)
python3 "$SCRIPT_DIR/bench/delay_proxy.py" $PROXY_SUBMISSION $SUBMISSION "$DELAY" "$work/trips" & pids+=($!)
for port in $PROXY_RELAY $PROXY_SUBMISSION; do
    for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
done
sleep 0.3; : >"$work/trips"

printf 'From: alice@interop.test\r\nTo: bob@interop.test\r\nSubject: latency\r\n\r\nhello\r\n' >"$work/msg.eml"
rows=()
measure() {  # name, mode (plain|starttls), command…
    local name=$1 mode=$2 start end trips; shift 2
    : >"$work/trips"
    start=$(date +%s.%N)
    if "$@" >"$work/out.txt" 2>&1; then
        end=$(date +%s.%N)
        sleep 0.3
        trips=$(tail -1 "$work/trips")
        rows+=("$name|$mode|$trips|$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')")
    else
        echo "   $name ($mode) FAILED:"; tail -5 "$work/out.txt" | sed 's/^/     /'
        rows+=("$name|$mode|failed|")
    fi
}
sk=("$SMTPKIT_BIN" send --from $USER_NAME --to bob@interop.test --subject latency --body hello)
measure smtpkit plain "${sk[@]}" --host 127.0.0.1 --port $PROXY_RELAY --tls none
measure smtpkit starttls "${sk[@]}" --host 127.0.0.1 --port $PROXY_SUBMISSION --ca-file "$CA" --user $USER_NAME --password-env SMTPKIT_INTEROP_PASSWORD
msmtp_common=(msmtp --host=127.0.0.1 --from=$USER_NAME)
measure msmtp plain "${msmtp_common[@]}" --port=$PROXY_RELAY --tls=off --auth=off bob@interop.test <"$work/msg.eml"
measure msmtp starttls "${msmtp_common[@]}" --port=$PROXY_SUBMISSION --tls=on --tls-starttls=on --tls-trust-file="$CA" \
    --auth=plain --user=$USER_NAME --passwordeval="echo $PASSWORD" bob@interop.test <"$work/msg.eml"
measure curl plain curl -sS --url smtp://127.0.0.1:$PROXY_RELAY --mail-from $USER_NAME --mail-rcpt bob@interop.test --upload-file "$work/msg.eml"
measure curl starttls curl -sS --url smtp://127.0.0.1:$PROXY_SUBMISSION --ssl-reqd --cacert "$CA" --user "$USER_NAME:$PASSWORD" \
    --mail-from $USER_NAME --mail-rcpt bob@interop.test --upload-file "$work/msg.eml"
measure swaks plain swaks --server 127.0.0.1:$PROXY_RELAY --from $USER_NAME --to bob@interop.test --body hello --pipeline
measure swaks starttls swaks --server 127.0.0.1:$PROXY_SUBMISSION --from $USER_NAME --to bob@interop.test --body hello --pipeline \
    --tls --tls-ca-path "$CA" --auth PLAIN --auth-user $USER_NAME --auth-password "$PASSWORD"

echo
echo "One message, $(awk -v d="$DELAY" 'BEGIN { printf "%.0f", d * 1000 }') ms each way:"
echo "| client | plain: round trips | plain: s | STARTTLS+AUTH: round trips | STARTTLS+AUTH: s |"
echo "|---|---:|---:|---:|---:|"
for client in smtpkit msmtp curl swaks; do
    line="| $client"
    for mode in plain starttls; do
        for row in "${rows[@]}"; do
            IFS='|' read -r name m trips seconds <<<"$row"
            [[ $name == "$client" && $m == "$mode" ]] && line+=" | $trips | $seconds"
        done
    done
    echo "$line |"
done
