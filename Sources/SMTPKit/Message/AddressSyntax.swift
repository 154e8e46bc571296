#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Lexical rules shared by address parsing and writing (RFC 5322 §3.2, §3.4.1; RFC 5321 §4.1.2, §4.1.3).
enum AddressSyntax {
    /// True when `text` is a dot-atom (RFC 5322 §3.2.3): atext runs joined by single dots.
    /// Such a local part needs no quotes.
    static func isDotAtom(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { word in
            !word.isEmpty && word.unicodeScalars.allSatisfy(AddressLexer.isAtext)
        }
    }

    /// `text` as a quoted-string (RFC 5322 §3.2.4), `"` and `\` escaped with a backslash.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out + "\""
    }

    /// A display name as a header phrase (RFC 5322 §3.2.5): encoded words when it is not
    /// printable ASCII (RFC 2047 §5(3)), atoms when it is plain words, else a quoted-string.
    /// The first encoded word is short enough to follow `Reply-To: ` within 78 characters.
    static func phrase(_ name: String) -> String {
        if EncodedWord.needsEncoding(name) {
            return EncodedWord.encode(name, firstWordLimit: 64).joined(separator: " ")
        }
        let words = name.split(separator: " ", omittingEmptySubsequences: false)
        let plain = words.allSatisfy { word in
            !word.isEmpty && word.unicodeScalars.allSatisfy(AddressLexer.isAtext)
        }
        return plain ? name : quoted(name)
    }

    /// Checks a domain: a host name of letter-digit-hyphen labels or U-labels (RFC 5321 §4.1.2,
    /// RFC 6531 §3.3), or an address literal (RFC 5321 §4.1.3).
    static func validateDomain(_ domain: String) throws(AddressSyntaxError) {
        guard !domain.isEmpty else { throw AddressSyntaxError("the domain (after '@') is empty") }
        if domain.hasPrefix("[") {
            try validateLiteral(domain)
            return
        }
        guard domain.utf8.count <= 255 else {
            throw AddressSyntaxError("the domain is longer than 255 octets (RFC 5321 §4.5.3.1.2)")
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty else {
                throw AddressSyntaxError("the domain has an empty label (two dots in a row, or a dot at the start or end)")
            }
            if label.hasPrefix("-") || label.hasSuffix("-") {
                throw AddressSyntaxError("the domain label \"\(label)\" starts or ends with '-'")
            }
            for scalar in label.unicodeScalars where scalar.isASCII {
                let ok = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                    || ("0"..."9").contains(scalar) || scalar == "-"
                if !ok {
                    throw AddressSyntaxError(
                        "the domain contains '\(scalar)', which is not allowed in a host name (RFC 5321 §4.1.2)")
                }
            }
            if label.unicodeScalars.allSatisfy(\.isASCII), label.utf8.count > 63 {
                throw AddressSyntaxError("the domain label \"\(label)\" is longer than 63 octets")
            }
        }
        if labels.count == 4, labels.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) {
            throw AddressSyntaxError(
                "the domain is an IP address; write it as an address literal, e.g. user@[\(domain)] (RFC 5321 §4.1.3)")
        }
    }

    /// `[192.0.2.1]` or `[IPv6:2001:db8::1]` (RFC 5321 §4.1.3).
    private static func validateLiteral(_ literal: String) throws(AddressSyntaxError) {
        guard literal.count >= 2, literal.hasSuffix("]") else {
            throw AddressSyntaxError("unbalanced brackets: a '[' is never closed")
        }
        let inner = String(literal.dropFirst().dropLast())
        if inner.lowercased().hasPrefix("ipv6:") {
            let address = String(inner.dropFirst(5))
            var storage = in6_addr()
            if inet_pton(AF_INET6, address, &storage) == 1 { return }
        } else if isIPv4(inner) {
            return
        }
        throw AddressSyntaxError(
            "the address literal \(literal) is neither an IPv4 address nor 'IPv6:' and an IPv6 address (RFC 5321 §4.1.3)")
    }

    /// A dotted quad of decimal numbers 0–255 (RFC 5321 §4.1.3 `IPv4-address-literal`).
    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            (1...3).contains(part.count) && part.allSatisfy { ("0"..."9").contains($0) }
                && Int(part).map { $0 <= 255 } == true
        }
    }
}
