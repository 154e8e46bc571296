extension Attachment {
    /// The header block of this part (each line CRLF-terminated, without the empty line after):
    /// `Content-Type` with `name=`, `Content-Transfer-Encoding: base64`, `Content-Disposition`
    /// with `filename=` (RFC 2183, RFC 2231) and, for inline parts or when set, `Content-ID`
    /// (RFC 2392).
    ///
    /// Throws ``MessageError/Kind/invalidHeader`` naming the field for a file name with a control
    /// character (CR and LF would inject headers), a content type that is not `type/subtype`
    /// (RFC 2045 §5.1) or not printable ASCII, or a content ID that cannot be a msg-id.
    func partHeader() throws -> [UInt8] {
        if let filename {
            try Self.validate(filename: filename)
        }
        var type = try Self.validatedMediaType(resolvedContentType)
        if let name = filename, !name.isEmpty, !type.hasNameParameter {
            type.pieces.append(MIMEParameter.legacyName(name))
        }
        var out = try MIMEParameter.field("Content-Type", MIMEParameter.value(type.head, type.pieces))
        out += try MIMEParameter.field("Content-Transfer-Encoding", ContentTransferEncoding.base64.rawValue)
        var dispositionPieces: [String] = []
        if let name = filename, !name.isEmpty {
            dispositionPieces = MIMEParameter.pieces(attribute: "filename", value: name)
        }
        out += try MIMEParameter.field("Content-Disposition", MIMEParameter.value(disposition.rawValue, dispositionPieces))
        if disposition == .inline || contentID != nil, let id = resolvedContentID {
            try Self.validate(contentID: id)
            out += try MIMEParameter.field("Content-ID", "<" + id + ">")
        }
        return out
    }

    /// A media type split for writing: `type/subtype` and its parameters.
    struct MediaType {
        var head: String
        var pieces: [String]
        var hasNameParameter: Bool
    }

    /// Checks `text` as `type/subtype *(; parameter)` (RFC 2045 §5.1). A composite type
    /// (`multipart/*`, `message/*` other than `message/global`) becomes `application/octet-stream`:
    /// attachments are always base64, which RFC 2045 §6.4 and RFC 2046 §5.2.1 forbid for them
    /// (RFC 6532 §3.7 allows it for `message/global`).
    static func validatedMediaType(_ text: String) throws -> MediaType {
        guard text.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) || $0 == "\t" }) else {
            throw MessageError.invalidHeader(
                name: "Content-Type",
                reason: "\(MessageError.quoted(text)) must be printable ASCII, like application/pdf (RFC 2045 §5.1)")
        }
        var parts = text.split(separator: ";", omittingEmptySubsequences: false).map { MessageText.trimmed($0) }
        let head = parts.removeFirst()
        let halves = head.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2, MIMEParameter.isToken(halves[0]), MIMEParameter.isToken(halves[1]) else {
            throw MessageError.invalidHeader(
                name: "Content-Type",
                reason: "\(MessageError.quoted(text)) is not a media type such as application/pdf or image/png (RFC 2045 §5.1)")
        }
        let top = halves[0].lowercased()
        if top == "multipart" || (top == "message" && halves[1].lowercased() != "global") {
            return MediaType(head: defaultContentType, pieces: [], hasNameParameter: false)
        }
        let pieces = parts.filter { !$0.isEmpty }
        for piece in pieces where !piece.contains("=") {
            throw MessageError.invalidHeader(
                name: "Content-Type", reason: "the parameter \(MessageError.quoted(piece)) has no '=' (RFC 2045 §5.1)")
        }
        let hasName = pieces.contains { $0.lowercased().hasPrefix("name=") || $0.lowercased().hasPrefix("name*") }
        return MediaType(head: head.lowercased(), pieces: pieces, hasNameParameter: hasName)
    }

    /// Refuses control characters in a file name: CR or LF would end the header (injection).
    static func validate(filename: String) throws {
        for scalar in filename.unicodeScalars where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            let what = scalar == "\r" || scalar == "\n"
                ? "a line break (CR or LF), which could inject headers"
                : "the control character U+" + MessageText.padded(String(scalar.value, radix: 16, uppercase: true), to: 4)
            throw MessageError.invalidHeader(
                name: "Content-Disposition",
                reason: "the file name \(MessageError.quoted(filename)) contains \(what); it is refused")
        }
    }

    /// A Content-ID must be a msg-id (RFC 2392 §2, RFC 5322 §3.6.4): printable ASCII without
    /// spaces, angle brackets, quotes or backslashes.
    static func validate(contentID: String) throws {
        let forbidden: Set<Unicode.Scalar> = ["<", ">", "\"", "\\", "(", ")", ",", ";", ":", "[", "]"]
        guard !contentID.isEmpty,
              contentID.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) && !forbidden.contains($0) })
        else {
            throw MessageError.invalidHeader(
                name: "Content-ID",
                reason: "\(MessageError.quoted(contentID)) cannot be a Content-ID; use printable ASCII without "
                    + "spaces, brackets, quotes or commas, e.g. chart.png or part1@example.org (RFC 2392)")
        }
    }
}
