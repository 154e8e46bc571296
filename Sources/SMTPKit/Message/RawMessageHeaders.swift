/// The header section of a raw RFC 5322 message, parsed: every field unfolded and in order,
/// and the originator and destination fields as mailboxes (RFC 5322 §3.6.2, §3.6.3).
///
/// The header section is everything up to the first empty line (RFC 5322 §2.1), or the whole
/// message when it has none. A line ends at CRLF, a bare LF or a bare CR, each of which is a line
/// end on the wire once the DATA encoder has normalised it. Folded fields are unfolded by removing
/// each line break that is followed by white space (RFC 5322 §2.2.3); values are trimmed of the
/// white space around them and read as UTF-8 (RFC 6532), invalid octets becoming U+FFFD.
///
/// Every `To`, `Cc` and `Bcc` field counts (a message should have at most one of each, RFC 5322
/// §3.6, but some have several); groups are flattened to their members, so
/// `undisclosed-recipients:;` gives none; comments are ignored and RFC 2047 display names
/// decoded (see ``Mailbox/parseList(_:)``). `Resent-*` fields (RFC 5322 §3.6.6) are not read
/// into these properties; ``values(_:)`` gives them.
public struct RawMessageHeaders: Sendable {
    /// One header field as found in the message: its name as written and its unfolded value.
    public struct Field: Sendable, Hashable, CustomStringConvertible {
        /// The field name as written, e.g. `Subject` or `bcc`; compared case-insensitively
        /// (RFC 5322 §1.2.2).
        public let name: String
        /// The unfolded value (RFC 5322 §2.2.3) without the white space around it; RFC 2047
        /// encoded words are left as they are.
        public let value: String

        /// `Name: value`.
        public var description: String { name + ": " + value }

        /// True when the field is called `other`, ignoring ASCII case (RFC 5322 §1.2.2).
        public func hasName(_ other: String) -> Bool {
            name.lowercased() == other.lowercased()
        }
    }

    /// The fields in the order they appear.
    public let fields: [Field]
    /// The mailboxes of every `From` field (RFC 5322 §3.6.2).
    public let from: [Mailbox]
    /// The mailbox of the first `Sender` field, if any (RFC 5322 §3.6.2).
    public let sender: Mailbox?
    /// The mailboxes of every `To` field, groups flattened (RFC 5322 §3.6.3).
    public let to: [Mailbox]
    /// The mailboxes of every `Cc` field, groups flattened (RFC 5322 §3.6.3).
    public let cc: [Mailbox]
    /// The mailboxes of every `Bcc` field, groups flattened (RFC 5322 §3.6.3).
    public let bcc: [Mailbox]

    /// Where each field of ``fields`` lies in the message, its line ends and folded lines included.
    let ranges: [Range<Int>]
    /// The octets of the header section, before the empty line.
    let length: Int

    /// Parses the header section at the start of `message` (a whole message, or only its headers).
    ///
    /// Throws ``MessageError/Kind/invalidHeader`` naming the line when a line of the header section
    /// is neither a field nor a continuation, or when the section is over 1 MiB without an empty
    /// line; ``MessageError/Kind/invalidAddress`` naming the field when `From`, `Sender`, `To`,
    /// `Cc` or `Bcc` holds a malformed address.
    public init(_ message: [UInt8]) throws {
        var scanner = RawMessageHeaderScanner()
        message.withUnsafeBytes { scanner.scan($0) }
        scanner.finish(size: message.count)
        guard let length = scanner.headerLength else { throw Self.tooLong() }
        try self.init(section: message[..<length])
    }

    /// Parses `section`: the header fields without the empty line that ends them.
    init(section: ArraySlice<UInt8>) throws {
        let parsed = try Self.parseFields(section)
        fields = parsed.map(\.field)
        ranges = parsed.map(\.range)
        length = section.count
        from = try Self.mailboxes(in: fields, named: "From")
        let senderField = fields.first { $0.hasName("Sender") }
        let senders = try Self.mailboxes(in: senderField.map { [$0] } ?? [], named: "Sender")
        if let senderField, senders.count > 1 {
            throw MessageError.invalidAddress(
                senderField.value,
                reason: "the Sender header holds \(senders.count) mailboxes; it must hold one (RFC 5322 §3.6.2)")
        }
        sender = senders.first
        to = try Self.mailboxes(in: fields, named: "To")
        cc = try Self.mailboxes(in: fields, named: "Cc")
        bcc = try Self.mailboxes(in: fields, named: "Bcc")
    }

    /// The unfolded values of every field called `name` (ignoring case), in order; empty when none.
    public func values(_ name: String) -> [String] {
        fields.filter { $0.hasName(name) }.map(\.value)
    }

    /// The envelope recipients `sendmail -t` takes from the headers: ``to``, then ``cc``, then
    /// ``bcc``, each address once. Two addresses are the same when their local parts are equal
    /// and their domains equal ignoring case (RFC 5321 §2.4: only the domain is case-insensitive).
    public var recipients: [Mailbox] { Mailbox.uniqued(to + cc + bcc) }

    /// The envelope sender (`MAIL FROM`, RFC 5321 §3.3) to use when none is given: the first
    /// ``from`` mailbox, as `msmtp --read-envelope-from` and mutt do; nil when there is no From.
    ///
    /// `Sender` is not used even when present: it names the agent that transmitted the message,
    /// while a bounce belongs to the author the recipients see.
    public var envelopeSender: Mailbox? { from.first }

    /// The ``MessageError`` for a header section over the limit.
    static func tooLong() -> MessageError {
        MessageError.invalidHeader(
            name: "(header section)",
            reason: "no empty line ends the header section within its first \(RawMessageHeaderScanner.limit) octets "
                + "(1 MiB); the header fields must be followed by an empty line, then the body (RFC 5322 §2.1)")
    }

    /// Every mailbox in the fields called `name`; an error names the field.
    private static func mailboxes(in fields: [Field], named name: String) throws -> [Mailbox] {
        var result: [Mailbox] = []
        for field in fields where field.hasName(name) {
            do {
                result += try Mailbox.parseList(field.value)
            } catch let error as MessageError {
                throw MessageError.invalidAddress(
                    error.address ?? field.value, reason: (error.reason ?? "it is malformed") + " (in the \(field.name) header)")
            }
        }
        return result
    }
}
