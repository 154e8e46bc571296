/// Assembles ``Reply`` values from reply lines, one line at a time (RFC 5321 §4.2).
///
/// Feed each line (without its line end, as ``LineBuffer/nextLine()`` returns it) to
/// ``consume(_:)``. A continuation line `NNN-text` returns nil; the last line `NNN text`
/// or bare `NNN` returns the whole reply, and the parser is ready for the next one.
/// After a thrown error the parser is reset too, although the connection is usually not
/// worth keeping at that point.
public struct ReplyParser: Sendable {
    /// The most lines one reply may have; a longer reply throws ``SMTPProtocolError/tooManyReplyLines(limit:)``.
    public let maxLines: Int

    private var pendingCode: Int?
    private var pendingLines: [String] = []

    /// Creates a parser that accepts replies of up to `maxLines` lines.
    /// EHLO replies are the longest in practice, usually 10–20 lines.
    public init(maxLines: Int = 100) {
        self.maxLines = max(1, maxLines)
    }

    /// True while a multi-line reply has been started but not finished.
    public var isInsideReply: Bool { pendingCode != nil }

    /// Consumes one reply line without its line end.
    ///
    /// Checks the reply-code grammar of RFC 5321 §4.2: three digits, the first 2–5, the second
    /// 0–5, the third 0–9; then a space, a hyphen or nothing. Every line of a multi-line reply
    /// must carry the same code (§4.2.1). The text is decoded as UTF-8, invalid bytes replaced.
    /// - Returns: the completed reply, or nil when `line` is a continuation (`NNN-`).
    /// - Throws: ``SMTPProtocolError`` `malformedReply`, `inconsistentReplyCodes`, `tooManyReplyLines`.
    public mutating func consume(_ line: [UInt8]) throws -> Reply? {
        guard let (code, isLast) = Self.parseCode(line) else {
            reset()
            throw SMTPProtocolError.malformedReply(line: String(decoding: line, as: UTF8.self))
        }
        if let first = pendingCode, first != code {
            reset()
            throw SMTPProtocolError.inconsistentReplyCodes(first: first, found: code)
        }
        if pendingLines.count >= maxLines {
            reset()
            throw SMTPProtocolError.tooManyReplyLines(limit: maxLines)
        }
        let text = line.count > 4 ? String(decoding: line[4...], as: UTF8.self) : ""
        pendingLines.append(text)
        guard isLast else {
            pendingCode = code
            return nil
        }
        let reply = Reply(code: code, lines: pendingLines)
        reset()
        return reply
    }

    /// Forgets a partly read reply.
    public mutating func reset() {
        pendingCode = nil
        pendingLines.removeAll(keepingCapacity: true)
    }

    /// The code of a reply line and whether it is the last line, or nil when the line is malformed.
    private static func parseCode(_ line: [UInt8]) -> (code: Int, isLast: Bool)? {
        guard line.count >= 3 else { return nil }
        let zero = UInt8(ascii: "0")
        let d1 = line[0] &- zero, d2 = line[1] &- zero, d3 = line[2] &- zero
        guard (2...5).contains(d1), (0...5).contains(d2), (0...9).contains(d3) else { return nil }
        let code = Int(d1) * 100 + Int(d2) * 10 + Int(d3)
        if line.count == 3 { return (code, true) }
        switch line[3] {
        case UInt8(ascii: " "): return (code, true)
        case UInt8(ascii: "-"): return (code, false)
        default: return nil
        }
    }
}
