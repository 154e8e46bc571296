#!/usr/bin/env python3
"""A reference client for the stack's self-test: Python's own email + smtplib.

  reference_send.py --port P --to ADDR --subject S --body-file F --cte quoted-printable|base64

Builds a text/plain; charset=utf-8 message from F with the given transfer encoding and
sends it unencrypted to 127.0.0.1:P. It proves that what a correct client sends (with a
final "." line, a 2000-character line, trailing spaces, ...) comes out of Postfix's
Maildir exactly, and that maildir_check.py decodes both encodings right, before smtpkit
is judged by the same checks.
"""

import argparse
import smtplib
import sys
from email.message import EmailMessage


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--from", dest="sender", default="alice@interop.test")
    p.add_argument("--to", required=True)
    p.add_argument("--subject", required=True)
    p.add_argument("--body-file", required=True)
    p.add_argument("--cte", choices=["quoted-printable", "base64"], required=True)
    a = p.parse_args(argv)

    with open(a.body_file, "rb") as f:
        text = f.read().decode("utf-8")
    msg = EmailMessage()
    msg["From"] = a.sender
    msg["To"] = a.to
    msg["Subject"] = a.subject
    msg.set_content(text, charset="utf-8", cte=a.cte)
    with smtplib.SMTP("127.0.0.1", a.port, timeout=20) as s:
        s.ehlo("reference.interop.test")
        # Not send_message(): it flattens with mangle_from_ on (a "From " line becomes
        # ">From "). sendmail() does the CRLF ends and the dot-stuffing.
        data = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
        refused = s.sendmail(a.sender, [a.to], data)
    if refused:
        print("refused: %r" % refused, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
