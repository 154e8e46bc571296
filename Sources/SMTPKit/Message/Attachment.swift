/// A file, photo or other body part sent with a message: a MIME leaf part that is always
/// base64-encoded (RFC 2045 §6.8) and carries its name in `Content-Disposition` (RFC 2183,
/// RFC 2231) and `Content-Type` (`name=`).
///
/// An ``Disposition/attachment`` goes into `multipart/mixed`; an ``Disposition/inline`` part
/// next to an HTML body goes into `multipart/related` (RFC 2387) with a `Content-ID`
/// (RFC 2392), so the HTML can show it with `<img src="cid:chart.png">`.
///
/// The content is read only while the message is being written: a file is opened (and its
/// size taken) when the data source is made, then read and encoded chunk by chunk, so an
/// attachment of any size costs a bounded amount of memory.
public struct Attachment: Sendable {
    /// Where the content comes from.
    public enum Source: Sendable {
        /// A file, opened when the data source is made and read in chunks while DATA is sent.
        case file(path: String)
        /// Bytes in memory.
        case bytes([UInt8])
        /// A stream opened by calling `open` when the data source is made (once for every
        /// data source, so a message can be rendered again). `size` is the exact number of
        /// bytes it yields, if known: it makes ``MessageDataSource/estimatedSize`` exact
        /// (RFC 1870); a stream that yields another number of bytes fails the send.
        case stream(size: Int?, open: @Sendable () throws -> any ByteStream)
    }

    /// How the recipient's program should show the part (RFC 2183 §2.1, §2.2).
    public enum Disposition: String, Sendable, Hashable {
        /// Shown as a separate file to open or save.
        case attachment
        /// Shown in the message: an image referenced from the HTML by `cid:` (RFC 2392).
        case inline
    }

    /// The content.
    public var source: Source
    /// The name shown to the recipient, without directories; nil sends none. Written as
    /// `filename=` (RFC 2183 §2.3), per RFC 2231 when not ASCII or long. CR, LF and other
    /// control characters are refused.
    public var filename: String?
    /// The media type (`application/pdf`, `image/png`, optionally with parameters); nil guesses
    /// it from the file name's extension (``contentType(forFilename:)``).
    public var contentType: String?
    /// Attachment or inline.
    public var disposition: Disposition
    /// The Content-ID (RFC 2392) without angle brackets, for inline parts; nil uses the file
    /// name (so `cid:chart.png` finds `chart.png`), with characters that a msg-id cannot hold
    /// percent-encoded. Always sent for inline parts, never for other attachments unless set.
    public var contentID: String?

    /// The file at `path`, named by its last path component. The file is opened when the data
    /// source is made; one that cannot be opened fails there with ``MessageError/Kind/unreadable``.
    public init(path: String, contentType: String? = nil, disposition: Disposition = .attachment, contentID: String? = nil) {
        self.source = .file(path: path)
        self.filename = Self.lastPathComponent(path)
        self.contentType = contentType
        self.disposition = disposition
        self.contentID = contentID
    }

    /// Bytes in memory, sent as `filename`.
    public init(
        bytes: [UInt8], filename: String?, contentType: String? = nil,
        disposition: Disposition = .attachment, contentID: String? = nil
    ) {
        self.source = .bytes(bytes)
        self.filename = filename
        self.contentType = contentType
        self.disposition = disposition
        self.contentID = contentID
    }

    /// A stream opened by `stream` when the data source is made; `size` is the exact byte count
    /// when known (nil leaves the message size unknown, so no `SIZE=` is declared).
    public init(
        stream: @escaping @Sendable () throws -> any ByteStream, size: Int?, filename: String?,
        contentType: String? = nil, disposition: Disposition = .attachment, contentID: String? = nil
    ) {
        self.source = .stream(size: size, open: stream)
        self.filename = filename
        self.contentType = contentType
        self.disposition = disposition
        self.contentID = contentID
    }

    /// The media type that is sent: ``contentType`` when set, else the guess from ``filename``
    /// (`application/octet-stream` when there is none).
    public var resolvedContentType: String {
        if let contentType { return MessageText.trimmed(contentType) }
        return Self.contentType(forFilename: filename ?? "")
    }

    /// The Content-ID that is sent, without angle brackets: ``contentID`` when set, else the file
    /// name with every character outside RFC 5322 `atext`, `.` and `@` percent-encoded as UTF-8
    /// (RFC 2392 §2: a `cid:` URL is the Content-ID with `%hh` escapes), else nil.
    public var resolvedContentID: String? {
        if let contentID {
            let trimmed = MessageText.trimmed(contentID)
            if trimmed.hasPrefix("<"), trimmed.hasSuffix(">"), trimmed.count >= 2 {
                return String(trimmed.dropFirst().dropLast())
            }
            return trimmed
        }
        guard let filename, !filename.isEmpty else { return nil }
        var out = ""
        for byte in filename.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, byte != UInt8(ascii: "%"),
               AddressLexer.isAtext(scalar) || scalar == "." || scalar == "@" {
                out.unicodeScalars.append(scalar)
            } else {
                out += "%" + MessageText.padded(String(byte, radix: 16, uppercase: true), to: 2)
            }
        }
        return out
    }

    /// The part of `path` after the last `/`, or nil when there is none (`/`, empty).
    static func lastPathComponent(_ path: String) -> String? {
        path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init)
    }
}
