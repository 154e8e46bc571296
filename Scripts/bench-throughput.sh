#!/usr/bin/env bash
# Throughput of a bulk send (issue 8): `smtpkit send --repeat N` over one and over ten
# pipelined connections, next to Postfix's C load generator smtp-source (-d: connections
# reused) and Python's smtplib on one connection, all into Postfix's smtp-sink on loopback.
#
#   Scripts/bench-throughput.sh        20,000 messages of about 1 KiB (SMTPKIT_BENCH_COUNT to change)
#
# One run each; prints seconds, msg/s and the ratio to smtpkit on one connection. Installs what
# is missing (needs root for that): postfix (smtp-sink, smtp-source), python3. Builds smtpkit in
# release mode unless $SMTPKIT_BIN is set.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
COUNT="${SMTPKIT_BENCH_COUNT:-20000}"
PORT="${SMTPKIT_BENCH_PORT:-10927}"

# shellcheck source=bench-common.sh
source "$SCRIPT_DIR/bench-common.sh"
need=()
[[ -x /usr/sbin/smtp-sink && -x /usr/sbin/smtp-source ]] || need+=(postfix)
command -v python3 >/dev/null || need+=(python3)
bench_install bench-throughput.sh "${need[@]}"

if [[ -z ${SMTPKIT_BIN:-} ]]; then
    (cd "$REPO_ROOT" && swift build -c release --product smtpkit >/dev/null)
    SMTPKIT_BIN="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/smtpkit"
fi

bench_start_sink "$PORT" 256
body="$(head -c 900 /dev/zero | tr '\0' 'x' | fold -w 72)"
# A ready-made message, as smtp-source sends one (-l 1024); and the same text composed by smtpkit
# for every copy (MIME, Date, a Message-ID each), which is what --body costs.
printf 'From: a@bench.test\nTo: b@bench.test\nSubject: bench\n\n%s\n' "$body" >"$work/message.eml"
send=("$SMTPKIT_BIN" send --host 127.0.0.1 --port "$PORT" --tls none --from a@bench.test --to b@bench.test --repeat "$COUNT")

echo "== $COUNT messages of about 1 KiB into smtp-sink on 127.0.0.1:$PORT"
bench_measure "smtpkit send --message-file --repeat, 1 connection" "${send[@]}" --message-file "$work/message.eml"
bench_measure "smtpkit send --message-file --repeat, 10 connections" "${send[@]}" --message-file "$work/message.eml" --connections 10
bench_measure "smtpkit send --body --repeat (composed each time), 1 connection" "${send[@]}" --subject bench --body "$body"
bench_measure "smtpkit send --body --repeat (composed each time), 10 connections" "${send[@]}" --subject bench --body "$body" --connections 10
bench_measure "smtp-source -s1 -d (C, 1 connection)" /usr/sbin/smtp-source -s 1 -d -m "$COUNT" -l 1024 \
    -f a@bench.test -t b@bench.test 127.0.0.1:"$PORT"
bench_measure "smtp-source -s10 -d (C, 10 connections)" /usr/sbin/smtp-source -s 10 -d -m "$COUNT" -l 1024 \
    -f a@bench.test -t b@bench.test 127.0.0.1:"$PORT"
bench_measure "Python smtplib, 1 connection" python3 "$SCRIPT_DIR/bench/smtplib_send.py" "$PORT" "$COUNT" "$body"
bench_table "$COUNT" "smtpkit, 1 connection"
