import Foundation
@testable import SMTPKit

/// Independent decoders for checking what the message layer writes: they share no code
/// with the encoders, so a round trip through them tests the encoders for real.
enum MessageTestSupport {
    /// The header block of a rendered message, as raw lines (CRLF removed), up to the empty line.
    static func headerLines(_ message: [UInt8]) -> [String] {
        let text = String(decoding: message, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return [] }
        return text[..<end.lowerBound].components(separatedBy: "\r\n")
    }

    /// The body of a rendered message (after the first empty line).
    static func body(_ message: [UInt8]) -> [UInt8] {
        let marker: [UInt8] = [13, 10, 13, 10]
        for index in 0...(message.count - 4) where Array(message[index..<index + 4]) == marker {
            return Array(message[(index + 4)...])
        }
        return []
    }

    /// Unfolded header fields `(name, value)` in order (RFC 5322 §2.2.3: remove each CRLF before WSP).
    static func fields(_ message: [UInt8]) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        for line in headerLines(message) {
            if line.first == " " || line.first == "\t", !fields.isEmpty {
                fields[fields.count - 1].value += line
            } else if let colon = line.firstIndex(of: ":") {
                var value = String(line[line.index(after: colon)...])
                if value.first == " " { value.removeFirst() }
                fields.append((String(line[..<colon]), value))
            }
        }
        return fields
    }

    /// The unfolded value of the first field called `name`.
    static func field(_ name: String, in message: [UInt8]) -> String? {
        fields(message).first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Decodes RFC 2047 `=?UTF-8?B?…?=` words in an unfolded value; white space between two
    /// adjacent encoded words is dropped (RFC 2047 §6.2).
    static func decodeWords(_ value: String) -> String {
        var out = ""
        var previousEncoded = false
        var index = value.startIndex
        while index < value.endIndex {
            var spaceEnd = index
            while spaceEnd < value.endIndex, value[spaceEnd] == " " || value[spaceEnd] == "\t" {
                spaceEnd = value.index(after: spaceEnd)
            }
            var wordEnd = spaceEnd
            while wordEnd < value.endIndex, value[wordEnd] != " ", value[wordEnd] != "\t" {
                wordEnd = value.index(after: wordEnd)
            }
            let space = String(value[index..<spaceEnd])
            let word = String(value[spaceEnd..<wordEnd])
            if let decoded = decodeWord(word) {
                if !previousEncoded { out += space }
                out += decoded
                previousEncoded = true
            } else {
                out += space + word
                previousEncoded = false
            }
            index = wordEnd
        }
        return out
    }

    /// One `=?UTF-8?B?…?=` word, or nil when `word` is not one or is not whole UTF-8.
    static func decodeWord(_ word: String) -> String? {
        let prefix = "=?UTF-8?B?"
        guard word.hasPrefix(prefix), word.hasSuffix("?="), word.count > prefix.count + 2 else { return nil }
        let payload = String(word.dropFirst(prefix.count).dropLast(2))
        guard let data = Data(base64Encoded: payload) else { return nil }
        return validUTF8(Array(data))
    }

    /// The lines of a rendered header field (which ends in CRLF), CRLF removed.
    static func lines(of rendered: String) -> [String] {
        Array(rendered.components(separatedBy: "\r\n").dropLast())
    }

    /// The encoded words in a header line.
    static func encodedWords(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init).filter { $0.hasPrefix("=?") }
    }

    /// Decodes quoted-printable (RFC 2045 §6.7): `=` CRLF is a soft break, `=XX` an octet.
    static func decodeQuotedPrintable(_ encoded: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        var index = 0
        while index < encoded.count {
            let byte = encoded[index]
            if byte == UInt8(ascii: "=") {
                guard index + 2 < encoded.count else { return nil }
                if encoded[index + 1] == 13, encoded[index + 2] == 10 {
                    index += 3
                    continue
                }
                guard let value = UInt8(String(decoding: encoded[index + 1...index + 2], as: UTF8.self), radix: 16)
                else { return nil }
                out.append(value)
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    /// Lines of `bytes` split at CRLF (the last, empty piece after a final CRLF dropped).
    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 13, index + 1 < bytes.count, bytes[index + 1] == 10 {
                result.append(current)
                current = []
                index += 2
            } else {
                current.append(bytes[index])
                index += 1
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// A fresh path in the temporary directory.
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("smtpkit-message-\(UUID().uuidString)-\(name)").path
    }

    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func temporaryFile(_ bytes: [UInt8], name: String = "message.eml") throws -> String {
        let path = temporaryPath(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The text of `bytes` when they are whole, valid UTF-8; nil otherwise.
    static func validUTF8(_ bytes: [UInt8]) -> String? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var scalars = String.UnicodeScalarView()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: return String(scalars)
            case .error: return nil
            }
        }
    }
}
