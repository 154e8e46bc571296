extension Message {
    /// The standard fields in the order they are written.
    private static let standardOrder = [
        "date", "from", "reply-to", "to", "cc", "subject", "message-id", "in-reply-to", "references",
        "mime-version", "content-type", "content-transfer-encoding",
    ]

    /// Standard fields that an extra field replaces in place only when the message sets them
    /// (``inReplyTo``, ``references``); otherwise an extra one is written after the standard ones.
    private static let optionalStandardFields: Set<String> = ["in-reply-to", "references"]

    /// Fields a message may carry at most once (RFC 5322 §3.6 table; RFC 2045 §§4–6).
    private static let singleFields: Set<String> = [
        "date", "from", "sender", "reply-to", "to", "cc", "bcc", "message-id", "in-reply-to",
        "references", "subject", "mime-version", "content-type", "content-transfer-encoding",
    ]

    /// The whole message at once: exactly the bytes ``makeDataSource(options:)`` yields, for
    /// tests and small messages (attachments are read into memory).
    ///
    /// Header fields: Date, From, Reply-To, To, Cc (each omitted when empty), Subject (RFC 2047
    /// when not ASCII), Message-ID, In-Reply-To, References, `MIME-Version: 1.0`, the
    /// `Content-Type` of the top entity and, for a single text part, its
    /// `Content-Transfer-Encoding` (RFC 2045; `8bit` on a multipart that holds an 8bit part,
    /// RFC 2045 §6.4), then ``extraHeaders``. Bcc is never written
    /// (RFC 5322 §3.6.3). Every line ends in CRLF and none is longer than 998 octets
    /// (RFC 5322 §2.1.1). Multipart messages get new random boundaries on every call.
    ///
    /// Throws ``MessageError/Kind/invalidHeader`` naming the field for CR/LF/NUL in the subject,
    /// a display name, the Message-ID, In-Reply-To, References, an extra header or a file name;
    /// an extra field given twice that may appear once; an extra `Content-Transfer-Encoding`, or
    /// an extra `Content-Type` on a multipart message. Throws ``MessageError/Kind/invalidAddress``
    /// for a non-ASCII local part without `allowUTF8Headers`, and ``MessageError/Kind/unreadable``
    /// for an attachment that cannot be read.
    public func render(options: RenderOptions) throws -> [UInt8] {
        let source = try makeDataSource(options: options)
        var out: [UInt8] = []
        out.reserveCapacity(source.estimatedSize ?? 64 * 1024)
        while true {
            let chunk = try source.read(maxLength: 1 << 20)
            if chunk.isEmpty { return out }
            out += chunk
        }
    }

    /// The message as a data source for DATA (RFC 5321 §4.1.1.4), written as ``render(options:)``
    /// describes. The header and the text parts are rendered now; attachments are opened now
    /// (so a missing file fails here, before any SMTP command, with
    /// ``MessageError/Kind/unreadable``) but read and base64-encoded chunk by chunk as the
    /// source is read, so memory stays bounded whatever their size.
    ///
    /// Its ``MessageDataSource/estimatedSize`` is the exact number of octets it yields,
    /// computed from the attachments' sizes without reading them (nil only with a stream of
    /// unknown size); its ``MessageDataSource/bodyType`` is `.eightBitMIME` exactly when an
    /// `8bit` part or a UTF-8 header is written (RFC 6152, RFC 6532).
    public func makeDataSource(options: RenderOptions) throws -> MessageDataSource {
        var boundaries = MIMEBoundaryGenerator()
        return try makeDataSource(options: options, boundaries: &boundaries)
    }

    /// ``makeDataSource(options:)`` with the boundaries drawn from `boundaries`.
    func makeDataSource(options: RenderOptions, boundaries: inout MIMEBoundaryGenerator) throws -> MIMEDataSource {
        let root = try mimeTree(options: options, boundaries: &boundaries)
        let fields: [HeaderField]
        switch root {
        case .text(let part):
            fields = try headerFields(contentType: part.contentType, transferEncoding: part.encoding, multipart: false)
        default:
            fields = try headerFields(
                contentType: root.contentType, transferEncoding: root.hasEightBitPart ? .eightBit : nil, multipart: true)
        }
        var header: [UInt8] = []
        for field in fields {
            header += Array(try field.render(options: options).utf8)
        }
        header += [0x0D, 0x0A]
        var output = MIMEOutput()
        output.append(header)
        try root.writeBody(to: &output)
        let eightBit = header.contains { $0 >= 0x80 } || root.hasEightBitPart
        return MIMEDataSource(pieces: output.finish(), bodyType: eightBit ? .eightBitMIME : .sevenBit)
    }

    /// The header fields in writing order, extra fields merged in. `transferEncoding` is
    /// written when given: a single part's encoding, or `8bit` for a multipart with an 8bit part.
    func headerFields(contentType: String, transferEncoding: ContentTransferEncoding?, multipart: Bool) throws -> [HeaderField] {
        var standard: [String: HeaderField] = [
            "date": try HeaderField(name: "Date", value: RFC5322Date.string(from: date, timeZone: timeZone)),
            "from": try HeaderField(name: "From", mailboxes: [from]),
            "message-id": try HeaderField(name: "Message-ID", value: renderedMessageID()),
            "mime-version": try HeaderField(name: "MIME-Version", value: "1.0"),
            "content-type": try HeaderField(name: "Content-Type", value: contentType),
        ]
        if let transferEncoding {
            standard["content-transfer-encoding"] = try HeaderField(
                name: "Content-Transfer-Encoding", value: transferEncoding.rawValue)
        }
        if !replyTo.isEmpty { standard["reply-to"] = try HeaderField(name: "Reply-To", mailboxes: replyTo) }
        if !to.isEmpty { standard["to"] = try HeaderField(name: "To", mailboxes: to) }
        if !cc.isEmpty { standard["cc"] = try HeaderField(name: "Cc", mailboxes: cc) }
        if let subject { standard["subject"] = try HeaderField(name: "Subject", value: subject) }
        if let inReplyTo {
            standard["in-reply-to"] = try HeaderField(name: "In-Reply-To", value: MessageID.list(inReplyTo, field: "In-Reply-To"))
        }
        if !references.isEmpty {
            standard["references"] = try HeaderField(
                name: "References",
                value: references.map { try MessageID.list($0, field: "References") }.joined(separator: " "))
        }

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
            if key == "content-type", multipart {
                throw MessageError.invalidHeader(
                    name: field.name,
                    reason: "the message is multipart and SMTPKit writes its Content-Type with the boundary (RFC 2046 §5.1); leave it out")
            }
            if Self.singleFields.contains(key), !seen.insert(key).inserted {
                throw MessageError.invalidHeader(
                    name: field.name, reason: "it is given more than once; RFC 5322 §3.6 allows it once")
            }
            if Self.standardOrder.contains(key), !Self.optionalStandardFields.contains(key) || standard[key] != nil {
                standard[key] = field
            } else {
                appended.append(field)
            }
        }
        return Self.standardOrder.compactMap { standard[$0] } + appended
    }

    /// ``messageID`` in angle brackets, or a new one whose right side is the From domain in
    /// IDNA form (RFC 5322 §3.6.4, RFC 5891).
    private func renderedMessageID() throws -> String {
        guard let messageID else {
            return MessageID.generate(domain: (try? IDNA.toASCII(from.domain)) ?? from.domain)
        }
        try HeaderField.validate(value: messageID, name: "Message-ID")
        let trimmed = MessageText.trimmed(messageID)
        guard !trimmed.isEmpty else {
            throw MessageError.invalidHeader(name: "Message-ID", reason: "the value is empty")
        }
        return trimmed.hasPrefix("<") ? trimmed : "<" + trimmed + ">"
    }
}
