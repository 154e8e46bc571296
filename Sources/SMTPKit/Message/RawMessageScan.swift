/// What one pass over a raw message's octets finds, fed chunk by chunk: its exact size, whether
/// an octet ≥ 0x80 occurs (RFC 6152 §2), the first line over 998 octets (RFC 5322 §2.1.1), and
/// where the header section ends. Pure: the chunks come from ``RawMessageInput``, which reads them.
struct RawMessageScan {
    /// The octets scanned so far.
    private(set) var size = 0
    /// Any octet ≥ 0x80 (set by ``finish()``).
    private(set) var hasEightBit = false
    /// Where the header section ends and the body starts.
    private(set) var header = RawMessageHeaderScanner()
    private var lines = MessageLineScanner()

    /// Scans the next chunk; throws ``MessageError/Kind/lineTooLong`` with the line's 1-based
    /// number as soon as a line is over the limit.
    mutating func scan(_ chunk: UnsafeRawBufferPointer) throws {
        lines.scan(chunk)
        if let overlong = lines.firstOverlongLine {
            throw MessageError.lineTooLong(line: overlong.line, length: overlong.length)
        }
        header.scan(chunk)
        size += chunk.count
    }

    /// Ends the scan (an unterminated last line counts too).
    mutating func finish() throws {
        lines.finish()
        if let overlong = lines.firstOverlongLine {
            throw MessageError.lineTooLong(line: overlong.line, length: overlong.length)
        }
        hasEightBit = lines.hasEightBit
        header.finish(size: size)
    }
}
