/// An error in the SMTP protocol layer: a server's reply that breaks RFC 5321 §4.2, or a
/// command the client refuses to put on the wire (RFC 5321 §4.1, §4.5.3.1).
///
/// Built like AsyncHTTPClient's `HTTPClientError`: a struct around a private enum, so cases
/// can be added without breaking callers. Match on ``kind`` to ask *what* went wrong, or
/// compare whole values (`error == .lineTooLong(limit: 16_384)`) to include the context.
public struct SMTPProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Base: Sendable, Equatable {
        case malformedReply(line: String)
        case lineTooLong(limit: Int)
        case tooManyReplyLines(limit: Int)
        case inconsistentReplyCodes(first: Int, found: Int)
        case invalidArgument(field: String, reason: String)
        case commandTooLong(command: String, length: Int, limit: Int)
    }

    /// What kind of protocol error this is, without its context; compare with `==` or `switch`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A reply line that is not `NNN`, `NNN text` or `NNN-text` with a valid code (RFC 5321 §4.2).
        public static let malformedReply = Kind("malformedReply")
        /// A line from the server longer than the configured limit (RFC 5321 §4.5.3.1.5, RFC 4954 §4).
        public static let lineTooLong = Kind("lineTooLong")
        /// A multi-line reply with more lines than the configured limit.
        public static let tooManyReplyLines = Kind("tooManyReplyLines")
        /// A multi-line reply whose lines carry different codes (RFC 5321 §4.2.1).
        public static let inconsistentReplyCodes = Kind("inconsistentReplyCodes")
        /// A command argument that cannot be sent, e.g. one containing CR, LF or NUL (RFC 5321 §2.3.8).
        public static let invalidArgument = Kind("invalidArgument")
        /// A command line longer than the protocol allows (RFC 5321 §4.5.3.1.4, RFC 4954 §4).
        public static let commandTooLong = Kind("commandTooLong")

        /// The kind's name, e.g. `malformedReply`.
        public var description: String { name }
    }

    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// The server sent a line that is not a valid reply line (RFC 5321 §4.2).
    /// - Parameter line: the offending line as received (decoded leniently as UTF-8).
    public static func malformedReply(line: String) -> SMTPProtocolError {
        SMTPProtocolError(.malformedReply(line: line))
    }

    /// The server sent a line longer than `limit` octets, complete or still without a line end.
    public static func lineTooLong(limit: Int) -> SMTPProtocolError {
        SMTPProtocolError(.lineTooLong(limit: limit))
    }

    /// The server's reply had more than `limit` lines.
    public static func tooManyReplyLines(limit: Int) -> SMTPProtocolError {
        SMTPProtocolError(.tooManyReplyLines(limit: limit))
    }

    /// A multi-line reply started with code `first` and later carried `found` (RFC 5321 §4.2.1).
    public static func inconsistentReplyCodes(first: Int, found: Int) -> SMTPProtocolError {
        SMTPProtocolError(.inconsistentReplyCodes(first: first, found: found))
    }

    /// A command argument was refused before sending.
    /// - Parameters:
    ///   - field: what the argument is, for the user: "recipient address", "EHLO name", …
    ///   - reason: why it was refused: "contains a line break (CR or LF)", …
    public static func invalidArgument(field: String, reason: String) -> SMTPProtocolError {
        SMTPProtocolError(.invalidArgument(field: field, reason: reason))
    }

    /// A command line would be `length` octets including CRLF, over `limit`
    /// (512 per RFC 5321 §4.5.3.1.4; 12,288 for AUTH per RFC 4954 §4).
    public static func commandTooLong(command: String, length: Int, limit: Int) -> SMTPProtocolError {
        SMTPProtocolError(.commandTooLong(command: command, length: length, limit: limit))
    }

    /// What kind of error this is, for matching without the context.
    public var kind: Kind {
        switch base {
        case .malformedReply: .malformedReply
        case .lineTooLong: .lineTooLong
        case .tooManyReplyLines: .tooManyReplyLines
        case .inconsistentReplyCodes: .inconsistentReplyCodes
        case .invalidArgument: .invalidArgument
        case .commandTooLong: .commandTooLong
        }
    }

    /// A sentence for the user: what happened and what to do about it.
    public var description: String {
        switch base {
        case .malformedReply(let line):
            return "The server sent a malformed reply line \"\(Self.printable(line))\": an SMTP reply line "
                + "must start with a three-digit code (200–559) followed by a space, a hyphen or the line end "
                + "(RFC 5321 §4.2). Check that the host and port belong to an SMTP server."
        case .lineTooLong(let limit):
            return "The server sent a line longer than \(limit) octets; the connection "
                + "was abandoned. The server is misbehaving or is not an SMTP server."
        case .tooManyReplyLines(let limit):
            return "The server sent a reply with more than \(limit) lines; the connection was abandoned. "
                + "The server is misbehaving or is not an SMTP server."
        case .inconsistentReplyCodes(let first, let found):
            return "The server's multi-line reply began with code \(first) but a later line carried \(found); "
                + "every line of a reply must carry the same code (RFC 5321 §4.2.1). The server is misbehaving."
        case .invalidArgument(let field, let reason):
            return "Invalid \(field): it \(reason). Correct the \(field) and try again."
        case .commandTooLong(let command, let length, let limit):
            return "The \(command) command would be \(length) octets long, more than the \(limit) the protocol "
                + "allows (RFC 5321 §4.5.3.1.4, RFC 4954 §4). Shorten its arguments."
        }
    }

    /// Shows control characters visibly and cuts very long lines, so a description stays one readable line.
    private static func printable(_ line: String, limit: Int = 200) -> String {
        var out = ""
        for scalar in line.unicodeScalars.prefix(limit) {
            switch scalar {
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        if line.unicodeScalars.count > limit { out += "…" }
        return out
    }
}
