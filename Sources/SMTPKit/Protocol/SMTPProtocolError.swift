/// An error in the SMTP protocol layer: a server's reply that breaks RFC 5321 §4.2, or a
/// command the client refuses to put on the wire (RFC 5321 §4.1, §4.5.3.1).
///
/// An ``SMTPKitError``: match on ``kind`` to ask *what* went wrong, or compare whole values
/// (`error == .lineTooLong(limit: 16_384)`) to include the context.
public struct SMTPProtocolError: SMTPKitError {
    /// What kind of protocol error this is, without its context; compare with `==` or `switch`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: String, Hashable, Sendable {
            case malformedReply, lineTooLong, tooManyReplyLines, inconsistentReplyCodes, invalidArgument, commandTooLong
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// A reply line that is not `NNN`, `NNN text` or `NNN-text` with a valid code (RFC 5321 §4.2).
        public static let malformedReply = Kind(.malformedReply)
        /// A line from the server longer than the configured limit (RFC 5321 §4.5.3.1.5, RFC 4954 §4).
        public static let lineTooLong = Kind(.lineTooLong)
        /// A multi-line reply with more lines than the configured limit.
        public static let tooManyReplyLines = Kind(.tooManyReplyLines)
        /// A multi-line reply whose lines carry different codes (RFC 5321 §4.2.1).
        public static let inconsistentReplyCodes = Kind(.inconsistentReplyCodes)
        /// A command argument that cannot be sent, e.g. one containing CR, LF or NUL (RFC 5321 §2.3.8).
        public static let invalidArgument = Kind(.invalidArgument)
        /// A command line longer than the protocol allows (RFC 5321 §4.5.3.1.4, RFC 4954 §4).
        public static let commandTooLong = Kind(.commandTooLong)

        /// The kind's name, e.g. `malformedReply`.
        public var description: String { code.rawValue }
    }

    /// What kind of error this is, for matching without the context.
    public let kind: Kind
    /// The offending line as received, for ``Kind/malformedReply``.
    public let line: String?
    /// The limit that was passed: octets per line, lines per reply, or octets per command.
    public let limit: Int?
    /// The code of a multi-line reply's first line, for ``Kind/inconsistentReplyCodes``.
    public let firstCode: Int?
    /// The code found on a later line, for ``Kind/inconsistentReplyCodes``.
    public let foundCode: Int?
    /// What the refused argument is ("recipient address", "EHLO name"), for ``Kind/invalidArgument``.
    public let field: String?
    /// Why the argument was refused ("contains a line break (CR or LF)"), for ``Kind/invalidArgument``.
    public let reason: String?
    /// The command's name, for ``Kind/commandTooLong``.
    public let command: String?
    /// The length the command line would have, CRLF included, for ``Kind/commandTooLong``.
    public let length: Int?
    private let cause: UnderlyingError

    /// The error that caused this one, if any.
    public var underlying: (any Error & Sendable)? { cause.error }

    private init(_ kind: Kind, line: String? = nil, limit: Int? = nil, firstCode: Int? = nil, foundCode: Int? = nil,
                 field: String? = nil, reason: String? = nil, command: String? = nil, length: Int? = nil) {
        self.kind = kind
        self.line = line
        self.limit = limit
        self.firstCode = firstCode
        self.foundCode = foundCode
        self.field = field
        self.reason = reason
        self.command = command
        self.length = length
        self.cause = UnderlyingError(nil)
    }

    /// The server sent a line that is not a valid reply line (RFC 5321 §4.2).
    /// - Parameter line: the offending line as received (decoded leniently as UTF-8).
    public static func malformedReply(line: String) -> SMTPProtocolError {
        SMTPProtocolError(.malformedReply, line: line)
    }

    /// The server sent a line longer than `limit` octets, complete or still without a line end.
    public static func lineTooLong(limit: Int) -> SMTPProtocolError {
        SMTPProtocolError(.lineTooLong, limit: limit)
    }

    /// The server's reply had more than `limit` lines.
    public static func tooManyReplyLines(limit: Int) -> SMTPProtocolError {
        SMTPProtocolError(.tooManyReplyLines, limit: limit)
    }

    /// A multi-line reply started with code `first` and later carried `found` (RFC 5321 §4.2.1).
    public static func inconsistentReplyCodes(first: Int, found: Int) -> SMTPProtocolError {
        SMTPProtocolError(.inconsistentReplyCodes, firstCode: first, foundCode: found)
    }

    /// A command argument was refused before sending.
    /// - Parameters:
    ///   - field: what the argument is, for the user: "recipient address", "EHLO name", …
    ///   - reason: why it was refused: "contains a line break (CR or LF)", …
    public static func invalidArgument(field: String, reason: String) -> SMTPProtocolError {
        SMTPProtocolError(.invalidArgument, field: field, reason: reason)
    }

    /// A command line would be `length` octets including CRLF, over `limit`
    /// (512 per RFC 5321 §4.5.3.1.4; 12,288 for AUTH per RFC 4954 §4).
    public static func commandTooLong(command: String, length: Int, limit: Int) -> SMTPProtocolError {
        SMTPProtocolError(.commandTooLong, limit: limit, command: command, length: length)
    }

    /// A sentence for the user: what happened and what to do about it.
    public var description: String {
        let limit = limit ?? 0
        switch kind {
        case .malformedReply:
            return "The server sent a malformed reply line \"\(Self.printable(line ?? ""))\": an SMTP reply line "
                + "must start with a three-digit code (200–559) followed by a space, a hyphen or the line end "
                + "(RFC 5321 §4.2). Check that the host and port belong to an SMTP server."
        case .lineTooLong:
            return "The server sent a line longer than \(limit) octets; the connection "
                + "was abandoned. The server is misbehaving or is not an SMTP server."
        case .tooManyReplyLines:
            return "The server sent a reply with more than \(limit) lines; the connection was abandoned. "
                + "The server is misbehaving or is not an SMTP server."
        case .inconsistentReplyCodes:
            return "The server's multi-line reply began with code \(firstCode ?? 0) but a later line carried \(foundCode ?? 0); "
                + "every line of a reply must carry the same code (RFC 5321 §4.2.1). The server is misbehaving."
        case .invalidArgument:
            let field = field ?? "argument"
            return "Invalid \(field): it \(reason ?? "cannot be sent"). Correct the \(field) and try again."
        case .commandTooLong:
            return "The \(command ?? "") command would be \(length ?? 0) octets long, more than the \(limit) the protocol "
                + "allows (RFC 5321 §4.5.3.1.4, RFC 4954 §4). Shorten its arguments."
        default:
            return "SMTP protocol error (\(kind))"
        }
    }

    /// Shows control characters visibly and cuts very long lines, so a description stays one readable line.
    private static func printable(_ line: String, limit: Int = 200) -> String {
        let shown = String(String.UnicodeScalarView(line.unicodeScalars.prefix(limit)))
        return ControlCharacters.escaped(shown) + (line.unicodeScalars.count > limit ? "…" : "")
    }
}
