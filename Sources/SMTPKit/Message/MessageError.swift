/// An error from building or reading a message: a bad address, a bad header, a raw
/// message that breaks RFC 5322's line limit, or a message file or attachment that cannot be read.
///
/// An ``SMTPKitError``: match on ``kind``, read the context (``address``, ``headerName``, ``line``,
/// ``path``, ``reason``), show ``description``. Equal when kind and context are equal.
public struct MessageError: SMTPKitError {
    /// The category of a ``MessageError``, for `switch`-free matching (`error.kind == .invalidAddress`).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: String, Hashable, Sendable {
            case invalidAddress, invalidHeader, lineTooLong, unreadable, notText
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// An address that is not a valid mailbox (RFC 5322 §3.4, RFC 5321 §4.1.2).
        public static let invalidAddress = Kind(.invalidAddress)
        /// A header field whose name or value is not allowed (RFC 5322 §2.2, §3.6).
        public static let invalidHeader = Kind(.invalidHeader)
        /// A message line longer than 998 octets (RFC 5322 §2.1.1).
        public static let lineTooLong = Kind(.lineTooLong)
        /// A message file or an attachment that cannot be opened or read (or changed size while being sent).
        public static let unreadable = Kind(.unreadable)
        /// A body file (``Message/bodyFile``, ``Message/htmlBodyFile``) that is not UTF-8 text.
        public static let notText = Kind(.notText)

        /// The kind's name, e.g. `invalidAddress`.
        public var description: String { code.rawValue }
    }

    /// What kind of error this is.
    public let kind: Kind
    /// The offending address text, for ``Kind/invalidAddress``.
    public let address: String?
    /// The name of the offending header, for ``Kind/invalidHeader``.
    public let headerName: String?
    /// The 1-based line number, for ``Kind/lineTooLong``.
    public let line: Int?
    /// The line's length in octets, for ``Kind/lineTooLong``.
    public let length: Int?
    /// The file path (or, for an attachment from bytes or a stream, its file name), for ``Kind/unreadable``.
    public let path: String?
    /// True when ``path`` names an attachment rather than the message file (``Kind/unreadable``).
    public let isAttachment: Bool
    /// What is wrong, for the kinds that carry a reason.
    public let reason: String?
    private let cause: UnderlyingError

    /// The error that caused this one (a stream's own error, for an attachment), if any.
    public var underlying: (any Error & Sendable)? { cause.error }

    private init(_ kind: Kind, address: String? = nil, headerName: String? = nil, line: Int? = nil,
                 length: Int? = nil, path: String? = nil, isAttachment: Bool = false, reason: String? = nil,
                 underlying: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.address = address
        self.headerName = headerName
        self.line = line
        self.length = length
        self.path = path
        self.isAttachment = isAttachment
        self.reason = reason
        self.cause = UnderlyingError(underlying)
    }

    /// `text` is not a valid address; `reason` says what is wrong with it (RFC 5322 §3.4).
    public static func invalidAddress(_ text: String, reason: String) -> MessageError {
        MessageError(.invalidAddress, address: text, reason: reason)
    }

    /// The header field `name` cannot be written; `reason` says why (RFC 5322 §2.2).
    public static func invalidHeader(name: String, reason: String) -> MessageError {
        MessageError(.invalidHeader, headerName: name, reason: reason)
    }

    /// Line `line` (1-based) of a raw message is `length` octets long, over the
    /// 998-octet limit of RFC 5322 §2.1.1.
    public static func lineTooLong(line: Int, length: Int) -> MessageError {
        MessageError(.lineTooLong, line: line, length: length)
    }

    /// The file at `path` cannot be opened or read; `reason` is the system's explanation.
    public static func unreadable(path: String, reason: String) -> MessageError {
        MessageError(.unreadable, path: path, reason: reason)
    }

    /// The body file at `path` is not UTF-8 text, which its part declares (`charset=utf-8`, RFC 2046 §4.1.2).
    public static func notText(path: String) -> MessageError {
        MessageError(.notText, path: path, reason: "it is not UTF-8 text")
    }

    /// The attachment `name` (its path, or its file name for bytes and streams) cannot be opened
    /// or read, or its content did not match its declared size; `reason` says why, and `underlying`
    /// is the stream's own error, if one was thrown. Its kind is ``Kind/unreadable``.
    public static func unreadableAttachment(
        _ name: String, reason: String, underlying: (any Error & Sendable)? = nil
    ) -> MessageError {
        MessageError(.unreadable, path: name, isAttachment: true, reason: reason, underlying: underlying)
    }

    /// One sentence for a user: what is wrong, with the offending text in quotes (control
    /// characters shown escaped, so the message is always one line), and what to do.
    public var description: String {
        var reason = reason ?? "unknown reason"
        if let underlying { reason += ": \(underlying)" }
        switch kind {
        case .invalidAddress:
            return "invalid address \(Self.quoted(address ?? "")): \(reason)"
        case .invalidHeader:
            return "invalid header \(Self.quoted(headerName ?? "")): \(reason)"
        case .lineTooLong:
            return "line \(line ?? 0) of the message is \(length ?? 0) octets long; RFC 5322 §2.1.1 allows at most 998 "
                + "(plus CRLF), and the server does not offer BINARYMIME with CHUNKING (RFC 3030), which would take it. "
                + "Wrap the line, or send the content as an encoded attachment"
        case .unreadable:
            return "cannot read \(isAttachment ? "attachment" : "message file") \(Self.quoted(path ?? "")): \(reason)"
        case .notText:
            return "the body file \(Self.quoted(path ?? "")) is not UTF-8 text; convert it first (e.g. iconv -f latin1 -t utf-8), "
                + "attach it, or send a complete message with --message-file"
        default:
            return "message error (\(kind))"
        }
    }

    /// `text` in double quotes, its quotes and backslashes escaped and its control characters
    /// shown as `\xNN`, so an error message is always one line and never carries a raw CR or LF
    /// into a log or terminal.
    static func quoted(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "\"" { escaped.append("\\") }
            escaped.append(character)
        }
        return "\"" + ControlCharacters.escaped(escaped) + "\""
    }
}
