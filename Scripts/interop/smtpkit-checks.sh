# shellcheck shell=bash
# The smtpkit checks against the real Postfix + Dovecot stack (docs/CLI contract: flags and
# sysexits exit codes). Sourced by Scripts/interop.sh, which provides the stack, $SMTPKIT,
# run_check, expect_delivered, expect_nothing_delivered and py_check.

WRONG_PASSWORD="wrong-password-for-interop"
export SMTPKIT_INTEROP_WRONG_PASSWORD="$WRONG_PASSWORD"

# sk NAME ARGS...: run smtpkit; stdout in SK_OUT, stderr in SK_ERR, exit code in SK_RC.
# Standard input is /dev/null unless SK_STDIN names a file.
sk() {
    local name=$1
    shift
    SK_OUT="$WORK/$name.stdout"
    SK_ERR="$WORK/$name.stderr"
    SK_CMD="smtpkit $*"
    SK_RC=0
    timeout -k 5 "$COMMAND_TIMEOUT" "$SMTPKIT" "$@" \
        <"${SK_STDIN:-/dev/null}" >"$SK_OUT" 2>"$SK_ERR" || SK_RC=$?
    if [[ $SK_RC == 124 || $SK_RC == 137 ]]; then
        echo "smtpkit did not finish within ${COMMAND_TIMEOUT}s (killed): $SK_CMD"
    fi
}

sk_show() {
    echo "  \$ $SK_CMD"
    echo "  exit $SK_RC; stdout:"
    sed -e 's/^/    | /' "$SK_OUT" | head -n 40
    echo "  stderr:"
    sed -e 's/^/    | /' "$SK_ERR" | head -n 60
}

show_last_run() { echo "last smtpkit run:"; sk_show; }

# Expectations on the last smtpkit run. Each prints why it failed, then the run.
sk_rc() {
    [[ $SK_RC == "$1" ]] && return 0
    echo "exit code $SK_RC, expected $1 (${2:-})"
    sk_show
    return 1
}
sk_stderr_has() {  # REGEX (grep -Ei) DESCRIPTION
    grep -Eiq -- "$1" "$SK_ERR" && return 0
    echo "stderr does not mention ${2:-/$1/}"
    sk_show
    return 1
}
sk_output_has() {  # REGEX in stdout or stderr
    cat "$SK_OUT" "$SK_ERR" | grep -Eiq -- "$1" && return 0
    echo "output does not mention ${2:-/$1/}"
    sk_show
    return 1
}
sk_output_lacks() {  # FIXED string that must appear in neither stdout nor stderr
    cat "$SK_OUT" "$SK_ERR" | grep -Fq -- "$1" || return 0
    echo "output contains ${2:-$1}, which it must not"
    sk_show
    return 1
}

# Connection flags for each listener.
relay_args() { printf '%s\n' --host 127.0.0.1 --port "$RELAY_PORT" --timeout 20; }
legacy_args() { printf '%s\n' --host 127.0.0.1 --port "$LEGACY_PORT" --timeout 20; }
submission_args() {
    printf '%s\n' --host 127.0.0.1 --port "$SUBMISSION_PORT" --ca-file "$CA_PEM" \
        --user "$USER_NAME" --password-env SMTPKIT_INTEROP_PASSWORD --timeout 20
}
smtps_args() {
    printf '%s\n' --host 127.0.0.1 --port "$SMTPS_PORT" --tls tls --ca-file "$CA_PEM" \
        --user "$USER_NAME" --password-env SMTPKIT_INTEROP_PASSWORD --timeout 20
}
dovecot_submission_args() {
    printf '%s\n' --host 127.0.0.1 --port "$DOVECOT_SUBMISSION_PORT" --ca-file "$CA_PEM" \
        --user "$USER_NAME" --password-env SMTPKIT_INTEROP_PASSWORD --timeout 20
}
RELAY=() LEGACY=() SUBMISSION=() SMTPS=() DOVECOT_SUBMISSION=()

# What the last run's -v transcript shows: "<- 250-KEYWORD" lines of the EHLO reply
# ("<~" once TLS is on) and the "-> MAIL FROM:..." / "-> RCPT TO:..." lines it sent.
ehlo_offered() { grep -Eiq -- "^<[-~] +250[- ]$1( |\$)" "$SK_ERR"; }
mail_line() { grep -E '^ *[-~]> MAIL FROM:' "$SK_ERR" | tail -n 1; }
mail_has() { mail_line | grep -Eiq -- " $1( |\$)"; }
sk_sent_line() {  # FIXED string the transcript must show on a line the client sent
    grep -E '^ *[-~]> ' "$SK_ERR" | grep -Fq -- "$1" && return 0
    echo "the transcript shows no client line containing $1"
    sk_show
    return 1
}
sk_no_mail() {  # the client gave up before MAIL FROM
    [[ -z $(mail_line) ]] && return 0
    echo "the client sent MAIL FROM, though it should have stopped before it"
    sk_show
    return 1
}

# check_negotiation FILE: the last run put BODY=8BITMIME and SMTPUTF8 on its MAIL line
# only if the server's EHLO offered them (RFC 6152, RFC 6531); without BODY=8BITMIME
# the delivered FILE must be 7-bit throughout, without SMTPUTF8 its header section ASCII.
check_negotiation() {
    local file=$1 keyword param args=()
    for keyword in 8BITMIME SMTPUTF8; do
        param=$keyword
        [[ $keyword == 8BITMIME ]] && param=BODY=8BITMIME
        if mail_has "$param" && ! ehlo_offered "$keyword"; then
            echo "MAIL FROM carries $param, but the server did not offer $keyword"
            sk_show
            return 1
        fi
    done
    mail_has BODY=8BITMIME || args+=(--seven-bit)
    mail_has SMTPUTF8 || args+=(--ascii-headers)
    echo "negotiated: $(mail_line); delivered file checked with: ${args[*]:-(nothing more)}"
    py_check check "$file" "${args[@]}"
}

# ---------------------------------------------------------------- checks

TRICKY_BODY=""

c01_relay_plain() {
    local subject="[c01] Blåbær ✓ relay"
    sk c01 send "${RELAY[@]}" --tls none --from "$USER_NAME" --to bob@interop.test \
        --subject "$subject" --body-file "$TRICKY_BODY"
    sk_rc 0 "sent" || return 1
    [[ $(wc -l <"$SK_OUT") == 1 ]] || { echo "expected one summary line on stdout"; sk_show; return 1; }
    expect_delivered bob '[c01]' || return 1
    py_check check "${DELIVERED[0]}" --body-equals "$TRICKY_BODY" --subject "$subject" \
        --charset utf-8 --valid-date --max-line 998 --ascii-headers \
        --header "From=$USER_NAME" --header "To=bob@interop.test" \
        --header "Message-ID=@" --header "MIME-Version=1.0"
}

c02_relay_requires_tls() {
    sk c02 send "${RELAY[@]}" --from "$USER_NAME" --to bob@interop.test \
        --subject "[c02] default TLS" --body "must not arrive"
    sk_rc 69 "TLS required, STARTTLS not offered" &&
        sk_stderr_has '--tls none' "the way out (--tls none)" || return 1
    expect_nothing_delivered '[c02]'
}

c03_submission_auth() {
    local mech
    for mech in plain login; do
        sk "c03-$mech" send "${SUBMISSION[@]}" --auth "$mech" --from "$USER_NAME" \
            --to bob@interop.test --subject "[c03-$mech] submission" --body "AUTH $mech over STARTTLS"
        sk_rc 0 "sent with --auth $mech" || return 1
        expect_delivered bob "[c03-$mech]" || return 1
        py_check check "${DELIVERED[0]}" --body-equals <(printf 'AUTH %s over STARTTLS\n' "$mech") ||
            return 1
    done
}

c04_wrong_password() {
    sk c04 send --host 127.0.0.1 --port "$SUBMISSION_PORT" --ca-file "$CA_PEM" --timeout 20 \
        --user "$USER_NAME" --password-env SMTPKIT_INTEROP_WRONG_PASSWORD \
        --from "$USER_NAME" --to bob@interop.test --subject "[c04] wrong password" --body "no"
    sk_rc 77 "authentication failed" &&
        sk_stderr_has 'authentication failed' "the server's text (535 ... authentication failed)" || return 1
    expect_nothing_delivered '[c04]'
}

c05_certificate() {
    sk c05a send --host 127.0.0.1 --port "$SUBMISSION_PORT" --timeout 20 \
        --user "$USER_NAME" --password-env SMTPKIT_INTEROP_PASSWORD \
        --from "$USER_NAME" --to bob@interop.test --subject "[c05a] no CA" --body "no"
    sk_rc 69 "certificate not trusted" &&
        sk_stderr_has 'certificate|verif' "certificate verification" &&
        sk_output_lacks "$PASSWORD" "the password" || return 1
    expect_nothing_delivered '[c05a]' || return 1
    sk c05b send --host 127.0.0.1 --port "$SUBMISSION_PORT" --timeout 20 --insecure-skip-verify \
        --user "$USER_NAME" --password-env SMTPKIT_INTEROP_PASSWORD \
        --from "$USER_NAME" --to bob@interop.test --subject "[c05b] skip verify" --body "yes"
    sk_rc 0 "sent without verification" &&
        sk_stderr_has 'insecure|not verif|skip' "a warning about --insecure-skip-verify" || return 1
    expect_delivered bob '[c05b]'
}

c06_plaintext_auth_refused() {
    sk c06 send "${RELAY[@]}" --tls none --user "$USER_NAME" \
        --password-env SMTPKIT_INTEROP_PASSWORD --from "$USER_NAME" --to bob@interop.test \
        --subject "[c06] plaintext auth" --body "no"
    sk_rc 78 "credentials would go unencrypted" &&
        sk_stderr_has 'allow-plaintext-auth' "--allow-plaintext-auth" &&
        sk_output_lacks "$PASSWORD" "the password" || return 1
    expect_nothing_delivered '[c06]'
}

c06b_auth_not_offered() {
    sk c06b send "${RELAY[@]}" --tls none --allow-plaintext-auth --user "$USER_NAME" \
        --password-env SMTPKIT_INTEROP_PASSWORD --from "$USER_NAME" --to bob@interop.test \
        --subject "[c06b] auth not offered" --body "no"
    sk_rc 69 "AUTH required but the relay does not offer it" || return 1
    expect_nothing_delivered '[c06b]'
}

c07_implicit_tls() {
    sk c07 send "${SMTPS[@]}" --from "$USER_NAME" --to bob@interop.test \
        --subject "[c07] implicit TLS" --body "over TLS from the first byte"
    sk_rc 0 "sent over implicit TLS" || return 1
    expect_delivered bob '[c07]'
}

c08_recipients() {
    sk c08a send "${SUBMISSION[@]}" --from "$USER_NAME" --to alice@interop.test \
        --to nosuchuser@interop.test --subject "[c08a] one refused" --body "all or nothing"
    sk_rc 65 "a recipient refused with 550" &&
        sk_stderr_has 'nosuchuser@interop\.test' "the refused address" || return 1
    expect_nothing_delivered '[c08a]' || return 1
    sk c08b send "${SUBMISSION[@]}" --allow-partial --from "$USER_NAME" \
        --to alice@interop.test,nosuchuser@interop.test --subject "[c08b] partial" --body "alice only"
    sk_rc 0 "--allow-partial with one accepted recipient" &&
        sk_output_has 'nosuchuser@interop\.test' "the refused address" || return 1
    expect_delivered alice '[c08b]' || return 1
    wait_queue_drained || return 1
    local n
    n="$(py_check count --root "$MAIL_ROOT" --tag '[c08b]')"
    [[ $n == 1 ]] || { echo "$n copies of [c08b] delivered, expected 1 (alice's)"; return 1; }
}

# The secret in every form a transcript could leak it.
secret_forms() {
    printf '%s\n' "$PASSWORD"
    printf '%s' "$PASSWORD" | base64 -w0; echo
    printf '\0%s\0%s' "$USER_NAME" "$PASSWORD" | base64 -w0; echo
    printf '%s\0%s\0%s' "$USER_NAME" "$USER_NAME" "$PASSWORD" | base64 -w0; echo
}

c09_transcript() {
    sk c09p send "${SUBMISSION[@]}" -v --auth plain --from "$USER_NAME" --to bob@interop.test \
        --subject "[c09p] transcript" --body "transcript, AUTH PLAIN"
    sk_rc 0 "sent" &&
        sk_stderr_has '^ *-> EHLO ' "'-> EHLO' before TLS" &&
        sk_stderr_has '^ *-> STARTTLS' "'-> STARTTLS'" &&
        sk_stderr_has '^ *~> EHLO ' "'~> EHLO' after TLS" &&
        sk_stderr_has '^<~ +235' "'<~ 235'" || return 1
    # AUTH PLAIN with an initial response, or AUTH PLAIN, 334, then the response alone.
    if ! grep -Eq '^ *~> AUTH PLAIN \*\*\*\*' "$SK_ERR"; then
        if ! { grep -Eq '^ *~> AUTH PLAIN *$' "$SK_ERR" && grep -Eq '^ *~> \*\*\*\*' "$SK_ERR"; }; then
            echo "no masked 'AUTH PLAIN ****' in the transcript"
            sk_show
            return 1
        fi
    fi
    local secret
    while read -r secret; do sk_output_lacks "$secret" "the password (as $secret)" || return 1; done < <(secret_forms)
    expect_delivered bob '[c09p]' || return 1

    sk c09l send "${SUBMISSION[@]}" -v --auth login --from "$USER_NAME" --to bob@interop.test \
        --subject "[c09l] transcript" --body "transcript, AUTH LOGIN"
    sk_rc 0 "sent" && sk_stderr_has '^ *~> AUTH LOGIN' "'~> AUTH LOGIN'" &&
        sk_stderr_has '^<~ +334 ' "'<~ 334' challenges" &&
        sk_stderr_has '^ *~> \*\*\*\*' "a masked '~> ****' line" &&
        sk_stderr_has '^<~ +235' "'<~ 235'" || return 1
    while read -r secret; do sk_output_lacks "$secret" "the password (as $secret)" || return 1; done < <(secret_forms)
    expect_delivered bob '[c09l]'
}

c10_profile() {
    local config="$WORK/config.toml"
    cat >"$config" <<EOF
# written by Scripts/interop.sh
[defaults]
from = "$USER_NAME"

[profiles.local]
host = "127.0.0.1"
port = $SUBMISSION_PORT
tls = "starttls"
ca_file = "$CA_PEM"
user = "$USER_NAME"
password_env = "SMTPKIT_INTEROP_PASSWORD"
EOF
    sk c10a profiles show local --config "$config"
    sk_rc 0 "profiles show" && sk_output_has '127\.0\.0\.1' "the host" &&
        sk_output_has "$SUBMISSION_PORT" "the port" &&
        sk_output_lacks "$PASSWORD" "the password" || return 1
    sk c10b send --profile local --config "$config" --to bob@interop.test \
        --subject "[c10] profile" --body "via [profiles.local]"
    sk_rc 0 "sent with --profile local" || return 1
    expect_delivered bob '[c10]' || return 1
    py_check check "${DELIVERED[0]}" --header "From=$USER_NAME"
}

c11_probe() {
    sk c11a probe --host 127.0.0.1 --port "$SUBMISSION_PORT" --ca-file "$CA_PEM" --timeout 20
    sk_rc 0 "probe" && sk_output_has 'STARTTLS' "STARTTLS" && sk_output_has 'AUTH' "AUTH" &&
        sk_output_has 'PLAIN' "the AUTH mechanisms" &&
        sk_output_has 'TLSv1\.[23]' "the TLS version" || return 1
    sk c11b probe --host 127.0.0.1 --port "$SMTPS_PORT" --tls tls --ca-file "$CA_PEM" --timeout 20
    sk_rc 0 "probe of the implicit-TLS port" && sk_output_has 'TLSv1\.[23]' "the TLS version" &&
        sk_output_has 'AUTH' "AUTH"
}

c12a_bcc() {
    sk c12a send "${SUBMISSION[@]}" --from "$USER_NAME" --to alice@interop.test \
        --bcc bob@interop.test --subject "[c12a] bcc" --body "bob is a blind copy"
    sk_rc 0 "sent" || return 1
    local f
    expect_delivered alice '[c12a]' || return 1
    f="${DELIVERED[0]}"
    expect_delivered bob '[c12a]' || return 1
    for f in "$f" "${DELIVERED[0]}"; do
        py_check check "$f" --absent-header Bcc --header "To=alice@interop.test" \
            --header-excludes "To=bob@" --header-excludes "Cc=bob@" || return 1
    done
}

c12b_message_file() {
    local raw="$WORK/c12b.eml" body="$WORK/c12b-body.txt"
    {
        printf '.\n..two dots\n.one dot\nbare LF line ends\n'
        printf 'a CRLF among them\r\n'
        printf 'From me\ntrailing space \nlast\n'
    } >"$body"
    {
        printf 'From: Alice <%s>\nTo: Bob <bob@interop.test>\n' "$USER_NAME"
        printf 'Subject: [c12b] raw message, bare LF\nDate: Mon, 01 Jan 2024 12:00:00 +0000\n'
        printf 'Message-ID: <c12b.%s@interop.test>\nMIME-Version: 1.0\n' "$$"
        printf 'Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n\n'
        cat "$body"
    } >"$raw"
    sk c12b send "${SUBMISSION[@]}" --from "$USER_NAME" --to bob@interop.test --message-file "$raw"
    sk_rc 0 "sent" || return 1
    expect_delivered bob '[c12b]' || return 1
    py_check check "${DELIVERED[0]}" --body-equals "$body" --header "Message-ID=<c12b.$$@interop.test>" \
        --header "Date=01 Jan 2024" --subject "[c12b] raw message, bare LF"
}

c13_localhost() {
    sk c13 send --host localhost --port "$SUBMISSION_PORT" --ca-file "$CA_PEM" --timeout 20 \
        --user "$USER_NAME" --password-env SMTPKIT_INTEROP_PASSWORD \
        --from "$USER_NAME" --to bob@interop.test --subject "[c13] localhost" --body "DNS:localhost"
    sk_rc 0 "certificate verified for the name localhost" || return 1
    expect_delivered bob '[c13]'
}

c14_password_file() {
    local config="$WORK/config-file.toml" pwfile="$WORK/password"
    printf '%s\n' "$PASSWORD" >"$pwfile"
    chmod 600 "$pwfile"
    cat >"$config" <<EOF
[profiles.filepw]
host = "127.0.0.1"
port = $SUBMISSION_PORT
ca_file = "$CA_PEM"
user = "$USER_NAME"
password_file = "$pwfile"
from = "$USER_NAME"
EOF
    sk c14a send --profile filepw --config "$config" --to bob@interop.test \
        --subject "[c14a] password_file" --body "0600"
    sk_rc 0 "sent with a 0600 password_file" || return 1
    expect_delivered bob '[c14a]' || return 1
    chmod 644 "$pwfile"
    sk c14b send --profile filepw --config "$config" --to bob@interop.test \
        --subject "[c14b] password_file" --body "0644"
    sk_rc 78 "password_file readable by others" &&
        sk_stderr_has 'chmod 600' "'chmod 600'" && sk_output_lacks "$PASSWORD" "the password" || return 1
    expect_nothing_delivered '[c14b]'
}

c15_stdin_body() {
    local body="$WORK/c15-body.txt"
    printf 'from standard input\n.\nend\n' >"$body"
    SK_STDIN="$body" sk c15 send "${RELAY[@]}" --tls none --from "$USER_NAME" \
        --to bob@interop.test --subject "[c15] stdin"
    sk_rc 0 "sent, body from standard input" || return 1
    expect_delivered bob '[c15]' || return 1
    py_check check "${DELIVERED[0]}" --body-equals "$body"
}

c16_unreadable_body_file() {
    sk c16 send "${RELAY[@]}" --tls none --from "$USER_NAME" --to bob@interop.test \
        --subject "[c16] no body file" --body-file "$WORK/does-not-exist.txt"
    sk_rc 66 "--body-file cannot be read" || return 1
    expect_nothing_delivered '[c16]'
}

# ---------------------------------------------------------------- real messages (issue 3)

# c17's files in $WORK/c17: text and HTML bodies, an inline PNG, 300 KB of random bytes
# (sent with ;type=application/pdf;name=report.pdf), and 5 MiB of random bytes whose
# type comes from the name's .mp4.
make_c17_files() {
    local dir="$WORK/c17"
    mkdir -p "$dir"
    write_png "$dir/chart.png"
    { printf '%%PDF-1.4\n'; head -c 307200 /dev/urandom; } >"$dir/random-300k.dat"
    head -c $((5 * 1024 * 1024)) /dev/urandom >"$dir/big-video.mp4"
    {
        printf 'The quarterly numbers are in the chart and the report.\n'
        printf 'Blåbærsyltetøy for everyone ✓\n'
        printf '%s\n' "$(printf '%0.s0123456789' {1..12})"
    } >"$dir/body.txt"
    printf '<html><body><p>The quarterly numbers:</p>\n<img src="cid:chart.png" alt="chart">\n</body></html>\n' \
        >"$dir/body.html"
}

c17_html_attachments() {
    local d="$WORK/c17" size
    make_c17_files
    sk c17 send "${SUBMISSION[@]}" -v --from "$USER_NAME" --to bob@interop.test \
        --subject "[c17] HTML, inline image, attachments" \
        --body-file "$d/body.txt" --html-file "$d/body.html" --attach "$d/chart.png;inline" \
        --attach "$d/random-300k.dat;type=application/pdf;name=report.pdf" \
        --attach "$d/big-video.mp4"
    sk_rc 0 "sent" || return 1
    size="$(mail_line | sed -nE 's/.* SIZE=([0-9]+).*/\1/p')"
    if ehlo_offered SIZE && [[ -z $size ]]; then
        echo "the server offered SIZE, but MAIL FROM has no SIZE= (RFC 1870)"; sk_show; return 1
    fi
    expect_delivered bob '[c17]' || return 1
    py_check check "${DELIVERED[0]}" --structure "multipart/mixed(
            multipart/related(multipart/alternative(text/plain,text/html),image/png),
            application/pdf,video/mp4)" \
        --part-equals "text/plain=$d/body.txt" --part-equals "text/html=$d/body.html" \
        --inline "chart.png=$d/chart.png" --attachment "report.pdf=$d/random-300k.dat" \
        --attachment "big-video.mp4=$d/big-video.mp4" \
        --max-line 998 --max-encoded-line 76 ${size:+--size-equals "$size"} || return 1
    check_negotiation "${DELIVERED[0]}"
}

# c18 on one listener: non-ASCII subject, display name, filename and body.
c18_international_via() {  # NAME LISTENER-ARGS...
    local name=$1 subject="[$1] Møte på fredag ✓ 日本語" from="Kari Nordmann Ærø <$USER_NAME>"
    local body="$WORK/c18-body.txt" file="$WORK/c18/rapport-ø✓.pdf"
    shift
    mkdir -p "$WORK/c18"
    printf 'Hei Kari,\nBlåbærsyltetøy på fredag?\n日本語のテキスト\n' >"$body"
    [[ -f $file ]] || { printf '%%PDF-1.4\n'; head -c 20000 /dev/urandom; } >"$file"
    sk "$name" send "$@" --tls none -v --from "$from" --to bob@interop.test \
        --subject "$subject" --body-file "$body" --attach "$file"
    sk_rc 0 "sent" || return 1
    expect_delivered bob "[$name]" || return 1
    py_check check "${DELIVERED[0]}" --subject "$subject" --header-equals "From=$from" \
        --structure "multipart/mixed(text/plain,application/pdf)" \
        --part-equals "text/plain=$body" --attachment "rapport-ø✓.pdf=$file" \
        --max-line 998 --max-encoded-line 76 --header-limits || return 1
    check_negotiation "${DELIVERED[0]}"
}

c18a_international_relay() { c18_international_via c18a "${RELAY[@]}"; }

c18b_international_legacy() {
    c18_international_via c18b "${LEGACY[@]}" || return 1
    if ehlo_offered 8BITMIME || ehlo_offered SMTPUTF8; then
        echo "the legacy listener offered 8BITMIME or SMTPUTF8; this check tests nothing"
        sk_show
        return 1
    fi
}

c19_read_recipients() {
    local raw="$WORK/c19.eml" body="$WORK/c19-body.txt" user
    printf 'Hello all.\nBcc: this body line is text, not a header\nBcc:\nend\n' >"$body"
    {
        printf 'From: Alice <%s>\nTo: Bob <bob@interop.test>\nCc: alice@interop.test\n' "$USER_NAME"
        printf 'Bcc: Carol <carol@interop.test>,\n\tdave@interop.test\n'
        printf 'Subject: [c19] read recipients\nDate: Mon, 01 Jan 2024 12:00:00 +0000\n'
        printf 'Message-ID: <c19.%s@interop.test>\nMIME-Version: 1.0\n' "$$"
        printf 'Content-Type: text/plain; charset=us-ascii\n\n'
        cat "$body"
    } >"$raw"
    SK_STDIN="$raw" sk c19 send "${RELAY[@]}" --tls none -v --read-recipients --message-file -
    sk_rc 0 "sent" && sk_sent_line "MAIL FROM:<$USER_NAME>" || return 1
    for user in bob alice carol dave; do
        sk_sent_line "RCPT TO:<$user@interop.test>" || return 1
    done
    for user in bob alice carol dave; do
        expect_delivered "$user" '[c19]' || return 1
        py_check check "${DELIVERED[0]}" --absent-header Bcc --body-equals "$body" \
            --header-equals "Subject=[c19] read recipients" --header-equals "Cc=alice@interop.test" \
            --header "Return-Path=<$USER_NAME>" --header-excludes "To=carol" \
            --header-excludes "To=dave" || return 1
    done
}

# write_long_line_message FILE TAG LENGTH [crlf]: a raw message whose line 7 (the second
# of the body) is LENGTH octets long; line ends LF, or CRLF when asked.
write_long_line_message() {
    local file=$1 tag=$2 length=$3 eol=${4:-lf}
    {
        printf 'From: %s\nTo: bob@interop.test\n' "$USER_NAME"
        printf 'Subject: %s long line\nMIME-Version: 1.0\n\n' "$tag"
        printf 'first\n%s\nlast\n' "$(head -c "$length" /dev/zero | tr '\0' x)"
    } >"$file"
    if [[ $eol == crlf ]]; then sed -i 's/$/\r/' "$file"; fi
}

c20_long_lines() {
    write_long_line_message "$WORK/c20a.eml" '[c20a]' 999
    sk c20a send "${RELAY[@]}" --tls none -v --from "$USER_NAME" --to bob@interop.test \
        --message-file "$WORK/c20a.eml"
    sk_rc 65 "a 999-octet line" && sk_stderr_has 'line 7\b' "the line number (line 7)" &&
        sk_stderr_has '999' "the line's length (999)" && sk_no_mail || return 1
    expect_nothing_delivered '[c20a]' || return 1
    write_long_line_message "$WORK/c20b.eml" '[c20b]' 998 crlf
    sk c20b send "${RELAY[@]}" --tls none --from "$USER_NAME" --to bob@interop.test \
        --message-file "$WORK/c20b.eml"
    sk_rc 0 "a 998-octet line (CRLF line ends)" || return 1
    expect_delivered bob '[c20b]' || return 1
    py_check check "${DELIVERED[0]}" --max-line 998 \
        --body-equals <(printf 'first\n%s\nlast\n' "$(head -c 998 /dev/zero | tr '\0' x)")
}

c21a_utf8_local_part() {
    sk c21a send "${RELAY[@]}" --tls none -v --from "$USER_NAME" --to "blåbær@interop.test" \
        --subject "[c21a] SMTPUTF8" --body "to a non-ASCII mailbox"
    sk_rc 0 "sent with SMTPUTF8" && sk_sent_line "RCPT TO:<blåbær@interop.test>" || return 1
    mail_has SMTPUTF8 || { echo "MAIL FROM lacks SMTPUTF8 (RFC 6531 §3.4)"; sk_show; return 1; }
    expect_delivered blaabaer '[c21a]' || return 1
    py_check check "${DELIVERED[0]}" --header-equals "To=blåbær@interop.test" || return 1

    sk c21a-unknown send "${RELAY[@]}" --tls none -v --from "$USER_NAME" \
        --to "blåbær.ukjent@interop.test" --subject "[c21a-unknown] SMTPUTF8" --body "no"
    sk_rc 65 "an unknown non-ASCII mailbox (550)" && sk_stderr_has '^<- +550 ' "the 550" &&
        sk_stderr_has 'blåbær\.ukjent@interop\.test' "the refused address" || return 1
    mail_has SMTPUTF8 || { echo "MAIL FROM lacks SMTPUTF8 (RFC 6531 §3.4)"; sk_show; return 1; }
    expect_nothing_delivered '[c21a-unknown]' || return 1

    sk c21a-legacy send "${LEGACY[@]}" --tls none -v --from "$USER_NAME" \
        --to "blåbær@interop.test" --subject "[c21a-legacy] no SMTPUTF8" --body "no"
    sk_rc 65 "a non-ASCII local part, server without SMTPUTF8" && sk_no_mail &&
        sk_stderr_has 'SMTPUTF8' "SMTPUTF8" && sk_stderr_has 'blåbær@interop\.test' "the address" ||
        return 1
    expect_nothing_delivered '[c21a-legacy]'
}

c21b_idna_domain() {
    sk c21b send "${LEGACY[@]}" --tls none -v --from "$USER_NAME" \
        --to "Kari <kari@bücher.interop.test>" --subject "[c21b] IDNA" --body "to bücher"
    sk_rc 0 "sent to the IDNA form" && sk_sent_line "RCPT TO:<kari@xn--bcher-kva.interop.test>" ||
        return 1
    expect_delivered kari '[c21b]' || return 1
    py_check check "${DELIVERED[0]}" --header-equals "To=Kari <kari@xn--bcher-kva.interop.test>" ||
        return 1
    check_negotiation "${DELIVERED[0]}" || return 1

    sk c21b-refused send "${LEGACY[@]}" --tls none -v --from "$USER_NAME" \
        --to "kari@bücher.example" --subject "[c21b-refused] IDNA" --body "no"
    sk_rc 65 "refused domain (554)" && sk_sent_line "RCPT TO:<kari@xn--bcher-kva.example>" &&
        sk_stderr_has '^<- +554 ' "the 554" || return 1
    if mail_has SMTPUTF8; then
        echo "MAIL FROM carries SMTPUTF8, which was not offered"; sk_show; return 1
    fi

    sk c21b-utf8 send "${RELAY[@]}" --tls none -v --from "$USER_NAME" \
        --to "kari@bücher.example" --subject "[c21b-utf8] IDNA" --body "no"
    sk_rc 65 "refused domain (554)" && sk_stderr_has '^<- +554 ' "the 554" || return 1
    # With SMTPUTF8 offered, either form is right; the U-label form needs SMTPUTF8.
    if ! grep -Fq 'RCPT TO:<kari@xn--bcher-kva.example>' "$SK_ERR"; then
        sk_sent_line "RCPT TO:<kari@bücher.example>" || return 1
        mail_has SMTPUTF8 || { echo "a U-label domain without SMTPUTF8 on MAIL FROM"; sk_show; return 1; }
    fi
    expect_nothing_delivered '[c21b-'
}

c22_extra_headers() {
    sk c22a send "${RELAY[@]}" --tls none --from "$USER_NAME" --to bob@interop.test \
        --subject "[c22a] headers" --header "X-Campaign: autumn" \
        --reply-to "Team Ærø <team@interop.test>" --reply-to other@interop.test \
        --in-reply-to "<abc@x>" --references "<r1@x>" --references "<abc@x>" --body "headers"
    sk_rc 0 "sent" || return 1
    expect_delivered bob '[c22a]' || return 1
    py_check check "${DELIVERED[0]}" --header-equals "X-Campaign=autumn" \
        --header-equals "Reply-To=Team Ærø <team@interop.test>, other@interop.test" \
        --header-equals "In-Reply-To=<abc@x>" --header-equals "References=<r1@x> <abc@x>" \
        --header-count Reply-To=1 --header-count In-Reply-To=1 --header-count References=1 \
        --header-count X-Campaign=1 --ascii-headers || return 1

    sk c22b send "${RELAY[@]}" --tls none --from "$USER_NAME" --to bob@interop.test \
        --subject "[c22b] from --subject" --header "Subject: [c22b] from --header" --body "one Subject"
    sk_rc 0 "sent" || return 1
    expect_delivered bob '[c22b]' || return 1
    py_check check "${DELIVERED[0]}" --header-count Subject=1 || return 1

    sk c22c send "${RELAY[@]}" --tls none --from "$USER_NAME" --to bob@interop.test \
        --subject "[c22c] injection" --header $'X-Note: a\r\nBcc: carol@interop.test' --body "no"
    sk_rc 64 "a header value with CR LF" || return 1
    expect_nothing_delivered '[c22c]' || return 1

    # Long non-ASCII text: encoded words of at most 75 characters, whole characters
    # each, lines folded at 78, and the same text after decoding.
    local words subject to
    words="$(printf '%0.sMøte på fredag ✓ 日本語のテキスト ' {1..6})"
    subject="[c22d] ${words}slutt" to="Kari Nordmann Ærø ${words% } <bob@interop.test>"
    sk c22d send "${RELAY[@]}" --tls none --from "$USER_NAME" --to "$to" --subject "$subject" \
        --header "X-Note: $words" --body "long header text"
    sk_rc 0 "sent" || return 1
    expect_delivered bob '[c22d]' || return 1
    py_check check "${DELIVERED[0]}" --subject "$subject" --header-equals "To=$to" \
        --header-equals "X-Note=${words% }" --header-limits
}

# postfix_session_has PATTERN: Postfix logged a finished SMTP session ("disconnect from …
# ehlo=1 mail=3 …") whose command counts match PATTERN (grep -E), within a few seconds.
postfix_session_has() {
    local i log="$ROOT/log/postfix.log"
    for ((i = 0; i < 50; i++)); do
        grep -E 'smtpd\[[0-9]+\]: disconnect from ' "$log" 2>/dev/null | grep -Eq -- "$1" && return 0
        sleep 0.1
    done
    echo "Postfix logged no session with /$1/; its last sessions:"
    grep -E 'disconnect from ' "$log" 2>/dev/null | tail -n 5 | sed -e 's/^/    | /'
    return 1
}

# The library's own program (Sources/SMTPKitExample): a profile resolved by
# SMTPClientConfiguration(resolving:) and three messages over one withConnection.
c23_library_with_connection() {
    local example config
    example="$(dirname "$SMTPKIT")/smtpkit-example"
    [[ -x $example ]] || { echo "no $example: build it with swift build"; return 1; }
    config="$WORK/c23.toml"
    cat >"$config" <<TOML
[profiles.relay]
host = "127.0.0.1"
port = $RELAY_PORT
tls = "none"
timeout = 20

[profiles.submission]
host = "127.0.0.1"
port = $SUBMISSION_PORT
ca_file = "$CA_PEM"
user = "$USER_NAME"
password_env = "SMTPKIT_INTEROP_PASSWORD"
timeout = 20
TOML
    SK_CMD="smtpkit-example $config relay"
    SK_OUT="$WORK/c23.stdout" SK_ERR="$WORK/c23.stderr" SK_RC=0
    timeout -k 5 "$COMMAND_TIMEOUT" "$example" "$config" relay "$USER_NAME" bob@interop.test 3 "[c23] relay" \
        </dev/null >"$SK_OUT" 2>"$SK_ERR" || SK_RC=$?
    sk_rc 0 "three messages sent" || return 1
    expect_delivered bob '[c23] relay' 3 || return 1
    # Postfix offers CHUNKING, so each message goes as BDAT … LAST (RFC 3030), pipelined.
    postfix_session_has ' ehlo=1 mail=3 rcpt=3 bdat=3 quit=1 ' || return 1

    SK_CMD="smtpkit-example $config submission"
    SK_RC=0
    timeout -k 5 "$COMMAND_TIMEOUT" "$example" "$config" submission "$USER_NAME" bob@interop.test 3 "[c23] submission" \
        </dev/null >"$SK_OUT" 2>"$SK_ERR" || SK_RC=$?
    sk_rc 0 "three messages sent after one STARTTLS and one AUTH" || return 1
    expect_delivered bob '[c23] submission' 3 || return 1
    postfix_session_has ' ehlo=2 starttls=1 auth=1 mail=3 rcpt=3 bdat=3 quit=1 '
}

# c24: an OAuth2 login against the test identity provider (device code), then sends through
# Postfix submission whose Dovecot checks the tokens by introspection: OAUTHBEARER with
# auth = oauth2, XOAUTH2 with `smtpkit auth token` as the password command, a refresh after
# the access token expired (the rotated refresh token saved), and a dead login (exit 77).
c24_oauth2() {
    local config="$WORK/c24.toml" state="$WORK/c24-state" doc
    cat >"$config" <<TOML
[profiles.oauth]
host = "127.0.0.1"
port = $SUBMISSION_PORT
ca_file = "$CA_PEM"
auth = "oauth2"
user = "$USER_NAME"
from = "$USER_NAME"
timeout = 20
oauth_provider = "custom"
oauth_client_id = "interop-client"
oauth_token_url = "$IDP_TOKEN_URL"
oauth_device_url = "$IDP_DEVICE_URL"
oauth_ca_file = "$IDP_CA"
TOML
    doc="$state/smtpkit/oauth.json"
    export XDG_STATE_HOME="$state"
    sk c24a auth login oauth --device --config "$config"
    sk_rc 0 "logged in with the device code" || return 1
    [[ $(stat -c %a "$doc") == 600 ]] || { echo "the token file is not 0600"; return 1; }

    sk c24b send --config "$config" --profile oauth --to bob@interop.test --subject "[c24] oauthbearer" --body "token 1" -v
    sk_rc 0 "sent with OAUTHBEARER" || return 1
    sk_stderr_has 'AUTH OAUTHBEARER \*\*\*\*' "AUTH OAUTHBEARER, masked" || return 1
    expect_delivered bob '[c24] oauthbearer' || return 1

    sk c24c send --config "$config" --profile oauth --auth xoauth2 --password-command "'$SMTPKIT' auth token oauth --config '$config'" \
        --to bob@interop.test --subject "[c24] xoauth2" --body "token 2" -v
    sk_rc 0 "sent with XOAUTH2, the token from smtpkit auth token" || return 1
    sk_stderr_has 'AUTH XOAUTH2 \*\*\*\*' "AUTH XOAUTH2, masked" || return 1
    expect_delivered bob '[c24] xoauth2' || return 1

    local before after
    before="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["refresh_token"])' "$doc")"
    python3 - "$doc" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["access_token_expires_at"] = "2001-01-01T00:00:00Z"
json.dump(d, open(sys.argv[1], "w"))
PY
    chmod 600 "$doc"
    sk c24d send --config "$config" --profile oauth --to bob@interop.test --subject "[c24] refreshed" --body "token 3"
    sk_rc 0 "sent after refreshing the expired access token" || return 1
    expect_delivered bob '[c24] refreshed' || return 1
    after="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["refresh_token"])' "$doc")"
    [[ -n $after && $after != "$before" ]] || { echo "the rotated refresh token was not saved ($before -> $after)"; return 1; }

    python3 - "$doc" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["access_token_expires_at"] = "2001-01-01T00:00:00Z"; d["refresh_token"] = "rt-revoked"
json.dump(d, open(sys.argv[1], "w"))
PY
    chmod 600 "$doc"
    sk c24e send --config "$config" --profile oauth --to bob@interop.test --subject "[c24] dead" --body "x"
    sk_rc 77 "a dead login" || return 1
    sk_stderr_has 'log in again' "the advice to log in again" || return 1

    # Dovecot really checks tokens: one the identity provider never issued is refused.
    export SMTPKIT_INTEROP_BAD_TOKEN="at-never-issued"
    sk c24f send --config "$config" --profile oauth --auth xoauth2 --password-env SMTPKIT_INTEROP_BAD_TOKEN \
        --to bob@interop.test --subject "[c24] forged" --body "x"
    sk_rc 77 "a forged token refused by Dovecot" || return 1
    sk_stderr_has '535' "the server's 535" || return 1
    unset XDG_STATE_HOME SMTPKIT_INTEROP_BAD_TOKEN
}

# Dovecot's own submission server offers CHUNKING (RFC 3030): a body of several chunks goes as
# BDAT n … BDAT n LAST, byte for byte, and a bulk send pipelines whole messages.
c25_dovecot_chunking() {
    local body="$WORK/c25-body.txt" i
    for ((i = 0; i < 4000; i++)); do printf 'line %05d of the report: %s\n' "$i" "........................................"; done >"$body"
    sk c25a send "${DOVECOT_SUBMISSION[@]}" -v --from "$USER_NAME" --to bob@interop.test \
        --subject '[c25a] chunked' --body-file "$body"
    sk_rc 0 "a 270 KiB body through Dovecot's submission" && ehlo_offered CHUNKING || { echo "no CHUNKING offered"; sk_show; return 1; }
    sk_sent_line "BDAT 65536" && sk_sent_line " LAST" || return 1
    grep -Eq '^ *[-~]> DATA$' "$SK_ERR" && { echo "DATA was sent though CHUNKING was offered"; sk_show; return 1; }
    expect_delivered bob '[c25a]' || return 1
    py_check check "${DELIVERED[0]}" --body-equals "$body" || return 1
    sk c25b send "${DOVECOT_SUBMISSION[@]}" --from "$USER_NAME" --to bob@interop.test \
        --subject '[c25b] bulk' --body 'one of five' --repeat 5 --connections 2
    sk_rc 0 "five messages over two connections" && sk_output_has 'sent 5 of 5 messages' || return 1
    expect_delivered bob '[c25b]' 5
}

# max_recipients_per_message (Exchange Online: 500): with --allow-partial a message with more
# recipients goes as further transactions on the same connection; without, nothing is sent.
c26_recipient_cap() {
    local config="$WORK/c26.toml"
    printf '[profiles.capped]\nhost = "127.0.0.1"\nport = %s\ntls = "none"\ntimeout = 20\nmax_recipients_per_message = 2\n' \
        "$RELAY_PORT" >"$config"
    local to=(--to alice@interop.test --to bob@interop.test --to carol@interop.test)
    sk c26a send --config "$config" --profile capped --from "$USER_NAME" "${to[@]}" --subject '[c26a] capped' --body one
    sk_rc 64 "three recipients, a cap of two, no --allow-partial" && sk_stderr_has 'allow-partial' "the way out (--allow-partial)" || return 1
    expect_nothing_delivered '[c26a]' || return 1
    sk c26b send --config "$config" --profile capped --allow-partial --from "$USER_NAME" "${to[@]}" --subject '[c26b] capped' --body two
    sk_rc 0 "three recipients in two transactions" && sk_output_has 'sent to 3 recipients' || return 1
    expect_delivered alice '[c26b]' && expect_delivered bob '[c26b]' && expect_delivered carol '[c26b]' || return 1
    postfix_session_has ' mail=2 rcpt=3 '
}

run_smtpkit_checks() {
    mapfile -t RELAY < <(relay_args)
    mapfile -t LEGACY < <(legacy_args)
    mapfile -t SUBMISSION < <(submission_args)
    mapfile -t SMTPS < <(smtps_args)
    mapfile -t DOVECOT_SUBMISSION < <(dovecot_submission_args)
    TRICKY_BODY="$WORK/tricky-body.txt"
    write_tricky_body "$TRICKY_BODY"
    echo "smtpkit checks ($SMTPKIT)"
    run_check c01 "relay, --tls none: delivered, body byte for byte, headers right" c01_relay_plain
    run_check c02 "relay, default TLS: exit 69, points to --tls none, nothing sent" c02_relay_requires_tls
    run_check c03 "submission STARTTLS + --auth plain and --auth login: delivered" c03_submission_auth
    run_check c04 "submission, wrong password: exit 77 with the server's text" c04_wrong_password
    run_check c05 "no --ca-file: exit 69 (verification); --insecure-skip-verify: sent, warned" c05_certificate
    run_check c06 "credentials over plaintext without --allow-plaintext-auth: exit 78" c06_plaintext_auth_refused
    run_check c06b "credentials allowed in plaintext, server offers no AUTH: exit 69" c06b_auth_not_offered
    run_check c07 "implicit TLS (--tls tls) + AUTH: delivered" c07_implicit_tls
    run_check c08 "refused recipient: exit 65, nothing sent; --allow-partial: alice only" c08_recipients
    run_check c09 "-v transcript: ->/~> markers, 235, AUTH masked, no password" c09_transcript
    run_check c10 "--profile from --config (defaults inherited), profiles show masks" c10_profile
    run_check c11 "probe: STARTTLS, AUTH, TLS version" c11_probe
    run_check c12a "Bcc: received, never in a header" c12a_bcc
    run_check c12b "--message-file with bare LF: body intact, headers as given" c12b_message_file
    run_check c13 "--host localhost: certificate name verified" c13_localhost
    run_check c14 "password_file: 0600 works, readable by others exit 78 (chmod 600)" c14_password_file
    run_check c15 "body from standard input" c15_stdin_body
    run_check c16 "unreadable --body-file: exit 66" c16_unreadable_body_file
    run_check c17 "text + HTML + inline PNG + 300 KB + 5 MiB via submission: tree, hashes, lines" c17_html_attachments
    run_check c18a "international subject/name/filename/body, server with 8BITMIME + SMTPUTF8" c18a_international_relay
    run_check c18b "the same, server without them: 7-bit, ASCII headers, no BODY=/SMTPUTF8" c18b_international_legacy
    run_check c19 "-t from stdin: To, Cc, folded Bcc all receive, no Bcc header, body intact" c19_read_recipients
    run_check c20 "--message-file: 999-octet line exit 65 naming it, nothing sent; 998 delivered" c20_long_lines
    run_check c21a "non-ASCII local part: SMTPUTF8 delivered / 550 exit 65 / no SMTPUTF8 exit 65" c21a_utf8_local_part
    run_check c21b "non-ASCII domain: IDNA (xn--) without SMTPUTF8, refused domain exit 65" c21b_idna_domain
    run_check c22 "--header, --reply-to, --in-reply-to, --references; one Subject; no CR LF; long text folded" c22_extra_headers
    run_check c23 "library: a profile resolved, 3 messages over one connection (relay; STARTTLS + one AUTH)" c23_library_with_connection
    run_check c24 "OAuth2: device login, OAUTHBEARER and XOAUTH2 through Postfix + Dovecot (introspection), refresh, dead login 77" c24_oauth2
    run_check c25 "Dovecot submission (CHUNKING): a 270 KiB body as BDAT chunks, byte for byte; 5 messages over 2 connections" c25_dovecot_chunking
    run_check c26 "max_recipients_per_message: refused without --allow-partial (64, nothing sent); with it, 2 transactions, all 3 delivered" c26_recipient_cap
}
