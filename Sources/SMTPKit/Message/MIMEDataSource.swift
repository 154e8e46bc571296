/// A composed message as a ``MessageDataSource`` (RFC 5321 §4.1.1.4): the header and text
/// parts are already rendered, attachments are read and base64-encoded one chunk at a time
/// as ``read(maxLength:)`` asks for more, so memory stays bounded by a chunk or two whatever
/// the attachments' sizes.
final class MIMEDataSource: MessageDataSource {
    let bodyType: MessageBodyType
    /// The exact number of octets ``read(maxLength:)`` yields in all; nil when an attachment
    /// is a stream of unknown size.
    let estimatedSize: Int?

    private var pieces: [MIMEOutput.Piece]
    private var index = 0
    /// The position in the current bytes piece, or in ``encoded``.
    private var offset = 0
    /// The encoded output of the current attachment not yet handed out.
    private var encoded: [UInt8] = []
    /// False once the current attachment has written its last chunk.
    private var attachmentHasMore = true

    init(pieces: [MIMEOutput.Piece], bodyType: MessageBodyType) {
        self.pieces = pieces
        self.bodyType = bodyType
        var total = 0
        var known = true
        for piece in pieces {
            switch piece {
            case .bytes(let bytes): total += bytes.count
            case .stream(let attachment):
                if let length = attachment.encodedLength { total += length } else { known = false }
            }
        }
        self.estimatedSize = known ? total : nil
    }

    func read(maxLength: Int) throws -> [UInt8] {
        let limit = max(1, maxLength)
        var out: [UInt8] = []
        out.reserveCapacity(min(limit, 256 * 1024))
        while out.count < limit, index < pieces.count {
            switch pieces[index] {
            case .bytes(let bytes):
                let end = min(bytes.count, offset + limit - out.count)
                out.append(contentsOf: bytes[offset..<end])
                offset = end
                if offset == bytes.count { advance() }
            case .stream(let attachment):
                if offset == encoded.count {
                    guard attachmentHasMore else {
                        advance()
                        continue
                    }
                    encoded.removeAll(keepingCapacity: true)
                    offset = 0
                    attachmentHasMore = try attachment.encodeNext(into: &encoded)
                    continue
                }
                let end = min(encoded.count, offset + limit - out.count)
                out.append(contentsOf: encoded[offset..<end])
                offset = end
            }
        }
        return out
    }

    /// Moves to the next piece, releasing the one that is done (and closing its file).
    private func advance() {
        pieces[index] = .bytes([])
        index += 1
        offset = 0
        encoded.removeAll(keepingCapacity: true)
        attachmentHasMore = true
    }
}
