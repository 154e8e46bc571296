/// A MIME `Content-Transfer-Encoding` (RFC 2045 §6) and how SMTPKit picks one.
public enum ContentTransferEncoding: String, Sendable, CaseIterable {
    /// Lines of ASCII ≤ 998 octets, no NUL (RFC 2045 §2.7, §6.2).
    case sevenBit = "7bit"
    /// Lines ≤ 998 octets, octets ≥ 0x80 allowed, no NUL; needs `BODY=8BITMIME` (RFC 2045 §2.8, RFC 6152).
    case eightBit = "8bit"
    /// Quoted-printable, lines ≤ 76 (RFC 2045 §6.7).
    case quotedPrintable = "quoted-printable"
    /// Base64, lines of 76 characters (RFC 2045 §6.8).
    case base64

    /// The encoding for text whose lines already end in CRLF:
    /// - `7bit` when it is ASCII with lines ≤ 998 octets and no NUL (RFC 2045 §2.7);
    /// - `8bit` when `allow8Bit` (the server offers 8BITMIME, RFC 6152), it is valid UTF-8 and
    ///   the lines still fit (RFC 2045 §2.8);
    /// - otherwise `quoted-printable` when it is mostly ASCII text (RFC 2045 §6.7), or `base64`
    ///   when more than half of its characters are non-ASCII or control characters (text in
    ///   Cyrillic, Greek or CJK scripts) or it is not UTF-8 at all (binary data) (RFC 2045 §6.8).
    public static func forText(_ canonicalText: [UInt8], allow8Bit: Bool) -> ContentTransferEncoding {
        var measure = TextMeasure()
        measure.feed(canonicalText)
        measure.finish()
        return measure.encoding(allow8Bit: allow8Bit)
    }

    /// `bytes` encoded for the wire: unchanged for 7bit and 8bit, else quoted-printable or base64
    /// (ending in CRLF).
    public func encode(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .sevenBit, .eightBit:
            return bytes
        case .quotedPrintable:
            return QuotedPrintable.encode(bytes)
        case .base64:
            return Base64LineEncoder.encode(bytes)
        }
    }

    /// True when `bytes` are well-formed UTF-8 (RFC 3629).
    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var measure = TextMeasure()
        measure.feed(bytes)
        measure.finish()
        return measure.isUTF8
    }
}
