import Foundation

/// Internationalised domain names in ASCII form (IDNA, RFC 5890–5891), for sending to a
/// server without `SMTPUTF8`: `bücher.example` is written `xn--bcher-kva.example`.
///
/// Each label that is not ASCII is normalised to NFC and lower-cased (the mapping step of
/// RFC 5895), then written as `xn--` and its Punycode (RFC 3492; RFC 5891 §4.4). ASCII labels
/// are left exactly as they are (their case included: host names compare case-insensitively,
/// RFC 4343). The IDNA2008 code-point tables (RFC 5892) and the Bidi rule (RFC 5893) are not
/// applied: the registry of the domain is the one that enforces them.
public enum IDNA {
    /// The prefix of an A-label (RFC 5890 §2.3.2.5).
    public static let acePrefix = "xn--"
    /// The longest a label may be, in octets (RFC 1034 §3.1, RFC 5890 §2.3.2.1).
    public static let maximumLabelLength = 63
    /// The longest a domain may be, in octets, without a final dot (RFC 1034 §3.1).
    public static let maximumDomainLength = 253

    /// Label separators that IDNA treats like `.` (RFC 3490 §3.1): ideographic full stop,
    /// full-width full stop, half-width ideographic full stop.
    private static let alternativeDots: Set<Unicode.Scalar> = ["\u{3002}", "\u{FF0E}", "\u{FF61}"]

    /// The ASCII form of `domain`: every non-ASCII label as an A-label (`xn--…`), ASCII labels
    /// unchanged. An address literal (`[192.0.2.1]`) is returned as it is.
    ///
    /// Throws ``MessageError/Kind/invalidAddress`` (with the domain and the reason) for an empty
    /// domain or label (`a..b`, a final dot), a label with a character that is not allowed in
    /// a host name (spaces, controls, `_`, …), a label that starts or ends with `-`, a U-label
    /// with `--` in positions 3 and 4 (RFC 5891 §4.2.3.1), a label over 63 octets after
    /// conversion, or a result over 253 octets.
    public static func toASCII(_ domain: String) throws -> String {
        if domain.hasPrefix("["), domain.hasSuffix("]") { return domain }
        guard !domain.isEmpty else { throw failure(domain, "the domain is empty") }
        var text = String.UnicodeScalarView()
        for scalar in domain.unicodeScalars {
            text.append(alternativeDots.contains(scalar) ? "." : scalar)
        }
        var labels: [String] = []
        for label in String(text).split(separator: ".", omittingEmptySubsequences: false) {
            labels.append(try asciiLabel(String(label), domain: domain))
        }
        let result = labels.joined(separator: ".")
        guard result.utf8.count <= maximumDomainLength else {
            throw failure(domain, "the domain is \(result.utf8.count) octets long in ASCII form (\(result)); "
                + "at most \(maximumDomainLength) are allowed (RFC 1034 §3.1)")
        }
        return result
    }

    /// One label in ASCII form (RFC 5891 §4.2, §4.4).
    private static func asciiLabel(_ label: String, domain: String) throws -> String {
        guard !label.isEmpty else {
            throw failure(domain, "the domain has an empty label (two dots in a row, or a dot at the start or end)")
        }
        var result = label
        var isULabel = false
        if !label.unicodeScalars.allSatisfy(\.isASCII) {
            result = label.precomposedStringWithCanonicalMapping.lowercased()
            isULabel = !result.unicodeScalars.allSatisfy(\.isASCII)
        }
        for scalar in result.unicodeScalars {
            if scalar.isASCII {
                let ok = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                    || ("0"..."9").contains(scalar) || scalar == "-"
                guard ok else {
                    throw failure(domain, "the label \"\(label)\" contains \(describe(scalar)), which is not allowed in a host name (RFC 5891 §4.2.3)")
                }
            } else if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
                        || scalar.properties.generalCategory == .format && scalar.value != 0x200C && scalar.value != 0x200D {
                throw failure(domain, "the label \"\(label)\" contains \(describe(scalar)), which is not allowed in a host name (RFC 5891 §4.2.3)")
            }
        }
        if result.hasPrefix("-") || result.hasSuffix("-") {
            throw failure(domain, "the label \"\(label)\" starts or ends with '-' (RFC 5891 §4.2.3.1)")
        }
        if isULabel {
            let scalars = Array(result.unicodeScalars)
            if scalars.count >= 4, scalars[2] == "-", scalars[3] == "-" {
                throw failure(domain, "the label \"\(label)\" has '--' in the third and fourth positions (RFC 5891 §4.2.3.1)")
            }
            do {
                result = acePrefix + (try Punycode.encode(result))
            } catch {
                throw failure(domain, "the label \"\(label)\" cannot be encoded: \(error)")
            }
        }
        guard result.utf8.count <= maximumLabelLength else {
            throw failure(domain, "the label \"\(label)\" is \(result.utf8.count) octets long"
                + (isULabel ? " in ASCII form (\(result))" : "") + "; at most \(maximumLabelLength) are allowed (RFC 5890 §2.3.2.1)")
        }
        return result
    }

    private static func describe(_ scalar: Unicode.Scalar) -> String {
        if (0x21...0x7E).contains(scalar.value) { return "'\(scalar)'" }
        return "U+" + MessageText.padded(String(scalar.value, radix: 16, uppercase: true), to: 4)
    }

    private static func failure(_ domain: String, _ reason: String) -> MessageError {
        MessageError.invalidAddress(domain, reason: reason)
    }
}
