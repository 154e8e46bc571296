extension HeaderField {
    /// Lines are folded to at most this many characters where the value allows it (RFC 5322 §2.1.1, §2.2.3).
    public static let preferredLineLength = 78
    /// No header line may be longer than this many octets, CRLF excluded (RFC 5322 §2.1.1).
    public static let maximumLineLength = 998

    /// Fields whose value is an address list (RFC 5322 §3.6.2, §3.6.3, §3.6.6).
    static let addressFields: Set<String> = [
        "from", "sender", "reply-to", "to", "cc", "bcc",
        "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc",
    ]

    /// Structured fields that are written as given and must be ASCII: RFC 2047 encoded
    /// words are not allowed in them (RFC 2047 §5; RFC 5322 §3.6; RFC 2045 §§4–6).
    static let structuredFields: Set<String> = [
        "date", "resent-date", "message-id", "resent-message-id", "in-reply-to", "references",
        "mime-version", "content-type", "content-transfer-encoding", "content-id",
        "content-disposition", "received", "return-path", "dkim-signature",
    ]

    /// The field as it goes into a message: `Name: value` + CRLF, folded at white space so
    /// lines stay within 78 characters where possible and never exceed 998 (RFC 5322 §2.2.3).
    ///
    /// - Unstructured fields (Subject, Comments, X-…): RFC 2047 encoded words when the text
    ///   is not printable ASCII, or when a word is too long to fold (RFC 2047 §5(1)).
    /// - Address fields (From, To, Cc, Reply-To, …): parsed as an address list; display names
    ///   that are not ASCII are encoded, addresses never are (RFC 2047 §5(3)).
    /// - Other structured fields (Message-ID, References, Content-Type, …): must be ASCII.
    ///
    /// Throws ``MessageError/Kind/invalidHeader`` naming the field when that cannot be done.
    /// With `allowUTF8Headers` (a server with SMTPUTF8) addresses are written as they are,
    /// UTF-8 included (RFC 6532); without it, a non-ASCII domain in an address field is written
    /// in IDNA form (RFC 5891) and a non-ASCII local part throws ``MessageError/Kind/invalidAddress``
    /// saying it needs a server with SMTPUTF8 (RFC 6531).
    public func render(options: RenderOptions) throws -> String {
        let key = name.lowercased()
        let text: String
        if let mailboxes {
            text = try mailboxes.map { try $0.headerValue(options: options) }.joined(separator: ", ")
        } else if Self.addressFields.contains(key) {
            text = try addressText(options: options)
        } else if Self.structuredFields.contains(key) {
            guard value.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) || $0 == "\t" }) else {
                throw MessageError.invalidHeader(
                    name: name,
                    reason: "the value must be printable ASCII (RFC 5322 §3.6); only unstructured fields such as Subject can carry other text")
            }
            text = value
        } else {
            text = unstructuredText()
        }
        return try Self.fold(name: name, text: text)
    }

    /// The value of an address field, checked by parsing it; rewritten from the parsed
    /// mailboxes when it is not ASCII, so display names get encoded.
    private func addressText(options: RenderOptions) throws -> String {
        let parsed: [Mailbox]
        do {
            parsed = try Mailbox.parseList(value)
        } catch let error as MessageError {
            throw MessageError.invalidHeader(name: name, reason: error.description)
        }
        if parsed.isEmpty, !value.contains(":") {
            throw MessageError.invalidHeader(name: name, reason: "the field has no address")
        }
        if value.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) || $0 == "\t" }) {
            return value
        }
        return try parsed.map { try $0.headerValue(options: options) }.joined(separator: ", ")
    }

    /// Unstructured text (RFC 5322 §3.2.5): as it is, or encoded words when it has
    /// non-ASCII text or a run without white space too long for one line.
    private func unstructuredText() -> String {
        let firstLine = Self.preferredLineLength - name.utf8.count - 2
        if EncodedWord.needsEncoding(value) || Self.longestWord(in: value) > Self.maximumLineLength - name.utf8.count - 2 {
            return EncodedWord.encode(value, firstWordLimit: firstLine).joined(separator: " ")
        }
        return value
    }

    private static func longestWord(in text: String) -> Int {
        var longest = 0
        var current = 0
        for byte in text.utf8 {
            if byte == 0x20 || byte == 0x09 {
                current = 0
            } else {
                current += 1
                longest = max(longest, current)
            }
        }
        return longest
    }

    /// Folds `Name: text` at white space (RFC 5322 §2.2.3): a fold is a CRLF inserted before
    /// existing white space, so unfolding gives back the text exactly. The first word stays on
    /// the first line; a line that cannot be brought under 998 octets is an error.
    static func fold(name: String, text: String) throws -> String {
        let segments = segments(of: text.isEmpty ? "" : " " + text)
        var lines: [String] = []
        var current = name + ":"
        var currentLength = current.utf8.count
        var currentHasWord = false
        for segment in segments {
            let length = segment.text.utf8.count
            if currentHasWord, segment.hasWord, currentLength + length > preferredLineLength {
                lines.append(current)
                current = segment.text
                currentLength = length
            } else {
                current += segment.text
                currentLength += length
            }
            currentHasWord = currentHasWord || segment.hasWord
        }
        lines.append(current)
        for line in lines where line.utf8.count > maximumLineLength {
            throw MessageError.invalidHeader(
                name: name,
                reason: "a line would be \(line.utf8.count) octets long; RFC 5322 §2.1.1 allows at most 998")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Splits text into pieces that each start with their white space and end with a word,
    /// the places a header may be folded (before each piece's white space).
    private static func segments(of text: String) -> [(text: String, hasWord: Bool)] {
        var result: [(text: String, hasWord: Bool)] = []
        var current = String.UnicodeScalarView()
        var inWord = false
        for scalar in text.unicodeScalars {
            let isSpace = scalar == " " || scalar == "\t"
            if isSpace, inWord {
                result.append((String(current), true))
                current = String.UnicodeScalarView()
                inWord = false
            }
            if !isSpace { inWord = true }
            current.append(scalar)
        }
        if !current.isEmpty { result.append((String(current), inWord)) }
        return result
    }
}
