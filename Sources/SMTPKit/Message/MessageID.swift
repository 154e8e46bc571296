import Foundation

/// Message-ID values (RFC 5322 §3.6.4): `<unique@domain>`.
public enum MessageID {
    /// A new, globally unique Message-ID: `<random.time@domain>`, where `random` is 128 bits
    /// from `SystemRandomNumberGenerator` in hex and `time` the current time in milliseconds
    /// in base 36 (RFC 5322 §3.6.4 recommends a right side naming the host, a left side unique
    /// on it).
    ///
    /// `domain` should be the sender's domain. When it cannot be an `id-right`
    /// (RFC 5322 §3.6.4: a dot-atom or `[literal]`, ASCII unless SMTPUTF8) — empty, not
    /// ASCII, or with other characters — `localhost` is used instead.
    public static func generate(domain: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = [generator.next(), generator.next()].map { (value: UInt64) in
            MessageText.padded(String(value, radix: 16), to: 16)
        }.joined()
        let milliseconds = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        return "<\(random).\(String(milliseconds, radix: 36))@\(idRight(domain))>"
    }

    /// `domain` when it is a valid ASCII `id-right` (RFC 5322 §3.6.4), else `localhost`.
    static func idRight(_ domain: String) -> String {
        guard domain.unicodeScalars.allSatisfy(\.isASCII) else { return "localhost" }
        if domain.hasPrefix("["), domain.hasSuffix("]"), domain.count > 2,
           domain.dropFirst().dropLast().unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) && !"[]\\".unicodeScalars.contains($0) }) {
            return domain
        }
        return AddressSyntax.isDotAtom(domain) ? domain : "localhost"
    }
}

extension MessageID {
    /// `text` as a list of msg-ids for In-Reply-To or References (RFC 5322 §3.6.4): the ids
    /// separated by white space, each with or without angle brackets, written `<a@b> <c@d>`.
    /// Throws ``MessageError/Kind/invalidHeader`` naming `field` for CR/LF/NUL, an empty list, or
    /// an id that is not printable ASCII or holds `<`, `>` or `"`.
    static func list(_ text: String, field: String) throws -> String {
        try HeaderField.validate(value: text, name: field)
        let items = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard !items.isEmpty else {
            throw MessageError.invalidHeader(name: field, reason: "the value is empty; give a msg-id such as <id@example.org>")
        }
        return try items.map { item in
            var id = Substring(item)
            if id.hasPrefix("<"), id.hasSuffix(">"), id.count >= 2 { id = id.dropFirst().dropLast() }
            guard !id.isEmpty,
                  id.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) && $0 != "<" && $0 != ">" && $0 != "\"" })
            else {
                throw MessageError.invalidHeader(
                    name: field, reason: "\(MessageError.quoted(String(item))) is not a msg-id such as <id@example.org> (RFC 5322 §3.6.4)")
            }
            return "<" + id + ">"
        }.joined(separator: " ")
    }
}
