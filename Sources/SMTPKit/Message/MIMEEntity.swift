/// One node of a message's MIME tree (RFC 2045 §2.4, RFC 2046 §5.1): a text part held in
/// memory, an attachment read while it is written, or a multipart of other entities.
indirect enum MIMEEntity {
    /// A text/plain or text/html part (RFC 2046 §4.1), already encoded.
    case text(MIMETextPart)
    /// An attachment: its header lines and its encoder.
    case attachment(header: [UInt8], body: AttachmentEncoder)
    /// `multipart/<subtype>` (mixed, alternative, related) with its parts in order.
    case multipart(subtype: String, boundary: String, parameters: [String], parts: [MIMEEntity])

    /// The value of this entity's Content-Type field.
    var contentType: String {
        switch self {
        case .text(let part): part.contentType
        case .attachment: ""
        case .multipart(let subtype, let boundary, let parameters, _):
            MIMEParameter.value("multipart/" + subtype, ["boundary=\"" + boundary + "\""] + parameters)
        }
    }

    /// The entity written as a part of a multipart: its header lines, an empty line, its body.
    /// A multipart that holds an `8bit` part is labelled `8bit` itself (RFC 2045 §6.4: a composite
    /// entity's encoding is 7bit, 8bit or binary, and says what its parts contain).
    func write(to output: inout MIMEOutput) throws {
        switch self {
        case .text(let part):
            output.append(try MIMEParameter.field("Content-Type", part.contentType))
            output.append(try MIMEParameter.field("Content-Transfer-Encoding", part.encoding.rawValue))
            output.append([0x0D, 0x0A])
            part.writeContent(to: &output)
        case .attachment(let header, let body):
            output.append(header)
            output.append([0x0D, 0x0A])
            output.append(body)
        case .multipart:
            output.append(try MIMEParameter.field("Content-Type", contentType))
            if hasEightBitPart {
                output.append(try MIMEParameter.field("Content-Transfer-Encoding", ContentTransferEncoding.eightBit.rawValue))
            }
            output.append([0x0D, 0x0A])
            try writeBody(to: &output)
        }
    }

    /// The body alone: for a multipart, each part after a delimiter line and the close
    /// delimiter at the end (RFC 2046 §5.1.1: the CRLF before `--boundary` belongs to it).
    func writeBody(to output: inout MIMEOutput) throws {
        switch self {
        case .text(let part):
            part.writeContent(to: &output)
        case .attachment(_, let body):
            output.append(body)
        case .multipart(_, let boundary, _, let parts):
            let delimiter = Array(boundary.utf8)
            for (index, part) in parts.enumerated() {
                output.append(index == 0 ? [] : [0x0D, 0x0A])
                output.append([UInt8(ascii: "-"), UInt8(ascii: "-")] + delimiter + [0x0D, 0x0A])
                try part.write(to: &output)
            }
            output.append([0x0D, 0x0A, UInt8(ascii: "-"), UInt8(ascii: "-")] + delimiter
                + [UInt8(ascii: "-"), UInt8(ascii: "-"), 0x0D, 0x0A])
        }
    }
}

/// A text body ready to write: the canonical text (CRLF line ends, RFC 2046 §4.1.1) encoded
/// with the transfer encoding chosen for it.
struct MIMETextPart {
    /// `plain` or `html`.
    let subtype: String
    let encoding: ContentTransferEncoding
    let encoded: [UInt8]

    /// Canonicalises `text` (every line end CRLF, a final CRLF) and encodes it (RFC 2045 §6).
    init(subtype: String, text: String, allow8Bit: Bool) {
        var canonical = MessageLineEndings.normalized(Array(text.utf8))
        if !canonical.isEmpty, canonical.suffix(2) != [0x0D, 0x0A] { canonical += [0x0D, 0x0A] }
        self.subtype = subtype
        self.encoding = ContentTransferEncoding.forText(canonical, allow8Bit: allow8Bit)
        self.encoded = encoding.encode(canonical)
        self.stream = nil
    }

    /// The body from a file, read while it is sent; `encoded` is empty then.
    let stream: TextFileEncoder?

    /// A text body read from the file at `path` as it is sent (``TextFileEncoder``).
    init(subtype: String, file path: String, allow8Bit: Bool) throws {
        let stream = try TextFileEncoder(path: path, allow8Bit: allow8Bit)
        self.subtype = subtype
        self.encoding = stream.encoding
        self.encoded = []
        self.stream = stream
    }

    func writeContent(to output: inout MIMEOutput) {
        if let stream { output.append(stream) } else { output.append(encoded) }
    }

    /// `text/<subtype>; charset=utf-8` (RFC 2046 §4.1.2, RFC 3629).
    var contentType: String { "text/" + subtype + "; charset=utf-8" }

    /// True when the body is written as it is, so a boundary must be checked against it.
    /// (A body from a file never holds a boundary: ``TextFileEncoder`` sees to that.)
    var isUnencoded: Bool { stream == nil && (encoding == .sevenBit || encoding == .eightBit) }
}

/// The output of a message as a list of pieces: bytes in memory, and attachments to be read
/// and encoded when their turn comes. Adjacent bytes are merged into one piece.
struct MIMEOutput {
    enum Piece {
        case bytes([UInt8])
        case stream(any EncodedContentStream)
    }

    private(set) var pieces: [Piece] = []
    private var pending: [UInt8] = []

    mutating func append(_ bytes: [UInt8]) {
        pending += bytes
    }

    mutating func append(_ stream: any EncodedContentStream) {
        if !pending.isEmpty { pieces.append(.bytes(pending)) }
        pending = []
        pieces.append(.stream(stream))
    }

    /// All pieces, the pending bytes included.
    mutating func finish() -> [Piece] {
        if !pending.isEmpty { pieces.append(.bytes(pending)) }
        pending = []
        return pieces
    }
}
