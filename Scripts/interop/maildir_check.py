#!/usr/bin/env python3
"""Inspect the interop stack's Maildirs: wait for messages, count them, check them.

Used by Scripts/interop.sh. Standard library only (the `email` package parses
what Postfix delivered; nothing is installed from PyPI).

  maildir_check.py wait  --maildir DIR --tag TAG [--count N] [--timeout S] [--queue Q]
      Poll DIR/new and DIR/cur until N messages whose Subject contains TAG are
      there; print their paths, one a line. Exit 1 (listing what is there) when
      they do not arrive within S seconds, or when more than N arrive. With
      --queue (Postfix's queue_directory), stop waiting early once the queue has
      stayed empty for a second: nothing more is on its way.

  maildir_check.py count --root MAILROOT --tag TAG
      Print how many messages whose Subject contains TAG are in any Maildir
      under MAILROOT.

  maildir_check.py check FILE [--body-equals F] [--body-contains TEXT]
                             [--subject S] [--absent-header NAME]
                             [--header NAME=SUBSTRING] [--header-excludes NAME=SUBSTRING]
                             [--header-equals NAME=VALUE] [--header-count NAME=N]
                             [--header-limits]
                             [--charset CS] [--valid-date] [--max-line 998]
                             [--ascii-headers] [--seven-bit] [--size-equals N]
                             [--structure TREE] [--part-equals TYPE=F]
                             [--attachment NAME=F] [--inline NAME=F]
                             [--max-encoded-line 76]
      Parse the delivered message FILE and check it. --body-equals compares
      the decoded body (transfer encoding undone) of a single-part message
      with the bytes of F; line ends are compared in one form (CRLF and LF
      are the same line end, since SMTP carries CRLF and Maildir stores LF)
      and everything else byte for byte. Every problem is printed; exit 1 if
      there is any. The MIME options are described in mime_checks.py.
"""

import argparse
import email
import email.policy
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree for the import below
import mime_checks  # noqa: E402  (this directory's MIME checks)
from mime_checks import header_text  # noqa: E402


def read_message(path):
    with open(path, "rb") as f:
        raw = f.read()
    return raw, email.message_from_bytes(raw, policy=email.policy.default)


def subject_of(path):
    try:
        _, msg = read_message(path)
        return header_text(msg.get("Subject", ""))
    except (OSError, ValueError) as exc:  # a file being renamed, or unparsable
        return "<unreadable: %s>" % exc


def messages_in(maildir):
    found = []
    for sub in ("new", "cur"):
        d = os.path.join(maildir, sub)
        try:
            names = sorted(os.listdir(d))
        except FileNotFoundError:
            continue
        found.extend(os.path.join(d, n) for n in names if not n.startswith("."))
    return found


def maildirs_under(root):
    for dirpath, dirnames, _ in os.walk(root):
        if "new" in dirnames and "cur" in dirnames and "tmp" in dirnames:
            yield dirpath


def tagged(paths, tag):
    return [p for p in paths if tag in subject_of(p)]


QUEUE_SUBDIRS = ("maildrop", "incoming", "active", "deferred", "hold")


def queue_empty(queue):
    for sub in QUEUE_SUBDIRS:
        for _, _, files in os.walk(os.path.join(queue, sub)):
            if files:
                return False
    return True


def cmd_wait(args):
    deadline = time.monotonic() + args.timeout
    empty_since = None
    while True:
        hits = tagged(messages_in(args.maildir), args.tag)
        now = time.monotonic()
        if len(hits) >= args.count or now >= deadline:
            break
        if args.queue:
            if not queue_empty(args.queue):
                empty_since = None
            elif empty_since is None:
                empty_since = now
            elif now - empty_since > 1.0:
                print("Postfix's queue is empty and nothing more is on its way",
                      file=sys.stderr)
                break
        time.sleep(0.1)
    if len(hits) != args.count:
        print("expected %d message(s) tagged %r in %s within %ss, found %d"
              % (args.count, args.tag, args.maildir, args.timeout, len(hits)),
              file=sys.stderr)
        for p in messages_in(args.maildir):
            print("  %s  Subject: %s" % (p, subject_of(p)), file=sys.stderr)
        return 1
    for p in hits:
        print(p)
    return 0


def cmd_count(args):
    total = 0
    for md in maildirs_under(args.root):
        total += len(tagged(messages_in(md), args.tag))
    print(total)
    return 0


def normalise_line_ends(data):
    return data.replace(b"\r\n", b"\n")


def first_difference(a, b):
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def describe_difference(got, want):
    i = first_difference(got, want)
    line = want[:i].count(b"\n") + 1
    lo = max(0, i - 40)
    return ("decoded body differs from what was sent: got %d bytes, sent %d; "
            "first difference at byte %d (line %d of the sent body)\n"
            "    sent: %r\n    got:  %r"
            % (len(got), len(want), i, line, want[lo:i + 40], got[lo:i + 40]))


def check_body(msg, args, problems):
    if msg.is_multipart():
        problems.append("message is multipart (%s); expected a single text part"
                        % msg.get_content_type())
        return
    cte = str(msg.get("Content-Transfer-Encoding", "7bit")).strip().lower()
    body = msg.get_payload(decode=True)
    if body is None:
        problems.append("message has no body")
        return
    if args.body_equals is not None:
        with open(args.body_equals, "rb") as f:
            want = f.read()
        got_n, want_n = normalise_line_ends(body), normalise_line_ends(want)
        if got_n != want_n:
            problems.append(describe_difference(got_n, want_n)
                            + "\n    (Content-Transfer-Encoding: %s)" % cte)
    for text in args.body_contains:
        if text.encode("utf-8") not in body:
            problems.append("decoded body does not contain %r" % text)


def check_headers(raw, msg, args, problems):
    if args.subject is not None:
        got = header_text(msg.get("Subject", ""))
        if got != args.subject:
            problems.append("Subject is %r, expected %r" % (got, args.subject))
    for name in args.absent_header:
        if msg.get(name) is not None:
            problems.append("header %s: is present (%r) but must not be"
                            % (name, str(msg.get(name))))
    for spec in args.header:
        name, _, want = spec.partition("=")
        values = [header_text(v) for v in msg.get_all(name, [])]
        if not values:
            problems.append("header %s: is missing" % name)
        elif not any(want in v for v in values):
            problems.append("header %s: is %r, expected it to contain %r"
                            % (name, values, want))
    for spec in args.header_excludes:
        name, _, bad = spec.partition("=")
        for v in msg.get_all(name, []):
            if bad in header_text(v):
                problems.append("header %s: is %r and must not contain %r"
                                % (name, header_text(v), bad))
    if args.charset is not None:
        got = msg.get_content_charset()
        if got != args.charset:
            problems.append("charset is %r, expected %r (Content-Type: %s)"
                            % (got, args.charset, msg.get("Content-Type")))
    if args.valid_date:
        date = msg.get("Date")
        if date is None:
            problems.append("header Date: is missing")
        elif getattr(date, "datetime", None) is None:
            problems.append("header Date: %r is not an RFC 5322 date" % str(date))
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    if args.ascii_headers:
        try:
            head.decode("ascii")
        except UnicodeDecodeError:
            bad = [l for l in head.split(b"\n") if any(c > 127 for c in l)]
            problems.append("non-ASCII bytes in the header section (RFC 2047 "
                            "encoded words expected): %r" % bad[:3])
    if args.max_line:
        for n, line in enumerate(raw.split(b"\n"), 1):
            line = line.rstrip(b"\r")
            if len(line) > args.max_line:
                problems.append("line %d of the delivered message is %d octets "
                                "long (RFC 5322 §2.1.1 allows %d): %r..."
                                % (n, len(line), args.max_line, line[:60]))
                break


def check_mime(raw, msg, args, problems):
    if args.structure is not None:
        mime_checks.check_structure(msg, args.structure, problems)
    for spec in args.part_equals:
        mime_checks.check_part_equals(msg, spec, problems, describe_difference)
    for spec in args.attachment:
        mime_checks.check_attachment(msg, spec, problems)
    for spec in args.inline:
        mime_checks.check_inline(msg, spec, problems)
    if args.max_encoded_line:
        mime_checks.check_encoded_lines(msg, args.max_encoded_line, problems)
    if args.seven_bit:
        mime_checks.check_seven_bit(raw, msg, problems)
    if args.size_equals is not None:
        mime_checks.check_size(raw, args.size_equals, problems)
    for spec in args.header_equals:
        mime_checks.check_header_equals(msg, spec, problems)
    for spec in args.header_count:
        mime_checks.check_header_count(msg, spec, problems)
    if args.header_limits:
        mime_checks.check_header_limits(raw, problems)


def cmd_check(args):
    raw, msg = read_message(args.file)
    problems = []
    for defect in mime_checks.part_defects(msg):
        problems.append("email parser reports a defect: %s" % defect)
    check_headers(raw, msg, args, problems)
    if args.body_equals is not None or args.body_contains:
        check_body(msg, args, problems)
    check_mime(raw, msg, args, problems)
    for p in problems:
        print("  " + p, file=sys.stderr)
    if problems:
        print("  (message file: %s)" % args.file, file=sys.stderr)
    return 1 if problems else 0


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    w = sub.add_parser("wait")
    w.add_argument("--maildir", required=True)
    w.add_argument("--tag", required=True)
    w.add_argument("--count", type=int, default=1)
    w.add_argument("--timeout", type=float, default=20.0)
    w.add_argument("--queue")
    w.set_defaults(func=cmd_wait)

    c = sub.add_parser("count")
    c.add_argument("--root", required=True)
    c.add_argument("--tag", required=True)
    c.set_defaults(func=cmd_count)

    k = sub.add_parser("check")
    k.add_argument("file")
    k.add_argument("--body-equals")
    k.add_argument("--body-contains", action="append", default=[])
    k.add_argument("--subject")
    k.add_argument("--absent-header", action="append", default=[])
    k.add_argument("--header", action="append", default=[])
    k.add_argument("--header-excludes", action="append", default=[])
    k.add_argument("--charset")
    k.add_argument("--valid-date", action="store_true")
    k.add_argument("--max-line", type=int, default=0)
    k.add_argument("--ascii-headers", action="store_true")
    k.add_argument("--header-equals", action="append", default=[])
    k.add_argument("--header-count", action="append", default=[])
    k.add_argument("--header-limits", action="store_true")
    k.add_argument("--structure")
    k.add_argument("--part-equals", action="append", default=[])
    k.add_argument("--attachment", action="append", default=[])
    k.add_argument("--inline", action="append", default=[])
    k.add_argument("--max-encoded-line", type=int, default=0)
    k.add_argument("--seven-bit", action="store_true")
    k.add_argument("--size-equals", type=int)
    k.set_defaults(func=cmd_check)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
