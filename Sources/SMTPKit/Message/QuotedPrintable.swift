/// The quoted-printable encoding (RFC 2045 §6.7) for text whose line breaks are CRLF.
public enum QuotedPrintable {
    /// The longest encoded line, CRLF excluded (RFC 2045 §6.7 rule 5).
    public static let maximumLineLength = 76

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Encodes `text`: CRLF pairs are hard line breaks and stay CRLF (rule 4); `=`, control
    /// octets, a bare CR or LF and octets ≥ 0x80 become `=XX` with upper-case hex (rules 1, 2);
    /// a space or tab at the end of a line is encoded (rule 3); lines longer than 76 characters
    /// get soft breaks (`=` CRLF) without splitting an `=XX` (rule 5).
    public static func encode(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count + text.count / 8)
        var column = 0
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == 0x0D, index + 1 < text.count, text[index + 1] == 0x0A {
                out.append(0x0D)
                out.append(0x0A)
                column = 0
                index += 2
                continue
            }
            let endsLine = index + 1 == text.count
                || (text[index + 1] == 0x0D && index + 2 < text.count && text[index + 2] == 0x0A)
            let literal: Bool
            switch byte {
            case 0x20, 0x09: literal = !endsLine
            case 0x3D: literal = false
            case 0x21...0x7E: literal = true
            default: literal = false
            }
            let width = literal ? 1 : 3
            // Keep room for the '=' of a soft break, unless this is the line's last octet.
            let room = endsLine ? maximumLineLength : maximumLineLength - 1
            if column + width > room {
                out.append(UInt8(ascii: "="))
                out.append(0x0D)
                out.append(0x0A)
                column = 0
            }
            if literal {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "="))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
            column += width
            index += 1
        }
        return out
    }
}
