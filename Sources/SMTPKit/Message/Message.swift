import Foundation

/// An e-mail message to compose and send (RFC 5322): the envelope recipients, the header
/// fields, a plain-text body, an optional HTML body and attachments.
///
/// ``makeDataSource(options:)`` hands it to the client for DATA as MIME (RFC 2045–2049),
/// streaming attachments; ``render(options:)`` gives the same bytes at once. The MIME structure
/// follows the content: text alone is one `text/plain` part; text and HTML are
/// `multipart/alternative`; inline parts next to HTML make `multipart/related` (RFC 2387);
/// attachments make `multipart/mixed`, nested mixed ⊃ related ⊃ alternative. Bcc recipients
/// are in ``recipients`` (the envelope) but never in a header (RFC 5322 §3.6.3).
public struct Message: Sendable {
    /// The author, written as `From` (RFC 5322 §3.6.2); its domain names the generated Message-ID.
    public var from: Mailbox
    /// Primary recipients, written as `To` (RFC 5322 §3.6.3); omitted when empty.
    public var to: [Mailbox]
    /// Copy recipients, written as `Cc` (RFC 5322 §3.6.3); omitted when empty.
    public var cc: [Mailbox]
    /// Blind-copy recipients: envelope only, never written (RFC 5322 §3.6.3, first method).
    public var bcc: [Mailbox]
    /// Where replies should go, written as `Reply-To` (RFC 5322 §3.6.2); omitted when empty.
    public var replyTo: [Mailbox]
    /// The subject, RFC 2047-encoded when it is not ASCII (RFC 5322 §3.6.5); nil omits the field.
    public var subject: String?
    /// The origination date, written as `Date` (RFC 5322 §3.6.1).
    public var date: Date
    /// The time zone the `Date` field is written in; the process's zone by default.
    public var timeZone: TimeZone
    /// The Message-ID (RFC 5322 §3.6.4), with or without angle brackets; nil generates one
    /// from the From domain at each render (``MessageID/generate(domain:)``).
    public var messageID: String?
    /// The text/plain body, UTF-8. Any line ends; they are written as CRLF. With an HTML body or
    /// attachments, an empty body is left out.
    public var body: String
    /// The text/html body (RFC 2854), UTF-8; nil for none. With a non-empty ``body`` the two are
    /// sent as `multipart/alternative`, text first (RFC 2046 §5.1.4).
    public var htmlBody: String?
    /// A file whose UTF-8 text is the text/plain body, read while the message is sent (so a
    /// body of any size takes a chunk of memory), instead of ``body``. It must stay unchanged
    /// until the message is sent; text that is not UTF-8 is refused (``MessageError/Kind/unreadable``).
    public var bodyFile: String?
    /// A file whose UTF-8 text is the text/html body, read while the message is sent, instead of ``htmlBody``.
    public var htmlBodyFile: String?
    /// Files and inline parts, in order (see ``Attachment``).
    public var attachments: [Attachment]
    /// The message this one replies to, written as `In-Reply-To` (RFC 5322 §3.6.4): one or more
    /// msg-ids separated by spaces, with or without angle brackets; nil omits the field.
    public var inReplyTo: String?
    /// The thread's msg-ids, oldest first, written as `References` (RFC 5322 §3.6.4), each with
    /// or without angle brackets; omitted when empty.
    public var references: [String]
    /// More header fields, written after the standard ones. A field that is also a standard one
    /// (Date, From, Reply-To, To, Cc, Subject, Message-ID, MIME-Version, Content-Type) replaces
    /// it in place; `Bcc` is never written.
    public var extraHeaders: [HeaderField]

    /// A message from `from`; add recipients, a subject and a body.
    public init(
        from: Mailbox,
        to: [Mailbox] = [],
        cc: [Mailbox] = [],
        bcc: [Mailbox] = [],
        subject: String? = nil,
        body: String = "",
        date: Date = Date()
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.replyTo = []
        self.subject = subject
        self.date = date
        self.timeZone = .current
        self.messageID = nil
        self.body = body
        self.htmlBody = nil
        self.bodyFile = nil
        self.htmlBodyFile = nil
        self.attachments = []
        self.inReplyTo = nil
        self.references = []
        self.extraHeaders = []
    }

    /// The envelope recipients for `RCPT TO` (RFC 5321 §3.3): To, then Cc, then Bcc, each
    /// address once. Addresses are compared with the domain case-insensitive and the local
    /// part exact (RFC 5321 §2.4: only the receiving host may interpret the local part).
    public var recipients: [Mailbox] { Mailbox.uniqued(to + cc + bcc) }

    /// True when the sender or a recipient has a non-ASCII address, so the session needs
    /// `SMTPUTF8` (RFC 6531 §3.4).
    public var requiresSMTPUTF8: Bool {
        !from.isASCII || recipients.contains { !$0.isASCII }
            || replyTo.contains { !$0.isASCII }
    }

    /// True when the message can go through a server without `SMTPUTF8`: every address has an
    /// ASCII local part and a domain that converts to IDNA form (RFC 5891), so
    /// the envelope's ``Envelope/wireAddresses(smtpUTF8:)`` and rendering with `allowUTF8Headers: false` succeed.
    public var canBeSentWithoutSMTPUTF8: Bool {
        ([from] + recipients + replyTo).allSatisfy { (try? $0.address(smtpUTF8: false)) != nil }
    }

}
