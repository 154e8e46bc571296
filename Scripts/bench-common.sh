# shellcheck shell=bash
# What the benchmark scripts share; sourced by Scripts/bench-*.sh.

# bench_install SCRIPT PACKAGE...: installs the Debian packages given (root only), quietly.
bench_install() {
    local script=$1
    shift
    (($#)) || return 0
    [[ $(id -u) == 0 ]] || { echo "$script: missing $*; install them or run as root" >&2; exit 1; }
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# bench_start_sink PORT BACKLOG: a work directory in $work (removed at exit) and Postfix's
# smtp-sink on 127.0.0.1:PORT, which accepts and discards (-u drops root for it).
bench_start_sink() {
    work="$(mktemp -d "${TMPDIR:-/tmp}/smtpkit-bench.XXXXXX")"
    sink_pid=""
    trap 'if [[ -n $sink_pid ]]; then kill "$sink_pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
    /usr/sbin/smtp-sink -u nobody 127.0.0.1:"$1" "$2" &
    sink_pid=$!
    for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && break; sleep 0.1; done
}

# bench_measure NAME COMMAND...: runs COMMAND once, timing it; appends "NAME|seconds" to results.
results=()
bench_measure() {
    local name="$1" start end; shift
    start=$(date +%s.%N)
    if "$@" >"$work/out.txt" 2>&1; then
        end=$(date +%s.%N)
        results+=("$name|$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')")
        echo "   $name: done"
    else
        echo "   $name FAILED:"; tail -5 "$work/out.txt" | sed 's/^/     /'
        results+=("$name|failed")
    fi
}

# bench_table COUNT BASE_NAME: the results as a Markdown table, msg/s as a ratio to the first row.
bench_table() {
    local count=$1 base=""
    echo
    echo "| sender | seconds | msg/s | × $2 |"
    echo "|---|---:|---:|---:|"
    for row in "${results[@]}"; do
        IFS='|' read -r name seconds <<<"$row"
        if [[ $seconds == failed ]]; then echo "| $name | failed | | |"; continue; fi
        [[ -z $base ]] && base=$(awk -v c="$count" -v s="$seconds" 'BEGIN { print c / s }')
        awk -v n="$name" -v s="$seconds" -v c="$count" -v b="$base" \
            'BEGIN { printf "| %s | %.2f | %.0f | %.2f |\n", n, s, c / s, (c / s) / b }'
    done
}
