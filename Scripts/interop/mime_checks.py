"""MIME checks of a delivered message for maildir_check.py's `check` (stdlib only).

Each check_* function takes the raw bytes and/or the parsed message (policy=default),
the option values, and a list it appends problems to (sentences for a person).

  --structure TREE        the MIME tree, e.g. "multipart/mixed(text/plain,image/png)"
                          (white space in TREE is ignored)
  --part-equals TYPE=F    the first part of TYPE that is no attachment, decoded, equals
                          the bytes of F (line ends compared in one form)
  --attachment NAME=F     a part with Content-Disposition attachment and filename NAME
                          whose decoded bytes have F's SHA-256
  --inline NAME=F         a part with Content-Disposition inline and filename NAME with
                          F's SHA-256, inside a multipart/related (RFC 2387) whose type=
                          names its root part, and whose Content-ID the root's HTML
                          references as cid:...; every cid: in that HTML must resolve
                          (for both, a non-ASCII NAME must be written as an RFC 2231
                          filename*= parameter)
  --max-encoded-line N    every line of a base64 or quoted-printable part is at most N
                          characters (RFC 2045 §6.7, §6.8: 76)
  --seven-bit             no octet over 127 anywhere and no 8bit/binary part: what a
                          client must send to a server without 8BITMIME (RFC 6152)
  --size-equals N         the message as the client sent it (the trace fields Postfix
                          put on top removed, CRLF line ends) is N octets (RFC 1870 SIZE)
  --header-equals NAME=V  a NAME field whose decoded text is exactly V
  --header-limits         the client's header lines are at most 78 characters (RFC 5322
                          §2.1.1), its encoded words at most 75 and each a whole number of
                          characters (RFC 2047 §2, §5)
  --header-count NAME=N   exactly N NAME fields
"""

import base64
import binascii
import email.header
import hashlib
import quopri
import re


def header_text(value):
    """A field's decoded text. Raw UTF-8 in a header (RFC 6532) comes out of the parser
    partly as surrogate escapes; turn those back into characters."""
    text = str(value)
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        return text


def split_spec(spec):
    name, sep, value = spec.partition("=")
    if not sep:
        raise SystemExit("option value %r is not NAME=VALUE" % spec)
    return name, value


def one_line_ends(data):
    return data.replace(b"\r\n", b"\n")


def sha256_of_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def leaves(msg):
    return [p for p in msg.walk() if not p.is_multipart()]


def parent_of(root, child):
    for p in root.walk():
        if p.is_multipart() and any(c is child for c in p.iter_parts()):
            return p
    return None


def part_defects(msg):
    """Defects the parser found in any part (bad boundaries, broken base64, ...)."""
    return ["%s: %r" % (p.get_content_type(), d) for p in msg.walk() for d in p.defects]


# ---------------------------------------------------------------- tree and parts

def structure_of(part):
    kind = part.get_content_type()
    if not part.is_multipart():
        return kind
    return "%s(%s)" % (kind, ",".join(structure_of(p) for p in part.iter_parts()))


def check_structure(msg, want, problems):
    want = re.sub(r"\s+", "", want)
    got = structure_of(msg)
    if got != want:
        problems.append("MIME structure is\n      %s\n    expected\n      %s" % (got, want))


def check_part_equals(msg, spec, problems, describe_difference):
    ctype, path = split_spec(spec)
    part = next((p for p in leaves(msg)
                 if p.get_content_type() == ctype and not p.is_attachment()), None)
    if part is None:
        problems.append("no %s part (other than attachments)" % ctype)
        return
    with open(path, "rb") as f:
        want = one_line_ends(f.read())
    got = one_line_ends(part.get_payload(decode=True) or b"")
    if got != want:
        problems.append("%s part: %s\n    (Content-Transfer-Encoding: %s)"
                        % (ctype, describe_difference(got, want),
                           part.get("Content-Transfer-Encoding", "7bit")))


def named_part(msg, name, problems):
    found = [p for p in leaves(msg) if header_text(p.get_filename() or "") == name]
    if len(found) != 1:
        names = [header_text(p.get_filename()) for p in leaves(msg) if p.get_filename()]
        problems.append("expected one part with filename %r, found %d (filenames: %r)"
                        % (name, len(found), names))
        return None
    return found[0]


def raw_field(part, name):
    """A field's value as it was written (before any decoding), or ''."""
    return next((v for k, v in part.raw_items() if k.lower() == name.lower()), "")


def check_file_part(msg, spec, disposition, problems):
    """The part named NAME has this disposition and the bytes of the file; returns it."""
    name, path = split_spec(spec)
    part = named_part(msg, name, problems)
    if part is None:
        return None
    got = part.get_content_disposition()
    if got != disposition:
        problems.append("part %r: Content-Disposition is %r, expected %s"
                        % (name, part.get("Content-Disposition"), disposition))
    written = raw_field(part, "Content-Disposition")
    if not name.isascii() and "filename*" not in written:
        problems.append("part %r: the non-ASCII filename is not an RFC 2231 filename*= "
                        "parameter: Content-Disposition: %s" % (name, written))
    data = part.get_payload(decode=True) or b""
    digest, want = hashlib.sha256(data).hexdigest(), sha256_of_file(path)
    if digest != want:
        problems.append("part %r: decoded content (%d bytes, SHA-256 %s) differs from %s "
                        "(SHA-256 %s)" % (name, len(data), digest[:16], path, want[:16]))
    return part


def check_attachment(msg, spec, problems):
    check_file_part(msg, spec, "attachment", problems)


def content_ids(container):
    return {str(p.get("Content-ID", "")).strip().strip("<>"): p
            for p in container.walk() if p.get("Content-ID") is not None}


def html_of(part):
    html = next((p for p in part.walk() if p.get_content_type() == "text/html"), None)
    return "" if html is None else html.get_content()


def check_inline(msg, spec, problems):
    name = split_spec(spec)[0]
    part = check_file_part(msg, spec, "inline", problems)
    if part is None:
        return
    related = parent_of(msg, part)
    if related is None or related.get_content_type() != "multipart/related":
        problems.append("inline part %r is not inside a multipart/related" % name)
        return
    root = next(related.iter_parts())
    if related.get_param("type") != root.get_content_type():
        problems.append("multipart/related: type=%r, but its root part is %s (RFC 2387 §3.1)"
                        % (related.get_param("type"), root.get_content_type()))
    cid = str(part.get("Content-ID", "")).strip().strip("<>")
    refs = set(re.findall(r"""cid:([^"'\s>)]+)""", html_of(root)))
    if cid not in refs:
        problems.append("inline part %r has Content-ID <%s>, which the HTML does not "
                        "reference (it references %r)" % (name, cid, sorted(refs)))
    unresolved = refs - set(content_ids(related))
    if unresolved:
        problems.append("the HTML references %r, which no part in the multipart/related "
                        "has as Content-ID" % sorted(unresolved))


# ---------------------------------------------------------------- encodings and size

def check_encoded_lines(msg, limit, problems):
    for part in leaves(msg):
        cte = str(part.get("Content-Transfer-Encoding", "7bit")).strip().lower()
        if cte not in ("base64", "quoted-printable"):
            continue
        lines = part.get_payload(decode=False).splitlines()
        longest = max((len(l) for l in lines), default=0)
        if longest > limit:
            problems.append("a %s part (%s) has a line of %d characters; RFC 2045 allows %d"
                            % (cte, part.get_content_type(), longest, limit))


def check_seven_bit(raw, msg, problems):
    for n, line in enumerate(raw.split(b"\n"), 1):
        if any(c > 127 for c in line):
            problems.append("line %d has octets over 127, though the message must be 7-bit: %r"
                            % (n, line[:60]))
            break
    for part in msg.walk():
        cte = str(part.get("Content-Transfer-Encoding", "7bit")).strip().lower()
        if cte in ("8bit", "binary"):
            problems.append("a %s part declares Content-Transfer-Encoding: %s in a message "
                            "that must be 7-bit" % (part.get_content_type(), cte))


TRACE_FIELDS = (b"return-path:", b"x-original-to:", b"delivered-to:", b"received:")


def sent_lines(raw):
    """The lines the client sent: the delivered file without the trace fields (and their
    continuation lines) Postfix put on top."""
    lines = one_line_ends(raw).split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    start = 0
    while start < len(lines) and (lines[start].lower().startswith(TRACE_FIELDS)
                                  or (start > 0 and lines[start][:1] in (b" ", b"\t"))):
        start += 1
    return lines[start:]


def size_as_sent(raw):
    """Octets the client sent after DATA, with CRLF line ends (RFC 1870 §4: dots not
    doubled)."""
    return sum(len(l) + 2 for l in sent_lines(raw))


def check_size(raw, want, problems):
    got = size_as_sent(raw)
    if got != want:
        problems.append("the message as sent is %d octets; SIZE=%d was declared" % (got, want))


# ---------------------------------------------------------------- headers

ENCODED_WORD = re.compile(r"=\?([^?*]+)(?:\*[^?]*)?\?([bBqQ])\?([^?]*)\?=")


def decode_encoded_word(charset, encoding, text):
    """The characters of one encoded word; raises ValueError if it is not a whole number
    of characters in its charset."""
    if encoding in "bB":
        data = base64.b64decode(text, validate=True)
    else:
        data = quopri.decodestring(text.encode("ascii"), header=True)
    return data.decode(charset, errors="strict")


def check_header_limits(raw, problems):
    lines = sent_lines(raw)
    head = lines[:lines.index(b"")] if b"" in lines else lines
    for line in head:
        if len(line) > 78:
            problems.append("header line of %d characters (RFC 5322 §2.1.1: fold at 78): %r"
                            % (len(line), line[:60]))
    for word in ENCODED_WORD.finditer(b"\n".join(head).decode("ascii", "replace")):
        if len(word.group(0)) > 75:
            problems.append("encoded word of %d characters (RFC 2047 §2 allows 75): %s"
                            % (len(word.group(0)), word.group(0)))
        try:
            decode_encoded_word(*word.groups())
        except (ValueError, LookupError, binascii.Error) as exc:
            problems.append("encoded word %s is not whole characters (RFC 2047 §5): %s"
                            % (word.group(0), exc))


def rfc2047_text(raw_value):
    """A raw field value decoded by the older email.header API. It drops the white space
    between adjacent encoded words (RFC 2047 §6.2) also in a display name, where the
    parser behind policy.default keeps it until CPython gh-128110 is fixed."""
    unfolded = re.sub(r"\r?\n[ \t]", " ", raw_value).strip()
    return str(email.header.make_header(email.header.decode_header(unfolded)))


def check_header_equals(msg, spec, problems):
    name, want = split_spec(spec)
    values = [header_text(v) for v in msg.get_all(name, [])]
    if want in values:
        return
    raw_values = [v for k, v in msg.raw_items() if k.lower() == name.lower()]
    decoded = [rfc2047_text(v) for v in raw_values]
    if want not in decoded:
        problems.append("header %s: is %r (by email.header: %r), expected exactly %r"
                        % (name, values, decoded, want))


def check_header_count(msg, spec, problems):
    name, want = split_spec(spec)
    values = [header_text(v) for v in msg.get_all(name, [])]
    if len(values) != int(want):
        problems.append("%d %s fields (%r), expected %s" % (len(values), name, values, want))
