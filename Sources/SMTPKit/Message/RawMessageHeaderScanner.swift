/// Finds where the header section of a raw message ends, fed the message in chunks
/// (RFC 5322 §2.1: the header fields, then an empty line, then the body).
///
/// A line ends at CRLF, a bare CR or a bare LF, as in ``MessageLineScanner``: every one of them
/// is a line end once the DATA encoder has normalised it (RFC 5321 §2.3.8), so the header
/// section is judged exactly as the server will see it. State is carried across chunks.
struct RawMessageHeaderScanner {
    /// The largest header section kept for parsing: 1 MiB, far above any real message's headers.
    static let limit = 1 << 20

    /// The octets of the header fields, each with its line end, before the empty line; the whole
    /// input when it has no empty line. Nil until ``finish(size:)`` when the section is longer
    /// than ``limit``.
    private(set) var headerLength: Int?
    /// The offset of the body's first octet (just after the empty line), or the input's size
    /// when there is no body.
    private(set) var bodyStart: Int?
    /// Any octet ≥ 0x80 from the empty line on (the body), so removing header fields can tell
    /// whether the rest still needs 8BITMIME.
    private(set) var bodyHasEightBit = false
    /// The header section's lines before the empty line (folded lines count one each).
    private(set) var fieldLines = 0
    /// Whether the empty line that ends the header section was seen (else the whole input is header).
    private(set) var sawEmptyLine = false

    private var offset = 0
    private var lineLength = 0
    private var pendingCR = false
    private var emptyLineCR = false
    private var overflow = false

    /// Feeds the next chunk of the message.
    mutating func scan(_ chunk: UnsafeRawBufferPointer) {
        var index = 0
        if bodyStart == nil, !overflow {
            index = findEnd(chunk)
        }
        if bodyStart != nil, !bodyHasEightBit, index < chunk.count {
            bodyHasEightBit = chunk[index...].contains { $0 >= 0x80 }
        }
        offset += chunk.count - index
    }

    /// Ends the input of `size` octets; sets ``headerLength`` and ``bodyStart``.
    mutating func finish(size: Int) {
        if emptyLineCR, bodyStart == nil { bodyStart = size }
        if bodyStart == nil, !overflow, size <= Self.limit {
            headerLength = size
            bodyStart = size
        }
    }

    /// Scans octets until the empty line or the limit; returns the index of the first octet not
    /// consumed (the body's first octet in this chunk, or `chunk.count`).
    private mutating func findEnd(_ chunk: UnsafeRawBufferPointer) -> Int {
        var index = 0
        while index < chunk.count {
            let byte = chunk[index]
            if emptyLineCR {
                // The empty line ended with CR: an LF right after it belongs to the same line end.
                bodyStart = offset + (byte == 0x0A ? 1 : 0)
                offset += byte == 0x0A ? 1 : 0
                return index + (byte == 0x0A ? 1 : 0)
            }
            if offset > Self.limit + 1 {
                overflow = true
                return index
            }
            offset += 1
            index += 1
            if pendingCR {
                pendingCR = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0D, 0x0A:
                if lineLength == 0 {
                    guard offset - 1 <= Self.limit else {
                        overflow = true
                        return index
                    }
                    headerLength = offset - 1
                    sawEmptyLine = true
                    if byte == 0x0A {
                        bodyStart = offset
                        return index
                    }
                    emptyLineCR = true
                } else {
                    lineLength = 0
                    fieldLines += 1
                    pendingCR = byte == 0x0D
                }
            default:
                lineLength += 1
            }
        }
        return index
    }
}
