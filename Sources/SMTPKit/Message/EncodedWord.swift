import Foundation

/// RFC 2047 encoded words: how non-ASCII text travels in a header.
///
/// SMTPKit always writes `=?UTF-8?B?…?=` (base64, RFC 2047 §4.1): one form for every
/// script, and safe in every position where an encoded word may appear (RFC 2047 §5).
/// Each word is at most 75 characters (§2) and holds whole characters: text is split between
/// grapheme clusters, and between unicode scalars only when a single cluster is too long
/// for one word, never inside a UTF-8 sequence (§5 rule 3). Words are separated by one
/// space, where a header may be folded (RFC 5322 §2.2.3); a decoder drops that space
/// between adjacent encoded words (RFC 2047 §6.2).
public enum EncodedWord {
    /// The longest an encoded word may be (RFC 2047 §2).
    public static let maximumLength = 75

    /// The fixed part of every word SMTPKit writes: `=?UTF-8?B?` and `?=`.
    private static let prefix = "=?UTF-8?B?"
    private static let suffix = "?="

    /// True when `text` cannot go into a header as it is: it has a character outside
    /// printable ASCII (tabs and controls included), or a `=?` that a reader could take
    /// for the start of an encoded word (RFC 2047 §6.1).
    public static func needsEncoding(_ text: String) -> Bool {
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            guard (0x20...0x7E).contains(scalar.value) else { return true }
            if previous == "=", scalar == "?" { return true }
            previous = scalar
        }
        return false
    }

    /// Header-safe text for an unstructured header such as Subject (RFC 5322 §3.2.5, RFC 2047 §5(1)):
    /// `text` unchanged when ``needsEncoding(_:)`` is false, otherwise its encoded words joined
    /// by single spaces. `firstWordLimit` bounds the first word, so it fits on the first header
    /// line after the field name (e.g. `78 - "Subject: ".count`).
    public static func headerText(_ text: String, firstWordLimit: Int = maximumLength) -> String {
        guard needsEncoding(text) else { return text }
        return encode(text, firstWordLimit: firstWordLimit).joined(separator: " ")
    }

    /// Encodes all of `text` as `=?UTF-8?B?…?=` words of at most 75 characters (the first at
    /// most `firstWordLimit`, clamped to 20...75), split between characters. Empty text gives no words.
    public static func encode(_ text: String, firstWordLimit: Int = maximumLength) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var budget = payloadOctets(forWordLength: min(max(firstWordLimit, 20), maximumLength))

        func flush() {
            words.append(prefix + Data(current).base64EncodedString() + suffix)
            current.removeAll(keepingCapacity: true)
            budget = payloadOctets(forWordLength: maximumLength)
        }

        for character in text {
            let octets = Array(character.utf8)
            if current.count + octets.count <= budget {
                current += octets
                continue
            }
            if !current.isEmpty { flush() }
            if octets.count <= budget {
                current = octets
                continue
            }
            // One grapheme cluster longer than a word (long emoji sequences, stacked marks):
            // split it between unicode scalars, which still keeps every UTF-8 sequence whole.
            for scalar in character.unicodeScalars {
                let scalarOctets = Array(String(scalar).utf8)
                if current.count + scalarOctets.count > budget { flush() }
                current += scalarOctets
            }
        }
        if !current.isEmpty { flush() }
        return words
    }

    /// How many octets fit in a base64 word of `length` characters: the text is a whole
    /// number of 4-character groups, each carrying 3 octets (RFC 2047 §4.1).
    private static func payloadOctets(forWordLength length: Int) -> Int {
        (length - prefix.count - suffix.count) / 4 * 3
    }

    /// Decodes one encoded word (`=?charset?B|Q?text?=`, RFC 2047 §2, §4), or nil when
    /// `word` is not one or uses a charset this decoder does not know. Known charsets:
    /// UTF-8, US-ASCII, ISO-8859-1 and Windows-1252; an RFC 2231 language suffix is ignored.
    public static func decode(word: String) -> String? {
        guard word.hasPrefix("=?"), word.hasSuffix("?="), word.count >= 8 else { return nil }
        let parts = word.dropFirst(2).dropLast(2).split(separator: "?", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[2].isEmpty else { return nil }
        let charset = parts[0].split(separator: "*").first.map { $0.lowercased() } ?? ""
        let octets: [UInt8]
        switch parts[1].lowercased() {
        case "b":
            var text = String(parts[2])
            while text.count % 4 != 0 { text += "=" }
            guard let data = Data(base64Encoded: text) else { return nil }
            octets = Array(data)
        case "q":
            guard let decoded = decodeQ(parts[2]) else { return nil }
            octets = decoded
        default:
            return nil
        }
        let encoding: String.Encoding
        switch charset {
        case "utf-8", "utf8": encoding = .utf8
        case "us-ascii", "ascii": encoding = .ascii
        case "iso-8859-1", "latin1", "iso_8859-1": encoding = .isoLatin1
        case "windows-1252", "cp1252": encoding = .windowsCP1252
        default: return nil
        }
        return String(data: Data(octets), encoding: encoding)
    }

    /// The "Q" encoding (RFC 2047 §4.2): `_` is a space, `=XX` an octet.
    private static func decodeQ(_ text: Substring) -> [UInt8]? {
        var out: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "_"): out.append(0x20)
            case UInt8(ascii: "="):
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return nil }
                out.append(value)
            default: out.append(byte)
            }
        }
        return out
    }
}
