/// What one pass over a raw message's octets finds, fed chunk by chunk: its exact size, whether
/// an octet ≥ 0x80 occurs (RFC 6152 §2), the first line over 998 octets (RFC 5322 §2.1.1: such a
/// message can go only as `BODY=BINARYMIME`, RFC 3030), and where the header section ends. Pure:
/// the chunks come from ``RawMessageInput``, which reads them.
struct RawMessageScan {
    /// The octets scanned so far.
    private(set) var size = 0
    /// Any octet ≥ 0x80 (set by ``finish()``).
    private(set) var hasEightBit = false
    /// Where the header section ends and the body starts.
    private(set) var header = RawMessageHeaderScanner()
    private var lines = MessageLineScanner()

    /// The first line over 998 octets: its 1-based number and length (known once it ends).
    var firstOverlongLine: (line: Int, length: Int)? { lines.firstOverlongLine }

    /// Scans the next chunk.
    mutating func scan(_ chunk: UnsafeRawBufferPointer) throws {
        lines.scan(chunk)
        header.scan(chunk)
        size += chunk.count
    }

    /// Ends the scan (an unterminated last line counts too). A header line over 998 octets is
    /// refused with ``MessageError/Kind/lineTooLong`` and its number: BINARYMIME relaxes the
    /// body's lines, never the header's (RFC 5322 §2.1.1, RFC 3030 §3).
    mutating func finish() throws {
        lines.finish()
        if let overlong = lines.firstOverlongLine, !header.sawEmptyLine || overlong.line <= header.fieldLines {
            throw MessageError.lineTooLong(line: overlong.line, length: overlong.length)
        }
        hasEightBit = lines.hasEightBit
        header.finish(size: size)
    }
}
