/// A text body read from a file while the message is sent (``Message/bodyFile``,
/// ``Message/htmlBodyFile``), so a body of any size takes a chunk of memory, not its size.
///
/// The file is read twice. First it is measured as its canonical form (every line end CRLF, a
/// final CRLF, RFC 2046 §4.1.1) to choose the transfer encoding exactly as the same text in
/// memory would get (``TextMeasure``) — except that text holding `=_`, the start of every
/// boundary SMTPKit makes, is written quoted-printable so no boundary can occur in it (RFC 2046
/// §5.1.1). Then it is read again and encoded chunk by chunk (quoted-printable text is read
/// once more before that, to know its encoded length for `SIZE=`). Text that is not UTF-8 is
/// refused (``MessageError/Kind/notText``): the part says `charset=utf-8`.
final class TextFileEncoder: EncodedContentStream {
    let path: String
    let encoding: ContentTransferEncoding
    /// The exact encoded length.
    let encodedLength: Int?
    /// The file holds no text at all.
    let isEmpty: Bool
    private let canonicalLength: Int
    private var file: AttachmentFile?
    private var normaliser = DataEncoder(dotStuffing: false)
    private var base64 = Base64LineEncoder()
    /// Quoted-printable: the canonical text of a line not yet ended (encoding is per line).
    private var partialLine: [UInt8] = []
    private var produced = 0
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    init(path: String, allow8Bit: Bool) throws {
        self.path = path
        var measure = TextMeasure()
        var length = 0
        try Self.eachCanonicalChunk(of: path, buffer: &buffer) { chunk in
            measure.feed(chunk)
            length += chunk.count
        }
        measure.finish()
        guard measure.isUTF8 else {
            throw MessageError.notText(path: path)
        }
        var encoding = measure.encoding(allow8Bit: allow8Bit)
        if measure.hasBoundaryPrefix && (encoding == .sevenBit || encoding == .eightBit) { encoding = .quotedPrintable }
        self.encoding = encoding
        canonicalLength = length
        isEmpty = length == 0
        switch encoding {
        case .sevenBit, .eightBit: encodedLength = length
        case .base64: encodedLength = Base64LineEncoder.encodedLength(of: length)
        case .quotedPrintable:
            var encoded = 0
            var line: [UInt8] = []
            try Self.eachCanonicalChunk(of: path, buffer: &buffer) { chunk in
                line += chunk
                if let end = line.lastIndex(of: 0x0A) {
                    encoded += QuotedPrintable.encode(Array(line[...end])).count
                    line.removeFirst(end + 1)
                }
            }
            encodedLength = encoded
        }
        file = try AttachmentFile(path: path)
    }

    /// Reads the file at `path` to its end and hands `body` its canonical text chunk by chunk
    /// (the last chunk ends the text: a final CRLF when it lacks one).
    private static func eachCanonicalChunk(of path: String, buffer: inout [UInt8], _ body: ([UInt8]) -> Void) throws {
        let file = try AttachmentFile(path: path)
        defer { file.closeFile() }
        var normaliser = DataEncoder(dotStuffing: false)
        var canonical: [UInt8] = []
        while true {
            let count = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
            canonical.removeAll(keepingCapacity: true)
            if count == 0 {
                normaliser.finish(into: &canonical)
            } else {
                buffer.withUnsafeBytes { normaliser.encode(UnsafeRawBufferPointer(rebasing: $0[0..<count]), into: &canonical) }
            }
            body(canonical)
            if count == 0 { return }
        }
    }

    /// Appends the next piece of encoded text; false once all of it has been written.
    /// Throws ``MessageError/Kind/unreadable`` when the file changed since it was measured.
    func encodeNext(into output: inout [UInt8]) throws -> Bool {
        guard let file else { return false }
        let count = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
        var canonical: [UInt8] = []
        if count == 0 {
            normaliser.finish(into: &canonical)
        } else {
            buffer.withUnsafeBytes { normaliser.encode(UnsafeRawBufferPointer(rebasing: $0[0..<count]), into: &canonical) }
        }
        produced += canonical.count
        if produced > canonicalLength || (count == 0 && produced != canonicalLength) {
            throw MessageError.unreadable(path: path, reason: "the file changed while it was being sent")
        }
        switch encoding {
        case .sevenBit, .eightBit:
            output += canonical
        case .base64:
            canonical.withUnsafeBufferPointer { base64.encode($0, into: &output) }
        case .quotedPrintable:
            partialLine += canonical
            if let end = partialLine.lastIndex(of: 0x0A) {
                output += QuotedPrintable.encode(Array(partialLine[...end]))
                partialLine.removeFirst(end + 1)
            }
        }
        guard count == 0 else { return true }
        if encoding == .base64 { base64.finish(into: &output) }
        file.closeFile()
        self.file = nil
        return false
    }
}

/// Content written piece by piece while a message is sent: an attachment's base64, a text
/// body from a file. ``MIMEDataSource`` pulls it when its turn comes.
protocol EncodedContentStream: AnyObject {
    /// The exact encoded length, when known before encoding.
    var encodedLength: Int? { get }
    /// Appends the next piece; false once the last piece has been written.
    func encodeNext(into output: inout [UInt8]) throws -> Bool
}

extension AttachmentEncoder: EncodedContentStream {}
