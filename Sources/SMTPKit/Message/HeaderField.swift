/// One header field, `Name: value` (RFC 5322 §2.2), validated when it is made.
///
/// The name is printable ASCII without spaces or `:` (RFC 5322 §2.2, §3.6.8). The value
/// is the text as a user means it (not encoded, not folded) and must not contain CR, LF
/// or NUL: a line break in a value would start a new header (header injection), so it is
/// refused with an error naming the field instead of being escaped silently.
/// ``render(options:)`` encodes (RFC 2047) and folds (RFC 5322 §2.2.3) the value for the wire.
public struct HeaderField: Sendable, Hashable, CustomStringConvertible {
    /// The field name as given, e.g. `Subject` or `X-Mailer`; compared case-insensitively
    /// (RFC 5322 §1.2.2).
    public let name: String
    /// The unencoded, unfolded value.
    public let value: String
    /// The mailboxes when the field was built from them, so they are written without a re-parse.
    let mailboxes: [Mailbox]?

    /// Validates `name` and `value` (RFC 5322 §2.2); throws ``MessageError/Kind/invalidHeader``
    /// naming the field when the name is malformed or the value holds CR, LF or NUL.
    public init(name: String, value: String) throws {
        try Self.validate(name: name)
        try Self.validate(value: value, name: name)
        self.name = name
        self.value = value
        self.mailboxes = nil
    }

    /// Parses `Name: value` as typed on a command line (`--header "Reply-To: team@example.no"`).
    /// White space around the name and the value is dropped.
    public init(_ line: String) throws {
        guard let colon = line.firstIndex(of: ":") else {
            throw MessageError.invalidHeader(
                name: line, reason: "expected \"Name: value\", with a ':' after the name")
        }
        let name = MessageText.trimmed(line[..<colon])
        let value = MessageText.trimmed(line[line.index(after: colon)...])
        try self.init(name: name, value: value)
    }

    /// A field whose value is a list of mailboxes (From, To, Cc, Reply-To: RFC 5322 §3.6.2, §3.6.3).
    init(name: String, mailboxes: [Mailbox]) throws {
        try Self.validate(name: name)
        for mailbox in mailboxes {
            if let display = mailbox.displayName, let problem = AddressLexer.controlCharacterProblem(in: display) {
                throw MessageError.invalidHeader(
                    name: name, reason: "the display name of <\(mailbox.address)>: \(problem)")
            }
        }
        self.name = name
        self.value = mailboxes.map(\.headerValue).joined(separator: ", ")
        self.mailboxes = mailboxes
    }

    /// `Name: value`, unencoded and unfolded.
    public var description: String { name + ": " + value }

    /// True when `other` is the same field name, ignoring case (RFC 5322 §1.2.2).
    public func hasName(_ other: String) -> Bool {
        name.lowercased() == other.lowercased()
    }

    static func validate(name: String) throws {
        guard !name.isEmpty else {
            throw MessageError.invalidHeader(name: name, reason: "the header name is empty")
        }
        for scalar in name.unicodeScalars where !(0x21...0x7E).contains(scalar.value) || scalar == ":" {
            let shown = (0x21...0x7E).contains(scalar.value) || scalar == " "
                ? "'\(scalar)'" : "U+" + MessageText.padded(String(scalar.value, radix: 16, uppercase: true), to: 4)
            throw MessageError.invalidHeader(
                name: name,
                reason: "the name contains \(shown); a header name is printable ASCII without spaces or ':' (RFC 5322 §2.2)")
        }
    }

    static func validate(value: String, name: String) throws {
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\r", "\n":
                throw MessageError.invalidHeader(
                    name: name,
                    reason: "the value contains a line break (CR or LF), which would start a new header; it is refused")
            case "\0":
                throw MessageError.invalidHeader(name: name, reason: "the value contains a NUL character")
            default:
                continue
            }
        }
    }
}
