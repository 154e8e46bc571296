extension Message {
    /// The standard fields in the order they are written.
    private static let standardOrder = [
        "date", "from", "reply-to", "to", "cc", "subject", "message-id",
        "mime-version", "content-type", "content-transfer-encoding",
    ]

    /// Fields a message may carry at most once (RFC 5322 §3.6 table; RFC 2045 §§4–6).
    private static let singleFields: Set<String> = [
        "date", "from", "sender", "reply-to", "to", "cc", "bcc", "message-id", "in-reply-to",
        "references", "subject", "mime-version", "content-type", "content-transfer-encoding",
    ]

    /// The whole message, ready for DATA: header fields, an empty line, the body; every line
    /// ends in CRLF (RFC 5322 §2.1, §2.3).
    ///
    /// Header fields: Date, From, Reply-To, To, Cc (each omitted when empty), Subject (RFC 2047
    /// when not ASCII), Message-ID, `MIME-Version: 1.0`, `Content-Type: text/plain; charset=utf-8`
    /// and `Content-Transfer-Encoding` (RFC 2045), then ``extraHeaders``. Bcc is never written
    /// (RFC 5322 §3.6.3). The transfer encoding follows the body: `7bit` for ASCII with lines
    /// ≤ 998 octets, `8bit` when `allow8Bit` (the server offers 8BITMIME, RFC 6152) and the lines
    /// fit, else `quoted-printable` (RFC 2045 §6.7).
    ///
    /// Throws ``MessageError/Kind/invalidHeader`` naming the field for CR/LF/NUL in the subject,
    /// a display name, the Message-ID or an extra header, an extra field given twice that may
    /// appear once, or an extra `Content-Transfer-Encoding`.
    public func render(allow8Bit: Bool) throws -> [UInt8] {
        let (encoding, content) = encodedBody(allow8Bit: allow8Bit)
        var out: [UInt8] = []
        out.reserveCapacity(content.count + 1024)
        for field in try headerFields(transferEncoding: encoding) {
            out += Array(try field.render().utf8)
        }
        out += [0x0D, 0x0A]
        out += content
        return out
    }

    /// The rendered message as a data source for DATA (RFC 5321 §4.1.1.4). Its ``MessageDataSource/bodyType``
    /// is `.eightBitMIME` only when octets ≥ 0x80 are written: an 8bit body, or UTF-8 addresses
    /// in the header (RFC 6531/6532).
    public func makeDataSource(allow8Bit: Bool) throws -> MessageDataSource {
        BytesDataSource(try render(allow8Bit: allow8Bit))
    }

    /// The transfer encoding ``render(allow8Bit:)`` will use for this body.
    public func transferEncoding(allow8Bit: Bool) -> ContentTransferEncoding {
        encodedBody(allow8Bit: allow8Bit, encode: false).0
    }

    /// The body with CRLF line ends and a final CRLF, and its encoding (RFC 2045 §6).
    private func encodedBody(allow8Bit: Bool, encode: Bool = true) -> (ContentTransferEncoding, [UInt8]) {
        var text = MessageLineEndings.normalized(Array(body.utf8))
        if !text.isEmpty, text.suffix(2) != [0x0D, 0x0A] { text += [0x0D, 0x0A] }
        let encoding = ContentTransferEncoding.forText(text, allow8Bit: allow8Bit)
        return (encoding, encode ? encoding.encode(text) : [])
    }

    /// The header fields in writing order, extra fields merged in.
    func headerFields(transferEncoding: ContentTransferEncoding) throws -> [HeaderField] {
        var standard: [String: HeaderField] = [
            "date": try HeaderField(name: "Date", value: RFC5322Date.string(from: date, timeZone: timeZone)),
            "from": try HeaderField(name: "From", mailboxes: [from]),
            "message-id": try HeaderField(name: "Message-ID", value: renderedMessageID()),
            "mime-version": try HeaderField(name: "MIME-Version", value: "1.0"),
            "content-type": try HeaderField(name: "Content-Type", value: "text/plain; charset=utf-8"),
            "content-transfer-encoding": try HeaderField(
                name: "Content-Transfer-Encoding", value: transferEncoding.rawValue),
        ]
        if !replyTo.isEmpty { standard["reply-to"] = try HeaderField(name: "Reply-To", mailboxes: replyTo) }
        if !to.isEmpty { standard["to"] = try HeaderField(name: "To", mailboxes: to) }
        if !cc.isEmpty { standard["cc"] = try HeaderField(name: "Cc", mailboxes: cc) }
        if let subject { standard["subject"] = try HeaderField(name: "Subject", value: subject) }

        var appended: [HeaderField] = []
        var seen = Set<String>()
        for field in extraHeaders {
            let key = field.name.lowercased()
            if key == "bcc" || key == "resent-bcc" { continue }
            if key == "content-transfer-encoding" {
                throw MessageError.invalidHeader(
                    name: field.name,
                    reason: "it is chosen from the body by SMTPKit (RFC 2045 §6); leave it out")
            }
            if Self.singleFields.contains(key), !seen.insert(key).inserted {
                throw MessageError.invalidHeader(
                    name: field.name, reason: "it is given more than once; RFC 5322 §3.6 allows it once")
            }
            if Self.standardOrder.contains(key) {
                standard[key] = field
            } else {
                appended.append(field)
            }
        }
        return Self.standardOrder.compactMap { standard[$0] } + appended
    }

    /// ``messageID`` in angle brackets, or a new one from the From domain (RFC 5322 §3.6.4).
    private func renderedMessageID() throws -> String {
        guard let messageID else { return MessageID.generate(domain: from.domain) }
        try HeaderField.validate(value: messageID, name: "Message-ID")
        let trimmed = MessageText.trimmed(messageID)
        guard !trimmed.isEmpty else {
            throw MessageError.invalidHeader(name: "Message-ID", reason: "the value is empty")
        }
        return trimmed.hasPrefix("<") ? trimmed : "<" + trimmed + ">"
    }
}
