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
