/// Measures text fed to it in chunks: line lengths, 8-bit octets, NULs.
///
/// A line ends at CRLF, at a bare CR or at a bare LF (each counted once), because every
/// one of them becomes CRLF before the message is sent (RFC 5321 §2.3.8). State is carried
/// across chunk boundaries, so a CRLF split between two chunks is still one line end.
struct MessageLineScanner {
    /// The longest a line may be, line end excluded (RFC 5322 §2.1.1, RFC 5321 §4.5.3.1.6).
    static let limit = 998

    /// The 1-based number of the line being read.
    private(set) var lineNumber = 1
    /// Octets of the line being read so far.
    private var length = 0
    private var pendingCR = false
    /// The longest line seen, in octets.
    private(set) var longestLine = 0
    /// The first line over ``limit``: its 1-based number and its full length (known once it ends).
    private(set) var firstOverlongLine: (line: Int, length: Int)?
    /// Any octet ≥ 0x80 seen.
    private(set) var hasEightBit = false
    /// Any NUL seen (not allowed in 7bit or 8bit data, RFC 2045 §2.7, §2.8).
    private(set) var hasNUL = false
    /// Any bare CR or bare LF seen.
    private(set) var hasBareLineEnd = false
    /// All octets seen.
    private(set) var octetCount = 0

    mutating func scan(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            octetCount += 1
            if pendingCR {
                pendingCR = false
                if byte == 0x0A { continue }
                hasBareLineEnd = true
            }
            switch byte {
            case 0x0D:
                endLine()
                pendingCR = true
            case 0x0A:
                endLine()
                hasBareLineEnd = true
            default:
                length += 1
                if byte >= 0x80 { hasEightBit = true }
                if byte == 0 { hasNUL = true }
            }
        }
    }

    /// Ends the last line if it has no line end; call once after the last chunk.
    mutating func finish() {
        if pendingCR { hasBareLineEnd = true }
        pendingCR = false
        if length > 0 { endLine() }
    }

    private mutating func endLine() {
        longestLine = max(longestLine, length)
        if length > Self.limit, firstOverlongLine == nil {
            firstOverlongLine = (lineNumber, length)
        }
        lineNumber += 1
        length = 0
    }
}

/// Line-end normalisation (RFC 5322 §2.3: lines end in CRLF; RFC 5321 §2.3.8).
enum MessageLineEndings {
    /// `bytes` with every CRLF, bare CR and bare LF written as CRLF.
    static func normalized(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 32)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D {
                out.append(0x0D)
                out.append(0x0A)
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
            } else if byte == 0x0A {
                out.append(0x0D)
                out.append(0x0A)
            } else {
                out.append(byte)
            }
            index += 1
        }
        return out
    }
}
