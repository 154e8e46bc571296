import Foundation

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

    /// The encoding for text whose lines already end in CRLF: `7bit` when it is ASCII with lines
    /// ≤ 998 octets and no NUL; `8bit` when `allow8Bit` (the server offers 8BITMIME, RFC 6152)
    /// and the lines still fit; otherwise `quoted-printable` (RFC 2045 §6.7).
    public static func forText(_ canonicalText: [UInt8], allow8Bit: Bool) -> ContentTransferEncoding {
        var scanner = MessageLineScanner()
        scanner.scan(canonicalText)
        scanner.finish()
        let linesFit = scanner.longestLine <= MessageLineScanner.limit && !scanner.hasNUL && !scanner.hasBareLineEnd
        if linesFit, !scanner.hasEightBit { return .sevenBit }
        if linesFit, allow8Bit { return .eightBit }
        return .quotedPrintable
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
            guard !bytes.isEmpty else { return [] }
            let text = Array(Data(bytes).base64EncodedString().utf8)
            var out: [UInt8] = []
            out.reserveCapacity(text.count + text.count / 38 + 2)
            var start = 0
            while start < text.count {
                let end = min(start + 76, text.count)
                out += text[start..<end]
                out += [0x0D, 0x0A]
                start = end
            }
            return out
        }
    }
}
