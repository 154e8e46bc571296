# shellcheck shell=bash
# Self-checks of the interop stack with swaks and openssl s_client, no smtpkit involved:
# they prove every listener really behaves as Scripts/interop.sh says (TLS offered or not,
# AUTH required, 535 on a wrong password, 550 for an unknown user, delivery to the
# Maildirs, the certificate's names), and that maildir_check.py compares bodies right.
# Sourced by Scripts/interop.sh --selftest, which provides the stack and run_check.

# sw NAME ARGS...: run swaks against 127.0.0.1; transcript in SW_OUT, exit code in SW_RC.
sw() {
    local name=$1
    shift
    SW_OUT="$WORK/$name.swaks"
    SW_RC=0
    timeout -k 5 "$COMMAND_TIMEOUT" swaks --helo selftest.interop.test --timeout 15 \
        --from "$USER_NAME" "$@" >"$SW_OUT" 2>&1 </dev/null || SW_RC=$?
}

show_last_run() {
    [[ -n ${SW_OUT:-} && -f $SW_OUT ]] || return 0
    echo "last swaks transcript:"
    sed -e 's/^/    | /' "$SW_OUT"
}

# Expectations on the last swaks run; each prints why it failed (and the transcript).
sw_rc() {
    [[ $SW_RC == "$1" ]] && return 0
    echo "swaks exited $SW_RC, expected $1; transcript:"
    cat "$SW_OUT"
    return 1
}
sw_has() {  # REGEX (grep -E) that must match a transcript line
    grep -Eq -- "$1" "$SW_OUT" && return 0
    echo "swaks transcript has no line matching /$1/; transcript:"
    cat "$SW_OUT"
    return 1
}
sw_lacks() {
    grep -Eq -- "$1" "$SW_OUT" || return 0
    echo "swaks transcript has a line matching /$1/ but must not:"
    grep -E -- "$1" "$SW_OUT"
    return 1
}

# tls_client NAME ARGS...: openssl s_client -brief; output in TC_OUT, exit code in TC_RC.
tls_client() {
    local name=$1
    shift
    TC_OUT="$WORK/$name.s_client"
    TC_RC=0
    timeout -k 5 20 openssl s_client -brief "$@" >"$TC_OUT" 2>&1 </dev/null || TC_RC=$?
}
tc_has() {
    grep -Eq -- "$1" "$TC_OUT" && return 0
    echo "openssl s_client (exit $TC_RC) printed no line matching /$1/:"
    cat "$TC_OUT"
    return 1
}

SELF_BODY=""
SELF_MESSAGE=""
make_selftest_message() {  # a message with the body smtpkit's check 01 sends
    SELF_BODY="$WORK/selftest-body.txt"
    write_tricky_body "$SELF_BODY"
    # swaks takes data that ends in a line "." as already terminated and drops that line,
    # and it ends other data with an empty line of its own: the body it delivers is this.
    SELF_EXPECTED="$WORK/selftest-expected.txt"
    printf 'swaks needs a last line that is not a dot\n' >>"$SELF_BODY"
    { cat "$SELF_BODY"; printf '\n'; } >"$SELF_EXPECTED"
    SELF_MESSAGE="$WORK/selftest-message.eml"
    {
        printf 'From: %s\nTo: bob@interop.test\nSubject: [st02] tricky body\n' "$USER_NAME"
        printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n'
        printf 'Content-Transfer-Encoding: 8bit\n\n'
        cat "$SELF_BODY"
    } >"$SELF_MESSAGE"
}

st_relay_ehlo() {
    sw st01 --server "127.0.0.1:$RELAY_PORT" --to bob@interop.test --quit-after EHLO
    sw_rc 0 && sw_has '^<- +250 ' && sw_lacks '^<- .*STARTTLS' && sw_lacks '^<- .*AUTH'
}

st_relay_delivers() {
    make_selftest_message
    sw st02 --server "127.0.0.1:$RELAY_PORT" --to bob@interop.test --data "@$SELF_MESSAGE"
    sw_rc 0 && sw_has '^<- +250 2\.0\.0 Ok: queued' || return 1
    expect_delivered bob '[st02]' || return 1
    py_check check "${DELIVERED[0]}" --body-equals "$SELF_EXPECTED" --subject '[st02] tricky body'
}

st_relay_unknown_user() {
    sw st03 --server "127.0.0.1:$RELAY_PORT" --to nosuchuser@interop.test --header 'Subject: [st03]'
    sw_rc 24 && sw_has '^<\*\* +550 5\.1\.1 .*nosuchuser@interop\.test.*User unknown' || return 1
    expect_nothing_delivered '[st03]'
}

st_relay_no_open_relay() {
    sw st04 --server "127.0.0.1:$RELAY_PORT" --to someone@example.org --header 'Subject: [st04]'
    sw_rc 24 && sw_has '^<\*\* +554 5\.7\.1 .*Relay access denied' || return 1
    expect_nothing_delivered '[st04]'
}

st_relay_no_starttls() {
    sw st05 --server "127.0.0.1:$RELAY_PORT" --to bob@interop.test -tls --header 'Subject: [st05]'
    [[ $SW_RC != 0 ]] || { echo "swaks -tls succeeded against the relay port"; cat "$SW_OUT"; return 1; }
    sw_has 'STARTTLS' && sw_lacks '^<\~' || return 1
    expect_nothing_delivered '[st05]'
}

st_submission_before_tls() {
    sw st06 --server "127.0.0.1:$SUBMISSION_PORT" --to bob@interop.test --header 'Subject: [st06]'
    sw_rc 23 && sw_has '^<- +250-STARTTLS' && sw_lacks '^<- .*AUTH' &&
        sw_has '^<\*\* +530 5\.7\.0 Must issue a STARTTLS command first' || return 1
    expect_nothing_delivered '[st06]'
}

st_submission_plain() {
    sw st07 --server "127.0.0.1:$SUBMISSION_PORT" -tls --tls-verify --tls-ca-path "$CA_PEM" \
        --auth PLAIN --auth-user "$USER_NAME" --auth-password "$PASSWORD" \
        --to bob@interop.test --header 'Subject: [st07]'
    sw_rc 0 && sw_has '^=== TLS started with cipher TLSv1\.[23]' &&
        sw_has '^<~ +250-AUTH PLAIN LOGIN' && sw_has '^<~ +235 ' || return 1
    expect_delivered bob '[st07]'
}

st_submission_login() {
    sw st08 --server "127.0.0.1:$SUBMISSION_PORT" -tls --tls-verify --tls-ca-path "$CA_PEM" \
        --auth LOGIN --auth-user "$USER_NAME" --auth-password "$PASSWORD" \
        --to alice@interop.test --header 'Subject: [st08]'
    sw_rc 0 && sw_has '^ ~> AUTH LOGIN' && sw_has '^<~ +235 ' || return 1
    expect_delivered alice '[st08]'
}

st_submission_wrong_password() {
    sw st09 --server "127.0.0.1:$SUBMISSION_PORT" -tls --tls-verify --tls-ca-path "$CA_PEM" \
        --auth PLAIN --auth-user "$USER_NAME" --auth-password "wrong-password-for-interop" \
        --to bob@interop.test --header 'Subject: [st09]'
    sw_rc 28 && sw_has '^<~\* +535 5\.7\.8 .*authentication failed' || return 1
    expect_nothing_delivered '[st09]'
}

st_submission_auth_required() {
    sw st10 --server "127.0.0.1:$SUBMISSION_PORT" -tls --tls-verify --tls-ca-path "$CA_PEM" \
        --to bob@interop.test --header 'Subject: [st10]'
    sw_rc 23 && sw_has '^<~\* +530 5\.7\.57 ' || return 1
    expect_nothing_delivered '[st10]'
}

st_submission_unknown_user() {
    sw st11 --server "127.0.0.1:$SUBMISSION_PORT" -tls --tls-verify --tls-ca-path "$CA_PEM" \
        --auth PLAIN --auth-user "$USER_NAME" --auth-password "$PASSWORD" \
        --to nosuchuser@interop.test --header 'Subject: [st11]'
    sw_rc 24 && sw_has '^<~\* +550 5\.1\.1 ' || return 1
    expect_nothing_delivered '[st11]'
}

st_smtps_delivers() {
    sw st12 --server "127.0.0.1:$SMTPS_PORT" -tlsc --tls-verify --tls-ca-path "$CA_PEM" \
        --auth PLAIN --auth-user "$USER_NAME" --auth-password "$PASSWORD" \
        --to bob@interop.test --header 'Subject: [st12]'
    sw_rc 0 && sw_has '^=== TLS started with cipher TLSv1\.[23]' && sw_has '^<~ +220 ' &&
        sw_has '^<~ +235 ' || return 1
    expect_delivered bob '[st12]'
}

st_smtps_auth_required() {
    sw st13 --server "127.0.0.1:$SMTPS_PORT" -tlsc --tls-verify --tls-ca-path "$CA_PEM" \
        --to bob@interop.test --header 'Subject: [st13]'
    sw_rc 23 && sw_has '^<~ +250-AUTH PLAIN LOGIN' && sw_has '^<~\* +530 5\.7\.57 ' || return 1
    expect_nothing_delivered '[st13]'
}

st_smtps_no_plaintext() {  # a plaintext client reads no banner from the implicit-TLS port
    sw st14 --server "127.0.0.1:$SMTPS_PORT" --to bob@interop.test --timeout 3 --header 'Subject: [st14]'
    [[ $SW_RC != 0 ]] || { echo "a plaintext session on the implicit-TLS port succeeded"; cat "$SW_OUT"; return 1; }
    sw_lacks '^<- +220 '
}

st_certificate() {
    tls_client st15a -connect "127.0.0.1:$SUBMISSION_PORT" -starttls smtp \
        -CAfile "$CA_PEM" -verify_return_error -verify_hostname localhost
    [[ $TC_RC == 0 ]] && tc_has '^Protocol version: TLSv1\.[23]' && tc_has '^Verification: OK' || return 1
    tls_client st15b -connect "127.0.0.1:$SMTPS_PORT" \
        -CAfile "$CA_PEM" -verify_return_error -verify_ip 127.0.0.1
    [[ $TC_RC == 0 ]] && tc_has '^Protocol version: TLSv1\.[23]' && tc_has '^Verification: OK' || return 1
    # Not trusted without the test CA (the system store does not know it) ...
    tls_client st15c -connect "127.0.0.1:$SUBMISSION_PORT" -starttls smtp \
        -verify_return_error -verify_hostname localhost
    [[ $TC_RC != 0 ]] && tc_has 'unable to get local issuer certificate' || return 1
    # ... and valid for localhost and 127.0.0.1 only.
    tls_client st15d -connect "127.0.0.1:$SMTPS_PORT" \
        -CAfile "$CA_PEM" -verify_return_error -verify_hostname mail.example.org
    [[ $TC_RC != 0 ]] && tc_has 'hostname mismatch' || return 1
    # TLS below 1.2 is refused.
    tls_client st15e -connect "127.0.0.1:$SMTPS_PORT" -CAfile "$CA_PEM" -tls1_1
    [[ $TC_RC != 0 ]] || { echo "a TLSv1.1 handshake succeeded"; cat "$TC_OUT"; return 1; }
}

st_reference_client() {  # what smtpkit's check c01 demands, done by Python's smtplib
    local body="$WORK/st16-body.txt" cte tag
    SW_OUT=""
    write_tricky_body "$body"
    for cte in quoted-printable base64; do
        tag="[st16-$cte]"
        python3 "$HELPERS/reference_send.py" --port "$RELAY_PORT" --to bob@interop.test \
            --subject "$tag Blåbær ✓" --body-file "$body" --cte "$cte" || return 1
        expect_delivered bob "$tag" || return 1
        py_check check "${DELIVERED[0]}" --body-equals "$body" --subject "$tag Blåbær ✓" \
            --charset utf-8 --max-line 998 --ascii-headers --header "Content-Transfer-Encoding=$cte" ||
            return 1
    done
}

st_bcc_header_kept() {  # so that smtpkit's "no Bcc header" check can fail
    sw st17 --server "127.0.0.1:$RELAY_PORT" --to alice@interop.test \
        --header 'Subject: [st17]' --header 'Bcc: bob@interop.test'
    sw_rc 0 || return 1
    expect_delivered alice '[st17]' || return 1
    py_check check "${DELIVERED[0]}" --header 'Bcc=bob@interop.test'
}

st_headers_untouched() {  # so that smtpkit's Date/Message-ID/From checks can fail
    local msg="$WORK/st18.eml"
    printf 'To: bob@interop.test\nSubject: [st18] no From, Date, Message-ID\n\nbody\n' >"$msg"
    sw st18 --server "127.0.0.1:$RELAY_PORT" --to bob@interop.test --data "@$msg"
    sw_rc 0 || return 1
    expect_delivered bob '[st18]' || return 1
    py_check check "${DELIVERED[0]}" --absent-header From --absent-header Date --absent-header Message-ID
}

st_utf8_keywords() {  # the relay offers 8BITMIME and SMTPUTF8, the legacy relay neither
    sw st19a --server "127.0.0.1:$RELAY_PORT" --to bob@interop.test --quit-after EHLO
    sw_rc 0 && sw_has '^<- +250[- ]8BITMIME' && sw_has '^<- +250[- ]SMTPUTF8' || return 1
    sw st19b --server "127.0.0.1:$LEGACY_PORT" --to bob@interop.test --quit-after EHLO
    sw_rc 0 && sw_has '^<- +250 ' && sw_lacks '8BITMIME' && sw_lacks 'SMTPUTF8' &&
        sw_lacks 'STARTTLS' && sw_lacks '^<- .*AUTH'
}

st_more_mailboxes() {  # carol, dave, blåbær (UTF-8) and kari at the IDNA domain
    local user
    for user in carol dave; do
        sw "st20-$user" --server "127.0.0.1:$RELAY_PORT" --to "$user@interop.test" \
            --header "Subject: [st20-$user]"
        sw_rc 0 && expect_delivered "$user" "[st20-$user]" || return 1
    done
    sw st20-utf8 --server "127.0.0.1:$RELAY_PORT" --to 'blåbær@interop.test' \
        --header 'Subject: [st20-utf8]'
    sw_rc 0 && expect_delivered blaabaer '[st20-utf8]' || return 1
    sw st20-idna --server "127.0.0.1:$LEGACY_PORT" --to 'kari@xn--bcher-kva.interop.test' \
        --header 'Subject: [st20-idna]'
    sw_rc 0 && expect_delivered kari '[st20-idna]'
}

must_fail() {  # FILE CHECK-OPTIONS...: maildir_check.py check must find a problem
    local file=$1
    shift
    py_check check "$file" "$@" >/dev/null 2>&1 || return 0
    echo "maildir_check.py check $* passed, but must fail"
    return 1
}

st_reference_mime() {  # the MIME checks smtpkit's c17 uses pass on Python's message, and can fail
    local d="$WORK/st21" size file
    SW_OUT=""
    mkdir -p "$d"
    write_png "$d/chart.png"
    head -c 100000 /dev/urandom >"$d/report.pdf"
    head -c 1000 /dev/urandom >"$d/rapport-ø✓.pdf"
    head -c 100000 /dev/zero >"$d/zeros.pdf"
    printf 'Blåbærsyltetøy\n' >"$d/body.txt"
    printf '<p>Chart: <img src="cid:chart.png"></p>\n' >"$d/body.html"
    size="$(python3 "$HELPERS/reference_send.py" --port "$RELAY_PORT" --to bob@interop.test \
        --subject "[st21] reference MIME" --body-file "$d/body.txt" --cte quoted-printable \
        --html-file "$d/body.html" --inline "$d/chart.png" --attach "$d/report.pdf" \
        --attach "$d/rapport-ø✓.pdf" --print-size)" || return 1
    expect_delivered bob '[st21]' || return 1
    file="${DELIVERED[0]}"
    py_check check "$file" --structure "multipart/mixed(
            multipart/alternative(text/plain,multipart/related(text/html,image/png)),
            application/pdf,application/pdf)" \
        --part-equals "text/plain=$d/body.txt" --part-equals "text/html=$d/body.html" \
        --inline "chart.png=$d/chart.png" --attachment "report.pdf=$d/report.pdf" \
        --attachment "rapport-ø✓.pdf=$d/rapport-ø✓.pdf" \
        --max-line 998 --max-encoded-line 76 --seven-bit --ascii-headers \
        --size-equals "$size" --header-count Subject=1 \
        --header-equals "Subject=[st21] reference MIME" || return 1
    must_fail "$file" --structure "multipart/mixed(text/plain,application/pdf)" &&
        must_fail "$file" --attachment "report.pdf=$d/zeros.pdf" &&
        must_fail "$file" --attachment "chart.png=$d/chart.png" &&
        must_fail "$file" --inline "report.pdf=$d/report.pdf" &&
        must_fail "$file" --part-equals "text/plain=$d/body.html" &&
        must_fail "$file" --max-encoded-line 60 &&
        must_fail "$file" --size-equals $((size + 1)) &&
        must_fail "$file" --header-count Subject=2 &&
        must_fail "$file" --header-equals "Subject=[st21]"
}

run_selftest() {
    echo "stack self-test (swaks $(swaks --version 2>/dev/null | head -n1 | awk '{print $NF}'), $(openssl version))"
    run_check st01 "relay: EHLO offers neither STARTTLS nor AUTH" st_relay_ehlo
    run_check st02 "relay: delivers to bob's Maildir, body byte for byte" st_relay_delivers
    run_check st03 "relay: unknown user refused at RCPT with 550" st_relay_unknown_user
    run_check st04 "relay: other domains refused (no open relay)" st_relay_no_open_relay
    run_check st05 "relay: a client requiring STARTTLS stops" st_relay_no_starttls
    run_check st06 "submission: STARTTLS offered, no AUTH and MAIL refused before TLS" st_submission_before_tls
    run_check st07 "submission: STARTTLS, CA-verified, AUTH PLAIN, delivered" st_submission_plain
    run_check st08 "submission: AUTH LOGIN, delivered" st_submission_login
    run_check st09 "submission: wrong password gets 535 authentication failed" st_submission_wrong_password
    run_check st10 "submission: MAIL without AUTH refused (530 5.7.57)" st_submission_auth_required
    run_check st11 "submission: unknown user refused with 550 after AUTH" st_submission_unknown_user
    run_check st12 "implicit TLS: TLS on connect, AUTH PLAIN, delivered" st_smtps_delivers
    run_check st13 "implicit TLS: MAIL without AUTH refused (530 5.7.57)" st_smtps_auth_required
    run_check st14 "implicit TLS: no plaintext banner" st_smtps_no_plaintext
    run_check st15 "certificate: trusted via the test CA, names localhost + 127.0.0.1, TLS >= 1.2" st_certificate
    run_check st16 "reference client (smtplib): tricky body exact as QP and base64" st_reference_client
    run_check st17 "a Bcc header written by a client is delivered (not dropped)" st_bcc_header_kept
    run_check st18 "missing From/Date/Message-ID are not added by Postfix" st_headers_untouched
    run_check st19 "relay offers 8BITMIME + SMTPUTF8; legacy relay neither (nor TLS, AUTH)" st_utf8_keywords
    run_check st20 "carol, dave, blåbær (UTF-8) and kari@xn--bcher-kva.interop.test deliver" st_more_mailboxes
    run_check st21 "reference client (Python email): MIME checks pass, and fail when they must" st_reference_mime
}
