/// What decides a text part's transfer encoding (``ContentTransferEncoding/forText(_:allow8Bit:)``),
/// measured over canonical text (CRLF line ends) fed in chunks of any size: line lengths, 8-bit
/// octets and NULs (RFC 2045 §2.7, §2.8), whether it is UTF-8 (RFC 3629) and how much of it is
/// non-ASCII or control characters. The same verdict for the same text however it is cut.
struct TextMeasure {
    private(set) var lines = MessageLineScanner()
    /// False once an ill-formed UTF-8 sequence was seen.
    private(set) var isUTF8 = true
    /// Characters (unicode scalars) seen.
    private(set) var characters = 0
    /// Of those, non-ASCII ones and controls other than CR, LF and tab.
    private(set) var special = 0
    /// "=_" was seen: the start of every multipart boundary SMTPKit makes (``MIMEBoundaryGenerator``).
    private(set) var hasBoundaryPrefix = false
    /// The octets of a UTF-8 sequence cut by the end of the last chunk.
    private var carry: [UInt8] = []
    private var lastWasEquals = false

    mutating func feed(_ bytes: [UInt8]) {
        lines.scan(bytes)
        for byte in bytes {
            if lastWasEquals && byte == UInt8(ascii: "_") { hasBoundaryPrefix = true }
            lastWasEquals = byte == UInt8(ascii: "=")
        }
        guard isUTF8, !bytes.isEmpty else { return }
        if carry.isEmpty {
            decode(bytes)  // the usual case: no copy of the text
        } else {
            let data = carry + bytes  // only when a sequence was cut at the last chunk's end
            carry = []
            decode(data)
        }
    }

    /// Counts the characters of `data`, keeping back a sequence its end cuts short (its lead
    /// octet is among the last three) for the next chunk.
    private mutating func decode(_ data: [UInt8]) {
        var cut = data.count
        for back in 1...min(3, data.count) {
            let byte = data[data.count - back]
            guard byte & 0xC0 == 0x80 else {
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                if length > back { cut = data.count - back }
                break
            }
        }
        if cut < data.count { carry = Array(data[cut...]) }
        var iterator = data[..<cut].makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                characters += 1
                let value = scalar.value
                if value >= 0x7F || (value < 0x20 && value != 0x0D && value != 0x0A && value != 0x09) { special += 1 }
            case .emptyInput:
                return
            case .error:
                isUTF8 = false
                return
            }
        }
    }

    /// Call once after the last chunk.
    mutating func finish() {
        lines.finish()
        if !carry.isEmpty { isUTF8 = false }
    }

    /// `7bit` for ASCII whose lines fit (RFC 2045 §2.7); `8bit` when allowed (8BITMIME, RFC 6152)
    /// for UTF-8 whose lines fit (§2.8); otherwise `quoted-printable` for mostly-ASCII text
    /// (§6.7) or `base64` for text that is mostly non-ASCII, or not UTF-8 at all (§6.8).
    func encoding(allow8Bit: Bool) -> ContentTransferEncoding {
        let linesFit = lines.longestLine <= MessageLineScanner.limit && !lines.hasNUL && !lines.hasBareLineEnd
        if linesFit, !lines.hasEightBit { return .sevenBit }
        if linesFit, allow8Bit, isUTF8 { return .eightBit }
        guard isUTF8 else { return .base64 }
        return special * 2 > characters ? .base64 : .quotedPrintable
    }
}
