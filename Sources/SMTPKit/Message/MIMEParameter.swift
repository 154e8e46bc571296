/// Writing MIME header parameters (`name=value` after a media type or disposition):
/// quoted-strings (RFC 2045 §5.1), RFC 2231 extended values and continuations for names
/// that are not ASCII or too long for one line, and the RFC 2047 `name=` that older mail
/// programs read instead.
enum MIMEParameter {
    /// The longest single `attribute=value` piece, so a folded line (a space, the piece and
    /// a `;`) stays within 78 characters (RFC 5322 §2.1.1).
    static let pieceLimit = 70
    /// The longest ASCII value written as a plain quoted `name=` before it is written as
    /// RFC 2047 words (which can be folded).
    static let plainNameLimit = 200

    /// RFC 2045 §5.1 `tspecials`.
    private static let tspecials: Set<UInt8> = Set("()<>@,;:\\\"/[]?=".utf8)

    /// True for an RFC 2045 §5.1 token character: printable ASCII other than space and tspecials.
    static func isTokenOctet(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && !tspecials.contains(byte)
    }

    /// True when `text` is a non-empty RFC 2045 token.
    static func isToken(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenOctet)
    }

    /// RFC 2231 §7 `attribute-char`: a token character other than `*`, `'` and `%`.
    private static func isAttributeOctet(_ byte: UInt8) -> Bool {
        isTokenOctet(byte) && byte != UInt8(ascii: "*") && byte != UInt8(ascii: "'") && byte != UInt8(ascii: "%")
    }

    /// `attribute` with `value`, as one or more `attribute…=…` pieces to join with `; `:
    /// `filename="report.pdf"` (quotes and backslashes escaped) when the value is printable ASCII
    /// and fits on a line; otherwise the RFC 2231 extended form `filename*=utf-8''%E2%9C%93.pdf`
    /// (§4), split into numbered continuations `filename*0*=…; filename*1*=…` (§3) when long,
    /// never inside a `%XX` escape.
    static func pieces(attribute: String, value: String) -> [String] {
        let printable = value.utf8.allSatisfy { (0x20...0x7E).contains($0) }
        if printable {
            let plain = attribute + "=" + AddressSyntax.quoted(value)
            if plain.utf8.count <= pieceLimit { return [plain] }
        }
        var escaped: [String] = []
        for byte in value.utf8 {
            if isAttributeOctet(byte) {
                escaped.append(String(Unicode.Scalar(byte)))
            } else {
                escaped.append("%" + MessageText.padded(String(byte, radix: 16, uppercase: true), to: 2))
            }
        }
        let single = attribute + "*=utf-8''" + escaped.joined()
        if single.utf8.count <= pieceLimit { return [single] }

        var result: [String] = []
        var current = attribute + "*0*=utf-8''"
        var hasValue = false
        for item in escaped {
            if hasValue, current.utf8.count + item.utf8.count > pieceLimit {
                result.append(current)
                current = attribute + "*\(result.count)*="
                hasValue = false
            }
            current += item
            hasValue = true
        }
        result.append(current)
        return result
    }

    /// The `name=` parameter of Content-Type for programs that do not read RFC 2231: the
    /// quoted name when it is printable ASCII, short and holds no `=?`; otherwise RFC 2047
    /// encoded words inside the quotes (not allowed by RFC 2047 §5, but what such programs
    /// expect and what current ones ignore when `filename*` is present).
    static func legacyName(_ value: String) -> String {
        if !EncodedWord.needsEncoding(value), value.utf8.count <= plainNameLimit {
            return "name=" + AddressSyntax.quoted(value)
        }
        return "name=\"" + EncodedWord.encode(value, firstWordLimit: 66).joined(separator: " ") + "\""
    }

    /// `head; piece; piece…`, the value of a Content-Type or Content-Disposition field.
    static func value(_ head: String, _ pieces: [String]) -> String {
        ([head] + pieces).joined(separator: "; ")
    }

    /// The header lines for `name: value`, folded at its spaces (RFC 5322 §2.2.3).
    static func field(_ name: String, _ value: String) throws -> [UInt8] {
        Array(try HeaderField.fold(name: name, text: value).utf8)
    }
}
