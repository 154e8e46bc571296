#!/usr/bin/env bash
# Real-server interop tests for smtpkit: a private Postfix + Dovecot (SASL) on loopback.
#
#   Scripts/interop.sh              run the smtpkit checks (builds smtpkit unless $SMTPKIT_BIN is set)
#   Scripts/interop.sh --selftest   prove the stack itself with swaks and openssl s_client (no smtpkit)
#   Scripts/interop.sh --serve      start the stack, print how to reach it, wait for Ctrl-C
#   options: --keep (leave the temporary directory), -h/--help
#
# Everything lives in one fresh temporary directory: a test CA and a certificate for
# localhost/127.0.0.1, a Postfix instance (own config, queue, data dir and log file) and a
# Dovecot: Postfix's SASL server, and a submission server of its own (relaying into Postfix's
# plain relay). Listeners, all on 127.0.0.1:
#   $SMTPKIT_INTEROP_RELAY_PORT      (10025) plain relay like a campus server: no TLS, no AUTH
#   $SMTPKIT_INTEROP_LEGACY_PORT     (10026) the same relay without SMTPUTF8 and 8BITMIME
#   $SMTPKIT_INTEROP_SUBMISSION_PORT (10587) submission like Microsoft 365: STARTTLS + AUTH required
#   $SMTPKIT_INTEROP_SMTPS_PORT      (10465) implicit TLS (RFC 8314) + AUTH required
#   $SMTPKIT_INTEROP_DOVECOT_SUBMISSION_PORT (10588) Dovecot's submission: STARTTLS + AUTH, CHUNKING
# Mailboxes (Maildirs): alice, bob, carol, dave and blåbær (SMTPUTF8) @interop.test, and
# kari@bücher.interop.test (its IDNA form kari@xn--bcher-kva.interop.test); any other
# address there is refused at RCPT with 550; nothing is ever relayed elsewhere.
# Login: alice@interop.test / $SMTPKIT_INTEROP_PASSWORD (default: a fixed test value).
# Also: $SMTPKIT_BIN (the binary to test), $SMTPKIT_INTEROP_WAIT (seconds a delivery may
# take, 20), $SMTPKIT_INTEROP_COMMAND_TIMEOUT (seconds one smtpkit run may take, 60).
#
# Needs root (installs postfix, dovecot-core, dovecot-submissiond, openssl, python3 with apt-get when missing).
# Everything it starts is stopped on exit, also on failure; on failure the logs are printed.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
HELPERS="$SCRIPT_DIR/interop"

RELAY_PORT="${SMTPKIT_INTEROP_RELAY_PORT:-10025}"
LEGACY_PORT="${SMTPKIT_INTEROP_LEGACY_PORT:-10026}"
SUBMISSION_PORT="${SMTPKIT_INTEROP_SUBMISSION_PORT:-10587}"
SMTPS_PORT="${SMTPKIT_INTEROP_SMTPS_PORT:-10465}"
DOVECOT_SUBMISSION_PORT="${SMTPKIT_INTEROP_DOVECOT_SUBMISSION_PORT:-10588}"
export SMTPKIT_INTEROP_PASSWORD="${SMTPKIT_INTEROP_PASSWORD:-interop-Pa55-w0rd-7c1f}"
PASSWORD="$SMTPKIT_INTEROP_PASSWORD"
USER_NAME="alice@interop.test"
DELIVERY_TIMEOUT="${SMTPKIT_INTEROP_WAIT:-20}"   # seconds to wait for a message to arrive
export COMMAND_TIMEOUT="${SMTPKIT_INTEROP_COMMAND_TIMEOUT:-60}" # hard limit for one client run
TMP_PREFIX="smtpkit-interop"

MODE=check
KEEP=0
usage() { sed -n '2,/^# shellcheck/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }
while (($#)); do
    case "$1" in
        --selftest) MODE=selftest ;;
        --serve) MODE=serve ;;
        --keep) KEEP=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "interop.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
    shift
done

log() { printf '%s\n' "== $*" >&2; }
die() { printf '%s\n' "interop.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------- packages

POSTFIX=/usr/sbin/postfix
DOVECOT=/usr/sbin/dovecot

ensure_packages() {
    local missing=()
    [[ -x $POSTFIX ]] || missing+=(postfix)
    [[ -x $DOVECOT ]] || missing+=(dovecot-core)
    [[ -x /usr/lib/dovecot/submission ]] || missing+=(dovecot-submissiond)
    command -v openssl >/dev/null || missing+=(openssl)
    command -v python3 >/dev/null || missing+=(python3)
    command -v timeout >/dev/null || missing+=(coreutils)
    if [[ $MODE == selftest ]]; then
        command -v swaks >/dev/null || missing+=(swaks)
        perl -MNet::SSLeay -e1 2>/dev/null || missing+=(libnet-ssleay-perl)  # swaks' TLS
    fi
    ((${#missing[@]})) || return 0
    [[ $(id -u) == 0 ]] || die "missing ${missing[*]}; run as root or install them: apt-get install ${missing[*]}"
    log "installing ${missing[*]}"
    # No questions from postfix's package: this script writes its own configuration.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    export DEBIAN_FRONTEND=noninteractive
    if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
        apt-get update -qq
    fi
    apt-get install -y -qq --no-install-recommends "${missing[@]}" ca-certificates >/dev/null ||
        { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" ca-certificates >/dev/null; }
}

# ---------------------------------------------------------------- smtpkit binary

find_smtpkit() {
    if [[ -n ${SMTPKIT_BIN:-} ]]; then
        [[ -x $SMTPKIT_BIN ]] || die "SMTPKIT_BIN=$SMTPKIT_BIN is not an executable file"
        SMTPKIT="$SMTPKIT_BIN"
    else
        command -v swift >/dev/null || die "swift not found; build smtpkit elsewhere and set SMTPKIT_BIN"
        log "building smtpkit (swift build in $REPO_ROOT)"
        (cd "$REPO_ROOT" && swift build) >&2
        SMTPKIT="$(cd "$REPO_ROOT" && swift build --show-bin-path)/smtpkit"
        [[ -x $SMTPKIT ]] || die "swift build did not produce $SMTPKIT"
    fi
    log "smtpkit: $SMTPKIT"
}

# ---------------------------------------------------------------- the stack

ROOT=""           # the temporary directory
SLEEPER=""        # --serve: the sleep it waits on
IDP_PID=""        # the test identity provider (smtpkit test-identity-provider)
STACK_STARTED=0
PF_ETC="" PF_QUEUE="" MAIL_ROOT="" WORK="" CA_PEM=""

# alive PID: the process exists and is not a zombie (an exited daemon whose new parent,
# PID 1, has not reaped it yet; kill -0 would still succeed on it).
alive() {
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ ${stat:0:1} != Z && ${stat:0:1} != X ]]
}

stop_postfix_in() {  # $1 = a temporary root of ours
    local etc="$1/postfix/etc" pidfile="$1/postfix/queue/pid/master.pid" pid i
    [[ -f $pidfile ]] || return 0
    pid="$(tr -dc '0-9' <"$pidfile")"
    [[ -n $pid ]] && alive "$pid" || return 0
    "$POSTFIX" -c "$etc" stop >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do alive "$pid" || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}

stop_dovecot_in() {  # $1 = a temporary root of ours
    local pidfile="$1/dovecot/run/master.pid" pid i
    [[ -f $pidfile ]] || return 0
    pid="$(tr -dc '0-9' <"$pidfile")"
    [[ -n $pid ]] && alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do alive "$pid" || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}

# A run that was killed (kill -9, a closed terminal) cannot clean up after itself. Its
# directory says which shell owned it; stop what it left if that shell is gone.
reap_stale_runs() {
    local dir owner
    for dir in "${TMPDIR:-/tmp}/$TMP_PREFIX".*; do
        [[ -d $dir && -f $dir/owner.pid ]] || continue
        owner="$(tr -dc '0-9' <"$dir/owner.pid")"
        if [[ -n $owner ]] && alive "$owner"; then continue; fi
        log "stopping what a dead earlier run left in $dir"
        stop_postfix_in "$dir"
        stop_dovecot_in "$dir"
        rm -rf -- "$dir"
    done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

print_logs() {
    local f
    for f in "$ROOT/log/postfix.log" "$ROOT/log/dovecot.log"; do
        [[ -s $f ]] || continue
        printf '\n---- %s (last 150 lines) ----\n' "$f" >&2
        tail -n 150 "$f" >&2
    done
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $SLEEPER ]]; then kill "$SLEEPER" 2>/dev/null || true; fi
    if [[ -n ${IDP_PID:-} ]]; then kill "$IDP_PID" 2>/dev/null || true; fi
    if [[ -n $ROOT && -d $ROOT ]]; then
        if ((rc != 0)) && ((STACK_STARTED)); then print_logs; fi
        stop_postfix_in "$ROOT"
        stop_dovecot_in "$ROOT"
        if ((KEEP)); then
            log "kept $ROOT"
        else
            rm -rf -- "$ROOT"
        fi
    fi
    exit "$rc"
}

fill_template() {  # $1 template, $2 output
    sed -e "s|@ROOT@|$ROOT|g" \
        -e "s|@RELAY_PORT@|$RELAY_PORT|g" \
        -e "s|@LEGACY_PORT@|$LEGACY_PORT|g" \
        -e "s|@SUBMISSION_PORT@|$SUBMISSION_PORT|g" \
        -e "s|@SMTPS_PORT@|$SMTPS_PORT|g" \
        -e "s|@DOVECOT_SUBMISSION_PORT@|$DOVECOT_SUBMISSION_PORT|g" \
        -e "s|@MAIL_UID@|$MAIL_UID|g" \
        -e "s|@MAIL_GID@|$MAIL_GID|g" \
        -e "s|@INTROSPECTION_URL@|${IDP_INTROSPECTION_URL:-}|g" \
        "$1" >"$2"
}

make_certificates() {
    local tls="$ROOT/tls"
    mkdir -p "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3 \
        -keyout "$tls/ca.key" -out "$tls/ca.pem" -subj "/O=SMTPKit/CN=SMTPKit Interop Test CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -new -newkey rsa:2048 -nodes -sha256 \
        -keyout "$tls/server.key" -out "$tls/server.csr" -subj "/O=SMTPKit/CN=localhost" 2>/dev/null
    cat >"$tls/server.ext" <<'EOF'
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
        -CAcreateserial -days 3 -sha256 -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
    openssl verify -CAfile "$tls/ca.pem" "$tls/server.pem" >/dev/null ||
        die "the generated server certificate does not verify"
    chmod 600 "$tls"/*.key
    CA_PEM="$tls/ca.pem"
}

configure_postfix() {
    PF_ETC="$ROOT/postfix/etc"
    PF_QUEUE="$ROOT/postfix/queue"
    mkdir -p "$PF_ETC" "$PF_QUEUE" "$ROOT/postfix/data" "$MAIL_ROOT"
    chown postfix:postfix "$ROOT/postfix/data"
    chown "$MAIL_UID:$MAIL_GID" "$MAIL_ROOT"
    fill_template "$HELPERS/main.cf.in" "$PF_ETC/main.cf"
    fill_template "$HELPERS/master.cf.in" "$PF_ETC/master.cf"
    cat >"$PF_ETC/vmailbox" <<'EOF'
alice@interop.test  interop.test/alice/
bob@interop.test    interop.test/bob/
carol@interop.test  interop.test/carol/
dave@interop.test   interop.test/dave/
blåbær@interop.test interop.test/blaabaer/
kari@xn--bcher-kva.interop.test interop.test/kari/
EOF
    # Creates the queue's subdirectories with Postfix's own owners and modes.
    "$POSTFIX" -c "$PF_ETC" check >&2 || die "postfix check failed for $PF_ETC"
}

configure_dovecot() {
    mkdir -p "$ROOT/dovecot/run" "$ROOT/dovecot/state" "$ROOT/dovecot/mail"
    chown "$MAIL_UID:$MAIL_GID" "$ROOT/dovecot/mail"
    fill_template "$HELPERS/dovecot.conf.in" "$ROOT/dovecot/dovecot.conf"
    if [[ -z ${IDP_INTROSPECTION_URL:-} ]]; then
        # No identity provider: no OAuth2 passdb or mechanisms.
        awk '/^# OAuth2 bearer tokens/ { skip = 1 } skip && /^}/ { skip = 0; next } !skip' \
            "$ROOT/dovecot/dovecot.conf" | sed -e 's/ xoauth2 oauthbearer//' >"$ROOT/dovecot/dovecot.conf.new"
        mv "$ROOT/dovecot/dovecot.conf.new" "$ROOT/dovecot/dovecot.conf"
    fi
    printf '%s\n' "introspection_mode = post" "introspection_url = ${IDP_INTROSPECTION_URL:-}" \
        "username_attribute = username" "active_attribute = active" "active_value = true" \
        >"$ROOT/dovecot/oauth2.conf.ext"
    # {SHA256} is base64 of the SHA-256 digest: no salt (a test value), and no ':' to escape.
    local digest
    digest="$(printf '%s' "$PASSWORD" | openssl dgst -sha256 -binary | base64)"
    printf '%s:{SHA256}%s\n' "$USER_NAME" "$digest" >"$ROOT/dovecot/passwd"
    chown root:dovecot "$ROOT/dovecot/passwd"
    chmod 640 "$ROOT/dovecot/passwd"
}

# The OAuth2 test identity provider (SMTPKitServer's mock, as `smtpkit test-identity-provider`):
# HTTPS token, device and authorize endpoints with a CA of its own, and a plain-HTTP token
# introspection endpoint for Dovecot. It approves every login as $USER_NAME.
start_identity_provider() {
    [[ -n ${SMTPKIT:-} ]] || return 0  # --serve and --selftest run without smtpkit: no OAuth2 then
    IDP_CA="$ROOT/tls/idp-ca.pem"
    "$SMTPKIT" test-identity-provider --approve "$USER_NAME" --ca-file "$IDP_CA" >"$ROOT/idp.out" 2>"$ROOT/log/idp.log" &
    IDP_PID=$!
    wait_until 20 "the test identity provider" grep -q '^introspection_url=' "$ROOT/idp.out"
    IDP_TOKEN_URL="$(sed -n 's/^token_url=//p' "$ROOT/idp.out")"
    IDP_DEVICE_URL="$(sed -n 's/^device_url=//p' "$ROOT/idp.out")"
    IDP_INTROSPECTION_URL="$(sed -n 's/^introspection_url=//p' "$ROOT/idp.out")"
    export IDP_CA IDP_TOKEN_URL IDP_DEVICE_URL IDP_INTROSPECTION_URL
}

wait_until() {  # $1 seconds, $2 description, rest = command
    local seconds=$1 what=$2 i
    shift 2
    for ((i = 0; i < seconds * 10; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    die "$what did not happen within ${seconds}s"
}

start_stack() {
    local port
    for port in "$RELAY_PORT" "$LEGACY_PORT" "$SUBMISSION_PORT" "$SMTPS_PORT" "$DOVECOT_SUBMISSION_PORT"; do
        if port_in_use "$port"; then
            die "127.0.0.1:$port is already in use (another interop run? a mail server?); free it or set SMTPKIT_INTEROP_{RELAY,LEGACY,SUBMISSION,SMTPS,DOVECOT_SUBMISSION}_PORT"
        fi
    done
    ROOT="$(mktemp -d "${TMPDIR:-/tmp}/$TMP_PREFIX.XXXXXXXX")"
    chmod 755 "$ROOT"   # Postfix's and Dovecot's unprivileged processes walk through it
    echo $$ >"$ROOT/owner.pid"
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    MAIL_UID="$(id -u nobody)"
    MAIL_GID="$(id -g nobody)"
    MAIL_ROOT="$ROOT/mail"
    WORK="$ROOT/work"
    mkdir -p "$ROOT/log" "$WORK"
    log "stack in $ROOT"
    make_certificates
    start_identity_provider
    configure_postfix
    configure_dovecot
    STACK_STARTED=1
    "$DOVECOT" -c "$ROOT/dovecot/dovecot.conf" || die "dovecot did not start"
    wait_until 10 "Dovecot's auth socket" test -S "$PF_QUEUE/private/auth"
    "$POSTFIX" -c "$PF_ETC" start >&2 || die "postfix did not start"
    for port in "$RELAY_PORT" "$LEGACY_PORT" "$SUBMISSION_PORT" "$SMTPS_PORT" "$DOVECOT_SUBMISSION_PORT"; do
        wait_until 10 "a listener on 127.0.0.1:$port" port_in_use "$port"
    done
    log "up: relay 127.0.0.1:$RELAY_PORT, legacy relay 127.0.0.1:$LEGACY_PORT, submission 127.0.0.1:$SUBMISSION_PORT (STARTTLS), implicit TLS 127.0.0.1:$SMTPS_PORT, Dovecot submission 127.0.0.1:$DOVECOT_SUBMISSION_PORT"
}

# ---------------------------------------------------------------- check runner

PASSES=0
FAILS=0
FAILED=()
CHECK_LOG=""

# run_check ID TITLE FUNCTION: the function's output is shown only when it fails.
run_check() {
    local id=$1 title=$2 fn=$3
    CHECK_LOG="$WORK/check-$id.log"
    : >"$CHECK_LOG"
    if "$fn" >>"$CHECK_LOG" 2>&1; then
        PASSES=$((PASSES + 1))
        printf 'PASS  %-4s %s\n' "$id" "$title"
    else
        FAILS=$((FAILS + 1))
        FAILED+=("$id $title")
        printf 'FAIL  %-4s %s\n' "$id" "$title"
        sed -e 's/^/        /' "$CHECK_LOG" | head -n 120
    fi
}

summary() {
    echo
    if ((FAILS)); then
        echo "failed checks:"
        printf '  %s\n' "${FAILED[@]}"
    fi
    echo "interop: $PASSES passed, $FAILS failed"
    ((FAILS == 0))
}

py_check() { python3 "$HELPERS/maildir_check.py" "$@"; }

show_last_run() { :; }  # the sourced check files say how to show their last client run

queue_empty() {
    [[ -z $(find "$PF_QUEUE/incoming" "$PF_QUEUE/active" "$PF_QUEUE/deferred" \
        "$PF_QUEUE/hold" "$PF_QUEUE/maildrop" -type f -print -quit 2>/dev/null) ]]
}

# expect_delivered USER TAG [COUNT]: wait for COUNT messages tagged TAG in USER's
# Maildir; their paths are left in DELIVERED (an array).
expect_delivered() {
    local user=$1 tag=$2 count=${3:-1} out
    if ! out="$(py_check wait --maildir "$MAIL_ROOT/interop.test/$user" --tag "$tag" \
        --count "$count" --timeout "$DELIVERY_TIMEOUT" --queue "$PF_QUEUE" 2>&1)"; then
        echo "not delivered to the Maildir interop.test/$user as expected:"
        printf '%s\n' "$out"
        show_last_run
        return 1
    fi
    # shellcheck disable=SC2034  # read by the sourced check files
    mapfile -t DELIVERED <<<"$out"
}

# wait_queue_drained: Postfix has delivered (or bounced) everything it accepted.
wait_queue_drained() {
    local i
    for ((i = 0; i < DELIVERY_TIMEOUT * 10; i++)); do queue_empty && return 0; sleep 0.1; done
    echo "Postfix's queue is still not empty after ${DELIVERY_TIMEOUT}s:"
    find "$PF_QUEUE/incoming" "$PF_QUEUE/active" "$PF_QUEUE/deferred" "$PF_QUEUE/hold" -type f
    return 1
}

# expect_nothing_delivered TAG: once Postfix's queue is empty, no mailbox holds TAG.
expect_nothing_delivered() {
    local tag=$1 n
    wait_queue_drained || return 1
    n="$(py_check count --root "$MAIL_ROOT" --tag "$tag")"
    [[ $n == 0 ]] || { echo "$n message(s) tagged $tag were delivered; expected none"; show_last_run; return 1; }
}

# write_tricky_body FILE: a body that must arrive byte for byte (line ends aside): lines
# that start with ".", a "." alone (also as the last line), UTF-8, a 2000-character line,
# trailing white space, "From " at a line start, "=" signs, CRLF mixed with LF.
write_tricky_body() {
    local long utf8
    long="$(printf '%0.s0123456789' {1..200})"
    utf8="$(printf '%0.sæøå' {1..100})"
    {
        printf 'Hello from the SMTPKit interop test.\n'
        printf '.\n'
        printf '.a line starting with a dot\n'
        printf '..two dots\n'
        printf 'Blåbærsyltetøy ✓\n'
        printf 'trailing spaces   \n'
        printf 'a trailing tab\t\n'
        printf '%s\n' "$long"
        printf '%s\n' "$utf8"
        printf 'From the start of a line\n'
        printf 'equals signs: = =3D =\n'
        printf '\n'
        printf ' \n'
        printf 'a line ending in CRLF\r\n'
        printf '.\r\n'
        printf 'last but one\n'
        printf '.\n'
    } >"$1"
}

# write_png FILE: a valid 1x1 PNG image.
write_png() {
    printf '%s' "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==" |
        base64 -d >"$1"
}

# ---------------------------------------------------------------- main

main() {
    ensure_packages
    if [[ $MODE == check ]]; then find_smtpkit; fi
    reap_stale_runs
    start_stack
    case "$MODE" in
        serve)
            cat <<EOF
The interop stack is running (Ctrl-C stops it):
  relay        127.0.0.1:$RELAY_PORT   no TLS, no AUTH
  legacy relay 127.0.0.1:$LEGACY_PORT   as the relay, without SMTPUTF8 and 8BITMIME
  submission   127.0.0.1:$SUBMISSION_PORT   STARTTLS + AUTH required
  implicit TLS 127.0.0.1:$SMTPS_PORT   TLS on connect + AUTH required
  Dovecot submission 127.0.0.1:$DOVECOT_SUBMISSION_PORT   STARTTLS + AUTH required, CHUNKING (relays to the relay)
  CA file      $CA_PEM
  login        $USER_NAME / $PASSWORD (\$SMTPKIT_INTEROP_PASSWORD)
  mailboxes    $MAIL_ROOT/interop.test/{alice,bob,carol,dave,blaabaer,kari}/new
  logs         $ROOT/log/postfix.log, $ROOT/log/dovecot.log
EOF
            sleep infinity &
            SLEEPER=$!
            wait "$SLEEPER"
            ;;
        selftest)
            # shellcheck source=interop/selftest.sh
            source "$HELPERS/selftest.sh"
            run_selftest
            ;;
        check)
            # shellcheck source=interop/smtpkit-checks.sh
            source "$HELPERS/smtpkit-checks.sh"
            run_smtpkit_checks
            ;;
    esac
    summary
}

main
