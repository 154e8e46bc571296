/// The SMTP envelope: who the message is from and to, as MAIL FROM and RCPT TO carry it
/// (RFC 5321 §2.3.1). Independent of the message's own From/To/Cc headers; Bcc recipients
/// are in the envelope only.
public struct Envelope: Sendable, Equatable {
    /// The reverse path (addr-spec); "" sends the null path `<>` (RFC 5321 §4.5.5).
    public var sender: String
    /// The forward paths, one RCPT TO each.
    public var recipients: [String]

    public init(sender: String, recipients: [String]) {
        self.sender = sender
        self.recipients = recipients
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
