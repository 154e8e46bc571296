#!/usr/bin/env bash
# Peak memory to send one message with a large attachment: smtpkit next to swaks,
# Python's smtplib and msmtp, all sending the same file to Postfix's smtp-sink on loopback.
#
#   Scripts/bench-memory.sh            200 MiB attachment (SMTPKIT_BENCH_MIB to change), and
#                                      a 50 MiB text body (SMTPKIT_BENCH_BODY_MIB) next to a 1 KiB one
#
# Measures each sender's maximum resident set size and wall time with /usr/bin/time -v, one run
# each, in one go, and prints a table with the ratio to smtpkit. msmtp does not compose MIME, so
# it sends the message Python composed (smtpkit also sends that file with --message-file, for a
# like-for-like raw comparison). Installs what is missing (needs root for that): postfix
# (smtp-sink), msmtp, swaks, time, python3. Builds smtpkit in release mode unless $SMTPKIT_BIN is set.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
MIB="${SMTPKIT_BENCH_MIB:-200}"
PORT="${SMTPKIT_BENCH_PORT:-10925}"

# shellcheck source=bench-common.sh
source "$SCRIPT_DIR/bench-common.sh"
need=()
[[ -x /usr/sbin/smtp-sink ]] || need+=(postfix)
command -v msmtp >/dev/null || need+=(msmtp)
command -v swaks >/dev/null || need+=(swaks)
[[ -x /usr/bin/time ]] || need+=(time)
command -v python3 >/dev/null || need+=(python3)
bench_install bench-memory.sh "${need[@]}"

if [[ -z ${SMTPKIT_BIN:-} ]]; then
    (cd "$REPO_ROOT" && swift build -c release --product smtpkit >/dev/null)
    SMTPKIT_BIN="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/smtpkit"
fi

bench_start_sink "$PORT" 64
echo "== ${MIB} MiB of random data in $work"
head -c "$((MIB * 1024 * 1024))" /dev/urandom >"$work/big.bin"
echo "Hello, the file is attached." >"$work/body.txt"
BODY_MIB="${SMTPKIT_BENCH_BODY_MIB:-50}"
head -c 1024 /dev/zero | tr '\0' 'x' | fold -w 72 >"$work/small.txt"
(yes "Grades are out: see the attached report. Ærlig Øst got an A." || true) | head -c "$((BODY_MIB * 1024 * 1024))" >"$work/large.txt"

cat >"$work/smtplib_send.py" <<'EOF'
import smtplib, sys
from email.message import EmailMessage
path, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
msg = EmailMessage()
msg["From"], msg["To"], msg["Subject"] = "a@bench.test", "b@bench.test", "big"
msg.set_content("Hello, the file is attached.\n")
with open(path, "rb") as f:
    msg.add_attachment(f.read(), maintype="application", subtype="octet-stream", filename="big.bin")
if out != "-":                      # compose only: the message msmtp and smtpkit --message-file send
    with open(out, "wb") as f:
        f.write(msg.as_bytes())
    sys.exit(0)
with smtplib.SMTP("127.0.0.1", port) as s:
    s.send_message(msg)
EOF
python3 "$work/smtplib_send.py" "$work/big.bin" "$PORT" "$work/big.eml"

results=()
measure() {  # name, command…
    local name="$1"; shift
    if /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/out.txt" 2>&1; then
        local rss elapsed
        rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
        elapsed=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
        results+=("$name|$rss|$elapsed")
        awk -v n="$name" -v r="$rss" -v e="$elapsed" 'BEGIN { printf "   %-34s %8.1f MiB  %s\n", n, r / 1024, e }'
    else
        echo "   $name FAILED:"; sed 's/^/     /' "$work/out.txt" | tail -5
        results+=("$name|failed|-")
    fi
}

echo "== sending (max RSS, wall time)"
common=(--host 127.0.0.1 --port "$PORT" --tls none --from a@bench.test --to b@bench.test --timeout 120)
measure "smtpkit send --attach" "$SMTPKIT_BIN" send "${common[@]}" --subject big --body-file "$work/body.txt" --attach "$work/big.bin"
measure "smtpkit send --message-file" "$SMTPKIT_BIN" send "${common[@]}" --message-file "$work/big.eml"
measure "swaks --attach" swaks --server 127.0.0.1:"$PORT" --from a@bench.test --to b@bench.test \
    --header "Subject: big" --body "$work/body.txt" --attach-type application/octet-stream --attach @"$work/big.bin" --silent 2
measure "python3 smtplib (EmailMessage)" python3 "$work/smtplib_send.py" "$work/big.bin" "$PORT" -
measure "msmtp < message" sh -c "msmtp --host=127.0.0.1 --port=$PORT --auth=off --tls=off --from=a@bench.test b@bench.test < '$work/big.eml'"
# The body is streamed like an attachment: the peak must not grow with it (issue 8: ≤ 1 KiB's + 4 MiB).
measure "smtpkit send --body-file (1 KiB)" "$SMTPKIT_BIN" send "${common[@]}" --subject body --body-file "$work/small.txt"
measure "smtpkit send --body-file (${BODY_MIB} MiB)" "$SMTPKIT_BIN" send "${common[@]}" --subject body --body-file "$work/large.txt"
measure "smtpkit send < body (${BODY_MIB} MiB)" sh -c "'$SMTPKIT_BIN' send ${common[*]} --subject body < '$work/large.txt'"

echo
echo "| sender | max RSS (MiB) | × smtpkit | wall time |"
echo "|---|---:|---:|---:|"
base=""
for row in "${results[@]}"; do
    IFS='|' read -r name rss elapsed <<<"$row"
    if [[ $rss == failed ]]; then echo "| $name | failed | | |"; continue; fi
    [[ -z $base ]] && base=$rss
    awk -v n="$name" -v r="$rss" -v b="$base" -v e="$elapsed" 'BEGIN { printf "| %s | %.1f | %.1f | %s |\n", n, r / 1024, r / b, e }'
done
