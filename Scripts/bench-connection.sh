#!/usr/bin/env bash
# Messages per second over one held connection (SMTPClient.withConnection, issue 6) next to one
# smtpkit process per message, Python's smtplib on one connection and Postfix's smtp-source
# (-d: one connection), all into Postfix's smtp-sink on loopback.
#
#   Scripts/bench-connection.sh        200 messages of about 1 KiB (SMTPKIT_BENCH_COUNT to change)
#
# One run each, in one go; prints wall time, msg/s and the ratio to withConnection. Installs what
# is missing (needs root for that): postfix (smtp-sink, smtp-source), python3. Builds smtpkit and
# smtpkit-example in release mode unless $SMTPKIT_BIN is set (smtpkit-example must sit beside it).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
COUNT="${SMTPKIT_BENCH_COUNT:-200}"
PORT="${SMTPKIT_BENCH_PORT:-10926}"

# shellcheck source=bench-common.sh
source "$SCRIPT_DIR/bench-common.sh"
need=()
[[ -x /usr/sbin/smtp-sink && -x /usr/sbin/smtp-source ]] || need+=(postfix)
command -v python3 >/dev/null || need+=(python3)
bench_install bench-connection.sh "${need[@]}"

if [[ -z ${SMTPKIT_BIN:-} ]]; then
    (cd "$REPO_ROOT" && swift build -c release --product smtpkit >/dev/null && swift build -c release --product smtpkit-example >/dev/null)
    SMTPKIT_BIN="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/smtpkit"
fi
EXAMPLE="$(dirname "$SMTPKIT_BIN")/smtpkit-example"
[[ -x $EXAMPLE ]] || { echo "no $EXAMPLE beside $SMTPKIT_BIN" >&2; exit 1; }

bench_start_sink "$PORT" 256

body="$(head -c 900 /dev/zero | tr '\0' 'x' | fold -w 72)"
printf '[profiles.sink]\nhost = "127.0.0.1"\nport = %s\ntls = "none"\ntimeout = 60\n' "$PORT" >"$work/config.toml"
cat >"$work/per-process.sh" <<EOF
for i in \$(seq $COUNT); do
    "$SMTPKIT_BIN" send --host 127.0.0.1 --port $PORT --tls none --from a@bench.test --to b@bench.test \\
        --subject "bench \$i" --body "\$1" >/dev/null || exit 1
done
EOF

echo "== $COUNT messages of about 1 KiB into smtp-sink on 127.0.0.1:$PORT"
bench_measure "SMTPKit withConnection (smtpkit-example)" "$EXAMPLE" "$work/config.toml" sink a@bench.test b@bench.test "$COUNT" bench
bench_measure "smtpkit send, one process per message" sh "$work/per-process.sh" "$body"
bench_measure "Python smtplib, one connection" python3 "$SCRIPT_DIR/bench/smtplib_send.py" "$PORT" "$COUNT" "$body"
bench_measure "smtp-source -s1 -d (C, one connection)" /usr/sbin/smtp-source -s 1 -d -m "$COUNT" -l 1024 \
    -f a@bench.test -t b@bench.test 127.0.0.1:"$PORT"

bench_table "$COUNT" "withConnection"
