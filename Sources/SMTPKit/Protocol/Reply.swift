/// A server reply: a three-digit code and one or more lines of text (RFC 5321 §4.2).
///
/// On the wire a reply is `NNN-text` continuation lines followed by one `NNN text` (or bare
/// `NNN`) last line, all with the same code. ``lines`` keeps each line's text exactly as sent
/// after the code and separator; ``text`` is the same with enhanced status codes removed.
public struct Reply: Sendable, Equatable, CustomStringConvertible {
    /// The reply code, 200–559 when parsed by ``ReplyParser`` (RFC 5321 §4.2.1).
    public let code: Int
    /// The text of each line after `NNN-` / `NNN `, possibly empty; enhanced status codes are kept.
    public let lines: [String]
    /// The enhanced status code (`5.1.1`) at the start of the first line, when its class digit
    /// equals the first digit of ``code`` (RFC 2034 §4, RFC 3463 §2); otherwise nil.
    public let enhancedStatus: EnhancedStatusCode?

    /// The class of a reply, from the first digit of its code (RFC 5321 §4.2.1).
    public enum Severity: Int, Sendable {
        /// 2yz: the requested action was completed.
        case positiveCompletion = 2
        /// 3yz: accepted so far; the server waits for more (354 after DATA, 334 during AUTH).
        case positiveIntermediate = 3
        /// 4yz: not done this time; the same request may succeed later.
        case transientNegative = 4
        /// 5yz: not done and will not succeed if repeated unchanged.
        case permanentNegative = 5
    }

    /// Creates a reply and parses ``enhancedStatus`` from the first line (RFC 2034 §4).
    /// A reply needs at least one line: an empty `lines` is stored as `[""]`.
    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines.isEmpty ? [""] : lines
        self.enhancedStatus = Self.leadingStatus(in: self.lines[0], code: code)?.0
    }

    /// The severity from the code's first digit (RFC 5321 §4.2.1). A code outside 200–599,
    /// which ``ReplyParser`` never produces, counts as ``Severity/permanentNegative``.
    public var severity: Severity {
        switch code / 100 {
        case 2: .positiveCompletion
        case 3: .positiveIntermediate
        case 4: .transientNegative
        default: .permanentNegative
        }
    }

    /// True for 2xx: the action was completed.
    public var isPositive: Bool { severity == .positiveCompletion }
    /// True for 3xx: the server waits for more (data after 354, a SASL response after 334).
    public var isIntermediate: Bool { severity == .positiveIntermediate }
    /// True for 4xx: a temporary failure; trying again later may succeed.
    public var isTransient: Bool { severity == .transientNegative }
    /// True for 5xx: a permanent failure.
    public var isPermanent: Bool { severity == .permanentNegative }

    /// The lines joined by `"\n"`, each without a leading enhanced status code and its space,
    /// e.g. `"Mailbox unavailable"` for `550 5.1.1 Mailbox unavailable`. Codes are removed only
    /// when the reply has an ``enhancedStatus``.
    public var text: String {
        guard enhancedStatus != nil else { return lines.joined(separator: "\n") }
        return lines.map { line in
            guard let (_, rest) = Self.leadingStatus(in: line, code: code) else { return line }
            return rest
        }.joined(separator: "\n")
    }

    /// The reply as a user may read it on one line: `550 5.1.1 Mailbox unavailable`, or for a
    /// multi-line reply the code and each line's text joined by `" / "`.
    public var description: String {
        if lines.count == 1 {
            return lines[0].isEmpty ? String(code) : "\(code) \(lines[0])"
        }
        return "\(code) " + lines.joined(separator: " / ")
    }

    /// The enhanced status code at the start of `line` when followed by a space or the line end
    /// and of the same class as `code` (RFC 2034 §4), with the rest of the line after that space.
    private static func leadingStatus(in line: String, code: Int) -> (EnhancedStatusCode, String)? {
        let utf8 = line.utf8
        guard let (status, end) = EnhancedStatusCode.parsePrefix(utf8), status.klass == code / 100 else {
            return nil
        }
        if end == utf8.endIndex { return (status, "") }
        guard utf8[end] == UInt8(ascii: " ") else { return nil }
        return (status, String(line[utf8.index(after: end)...]))
    }
}
