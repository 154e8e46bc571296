/// An error from building or reading a message: a bad address, a bad header, a raw
/// message that breaks RFC 5322's line limit, or a message file or attachment that cannot be read.
///
/// Modelled on AsyncHTTPClient's `HTTPClientError`: a struct over a private enum, so
/// cases can be added without breaking users. Two errors are equal when their
/// ``kind`` is equal; the context (address, header name, line, path) is available
/// through the optional properties and in ``description``.
public struct MessageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The category of a ``MessageError``, for `switch`-free matching (`error.kind == .invalidAddress`).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidAddress, invalidHeader, lineTooLong, unreadable
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// An address that is not a valid mailbox (RFC 5322 §3.4, RFC 5321 §4.1.2).
        public static let invalidAddress = Kind(.invalidAddress)
        /// A header field whose name or value is not allowed (RFC 5322 §2.2, §3.6).
        public static let invalidHeader = Kind(.invalidHeader)
        /// A message line longer than 998 octets (RFC 5322 §2.1.1).
        public static let lineTooLong = Kind(.lineTooLong)
        /// A message file or an attachment that cannot be opened or read (or changed size while being sent).
        public static let unreadable = Kind(.unreadable)

        /// The kind's name, e.g. `invalidAddress`.
        public var description: String { base.rawValue }
    }

    private enum Storage: Sendable, Equatable {
        case invalidAddress(text: String, reason: String)
        case invalidHeader(name: String, reason: String)
        case lineTooLong(line: Int, length: Int)
        case unreadable(path: String, reason: String)
        case unreadableAttachment(name: String, reason: String)
    }

    private let storage: Storage

    /// What kind of error this is.
    public var kind: Kind {
        switch storage {
        case .invalidAddress: .invalidAddress
        case .invalidHeader: .invalidHeader
        case .lineTooLong: .lineTooLong
        case .unreadable, .unreadableAttachment: .unreadable
        }
    }

    private init(_ storage: Storage) { self.storage = storage }

    /// `text` is not a valid address; `reason` says what is wrong with it (RFC 5322 §3.4).
    public static func invalidAddress(_ text: String, reason: String) -> MessageError {
        MessageError(.invalidAddress(text: text, reason: reason))
    }

    /// The header field `name` cannot be written; `reason` says why (RFC 5322 §2.2).
    public static func invalidHeader(name: String, reason: String) -> MessageError {
        MessageError(.invalidHeader(name: name, reason: reason))
    }

    /// Line `line` (1-based) of a raw message is `length` octets long, over the
    /// 998-octet limit of RFC 5322 §2.1.1.
    public static func lineTooLong(line: Int, length: Int) -> MessageError {
        MessageError(.lineTooLong(line: line, length: length))
    }

    /// The file at `path` cannot be opened or read; `reason` is the system's explanation.
    public static func unreadable(path: String, reason: String) -> MessageError {
        MessageError(.unreadable(path: path, reason: reason))
    }

    /// The attachment `name` (its path, or its file name for bytes and streams) cannot be opened
    /// or read, or its content did not match its declared size; `reason` says why. Its kind is
    /// ``Kind/unreadable``.
    public static func unreadableAttachment(_ name: String, reason: String) -> MessageError {
        MessageError(.unreadableAttachment(name: name, reason: reason))
    }

    /// The offending address text, for ``Kind/invalidAddress``.
    public var address: String? {
        if case .invalidAddress(let text, _) = storage { return text }
        return nil
    }

    /// The name of the offending header, for ``Kind/invalidHeader``.
    public var headerName: String? {
        if case .invalidHeader(let name, _) = storage { return name }
        return nil
    }

    /// The 1-based line number, for ``Kind/lineTooLong``.
    public var line: Int? {
        if case .lineTooLong(let line, _) = storage { return line }
        return nil
    }

    /// The file path (or, for an attachment from bytes or a stream, its file name), for ``Kind/unreadable``.
    public var path: String? {
        switch storage {
        case .unreadable(let path, _), .unreadableAttachment(let path, _): path
        default: nil
        }
    }

    /// What is wrong, for the kinds that carry a reason.
    public var reason: String? {
        switch storage {
        case .invalidAddress(_, let reason), .invalidHeader(_, let reason), .unreadable(_, let reason),
             .unreadableAttachment(_, let reason):
            reason
        case .lineTooLong:
            nil
        }
    }

    /// One sentence for a user: what is wrong, with the offending text in quotes (control
    /// characters shown escaped, so the message is always one line), and what to do.
    public var description: String {
        switch storage {
        case .invalidAddress(let text, let reason):
            "invalid address \(Self.quoted(text)): \(reason)"
        case .invalidHeader(let name, let reason):
            "invalid header \(Self.quoted(name)): \(reason)"
        case .lineTooLong(let line, let length):
            "line \(line) of the message is \(length) octets long; RFC 5322 §2.1.1 allows at most 998 "
                + "(plus CRLF). Wrap the line, or send the content as an encoded attachment"
        case .unreadable(let path, let reason):
            "cannot read message file \(Self.quoted(path)): \(reason)"
        case .unreadableAttachment(let name, let reason):
            "cannot read attachment \(Self.quoted(name)): \(reason)"
        }
    }

    /// Equal when the kinds are equal (the `HTTPClientError` convention).
    public static func == (lhs: MessageError, rhs: MessageError) -> Bool {
        lhs.kind == rhs.kind
    }

    /// `text` in double quotes with control characters made visible, so an error message
    /// is always one line and never carries a raw CR or LF into a log or terminal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
