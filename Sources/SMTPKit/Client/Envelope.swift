/// The SMTP envelope: who the message is from and to, as MAIL FROM and RCPT TO carry it
/// (RFC 5321 §2.3.1). Independent of the message's own From/To/Cc headers; Bcc recipients
/// are in the envelope only.
public struct Envelope: Sendable, Hashable {
    /// The reverse path; nil sends the null path `<>` (RFC 5321 §4.5.5), as bounces do.
    public var sender: Mailbox?
    /// The forward paths, one RCPT TO each.
    public var recipients: [Mailbox]
    /// Parameters for MAIL FROM beyond those the session adds itself (SIZE, BODY and SMTPUTF8,
    /// which are refused here): DSN's `RET` and `ENVID` (RFC 3461 §4.3–4.4), or others.
    public var mailParameters: [MailParameter]
    /// Parameters for every RCPT TO: DSN's `NOTIFY` (RFC 3461 §4.1); `ORCPT` (§4.2) names one
    /// recipient, so it is refused with more than one.
    public var recipientParameters: [RecipientParameter]

    /// An envelope from `sender` (nil for the null path) to `recipients`, with optional DSN
    /// parameters (RFC 3461) for MAIL FROM and for every RCPT TO.
    public init(sender: Mailbox?, recipients: [Mailbox],
                mailParameters: [MailParameter] = [], recipientParameters: [RecipientParameter] = []) {
        self.sender = sender
        self.recipients = recipients
        self.mailParameters = mailParameters
        self.recipientParameters = recipientParameters
    }

    /// The envelope of `message`: its From, and its To, Cc and Bcc recipients without repeats.
    public init(for message: Message) {
        self.init(sender: message.from, recipients: message.recipients)
    }

    /// An envelope from address text; `sender` `""` is the null path `<>`.
    /// - Throws: ``MessageError/Kind/invalidAddress`` for any address that is not a mailbox.
    public init(sender: String, recipients: [String]) throws {
        self.init(sender: sender.isEmpty ? nil : try Mailbox(sender), recipients: try recipients.map { try Mailbox($0) })
    }

    /// True when every address is ASCII, so no `SMTPUTF8` is needed for the envelope (RFC 6531 §3.4).
    public var isASCII: Bool { (sender?.isASCII ?? true) && recipients.allSatisfy(\.isASCII) }

    /// The addresses as they go in MAIL FROM and RCPT TO — the one place a ``Mailbox`` is
    /// written for the wire: with `smtpUTF8`, UTF-8 as it is (RFC 6531); without, domains in
    /// IDNA form (RFC 5891 §4.4), and a non-ASCII local part, which only SMTPUTF8 can carry,
    /// is refused before anything is sent.
    /// - Throws: ``SMTPError/Kind/smtpUTF8Required`` naming the address, or
    ///   ``MessageError/Kind/invalidAddress`` for a domain that has no IDNA form.
    public func wireAddresses(smtpUTF8: Bool) throws -> (sender: String, recipients: [String]) {
        func wire(_ mailbox: Mailbox) throws -> String {
            if smtpUTF8 || mailbox.isASCII { return mailbox.address }
            guard let ascii = try mailbox.asciiAddress() else { throw SMTPError.smtpUTF8Required(mailbox.address) }
            return ascii
        }
        return (try sender.map(wire) ?? "", try recipients.map(wire))
    }
}

/// What goes into DATA.
public enum MessageContent: Sendable {
    /// A message SMTPKit composes (headers, MIME, transfer encoding) once it knows whether
    /// the server takes 8-bit data.
    case message(Message)
    /// A complete RFC 5322 message, sent as is (line ends normalised to CRLF).
    case bytes([UInt8])
    /// A complete RFC 5322 message in a file, streamed as is (line ends normalised to CRLF).
    case file(path: String)
    /// Any source of message bytes (a ``RawMessage`` with Bcc removed, standard input, …),
    /// streamed as is. A source is read once: send it in one transaction only.
    case source(any MessageDataSource & Sendable)
}
