"""Python's smtplib as a benchmark peer: COUNT messages over one connection (Scripts/bench-*.sh)."""
import smtplib
import sys
from email.message import EmailMessage

port, count, body = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with smtplib.SMTP("127.0.0.1", port) as s:
    for i in range(count):
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "a@bench.test", "b@bench.test", f"bench {i}"
        msg.set_content(body)
        s.send_message(msg)
