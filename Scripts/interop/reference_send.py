#!/usr/bin/env python3
"""A reference client for the stack's self-test: Python's own email + smtplib.

  reference_send.py --port P --to ADDR --subject S --body-file F --cte quoted-printable|base64
                    [--html-file F [--inline FILE]...] [--attach FILE]... [--print-size]

Builds a text/plain; charset=utf-8 message from F with the given transfer encoding and
sends it unencrypted to 127.0.0.1:P. It proves that what a correct client sends (with a
final "." line, a 2000-character line, trailing spaces, ...) comes out of Postfix's
Maildir exactly, and that maildir_check.py decodes both encodings right, before smtpkit
is judged by the same checks.

With --html-file the text gets an HTML alternative; each --inline FILE is added to it as
a multipart/related part with Content-ID <FILE's name> (Python's layout: alternative
holds text/plain and related(text/html, images)); each --attach FILE becomes an
attachment. --print-size prints the octets sent after DATA (for SIZE checks).
"""

import argparse
import mimetypes
import os
import smtplib
import sys
from email.message import EmailMessage


def file_part_args(path):
    ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    maintype, subtype = ctype.split("/", 1)
    with open(path, "rb") as f:
        data = f.read()
    return data, maintype, subtype, os.path.basename(path)


def add_html(msg, html_path, inline_paths):
    with open(html_path, "rb") as f:
        msg.add_alternative(f.read().decode("utf-8"), subtype="html")
    if not inline_paths:
        return
    html = msg.get_payload()[1]
    for path in inline_paths:
        data, maintype, subtype, name = file_part_args(path)
        html.add_related(data, maintype, subtype, cid="<%s>" % name, filename=name,
                         disposition="inline")
    html.set_param("type", "text/html")  # RFC 2387 §3.1 requires it; Python omits it


def build(a):
    with open(a.body_file, "rb") as f:
        text = f.read().decode("utf-8")
    msg = EmailMessage()
    msg["From"] = a.sender
    msg["To"] = a.to
    msg["Subject"] = a.subject
    msg.set_content(text, charset="utf-8", cte=a.cte)
    if a.html_file:
        add_html(msg, a.html_file, a.inline)
    for path in a.attach:
        data, maintype, subtype, name = file_part_args(path)
        msg.add_attachment(data, maintype, subtype, filename=name)
    return msg


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--from", dest="sender", default="alice@interop.test")
    p.add_argument("--to", required=True)
    p.add_argument("--subject", required=True)
    p.add_argument("--body-file", required=True)
    p.add_argument("--cte", choices=["quoted-printable", "base64"], required=True)
    p.add_argument("--html-file")
    p.add_argument("--inline", action="append", default=[])
    p.add_argument("--attach", action="append", default=[])
    p.add_argument("--print-size", action="store_true")
    a = p.parse_args(argv)

    msg = build(a)
    # Not send_message(): it flattens with mangle_from_ on (a "From " line becomes
    # ">From "). sendmail() does the CRLF ends and the dot-stuffing.
    data = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
    with smtplib.SMTP("127.0.0.1", a.port, timeout=20) as s:
        s.ehlo("reference.interop.test")
        refused = s.sendmail(a.sender, [a.to], data)
    if refused:
        print("refused: %r" % refused, file=sys.stderr)
        return 1
    if a.print_size:
        print(len(data) + (0 if data.endswith(b"\r\n") else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
