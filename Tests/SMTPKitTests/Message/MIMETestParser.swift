import Foundation
@testable import SMTPKit

/// A small, strict MIME reader for the tests (RFC 2045, RFC 2046 §5.1, RFC 2047, RFC 2231):
/// it splits a message into headers and body, multiparts into their parts (recursively), and
/// decodes base64 and quoted-printable bodies. It shares no code with the writer, so a round
/// trip through it checks the writer for real.
struct MIMETestEntity {
    /// Unfolded header fields in order.
    var fields: [(name: String, value: String)]
    /// The body as sent (still transfer-encoded).
    var body: [UInt8]
    /// The parts, for a multipart entity.
    var parts: [MIMETestEntity] = []

    /// The first field called `name`, case-insensitively.
    func field(_ name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// How many fields are called `name`.
    func count(_ name: String) -> Int {
        fields.filter { $0.name.lowercased() == name.lowercased() }.count
    }

    /// `type/subtype` in lower case; `text/plain` when there is no Content-Type (RFC 2045 §5.2).
    var mediaType: String {
        guard let value = field("Content-Type") else { return "text/plain" }
        return MIMETestParser.splitParameters(value).first.map { MessageText.trimmed($0).lowercased() } ?? ""
    }

    /// The Content-Type parameters, RFC 2231 decoded (names in lower case).
    var typeParameters: [String: String] { MIMETestParser.parameters(field("Content-Type") ?? "") }

    /// The Content-Disposition parameters, RFC 2231 decoded.
    var dispositionParameters: [String: String] { MIMETestParser.parameters(field("Content-Disposition") ?? "") }

    /// `attachment` or `inline`, or nil.
    var disposition: String? {
        field("Content-Disposition").flatMap { MIMETestParser.splitParameters($0).first }.map { MessageText.trimmed($0).lowercased() }
    }

    /// The RFC 2231 `filename` of the disposition.
    var filename: String? { dispositionParameters["filename"] }

    /// The RFC 2047-decoded `name` of the Content-Type.
    var legacyName: String? { typeParameters["name"].map(MessageTestSupport.decodeWords) }

    /// The Content-ID without angle brackets.
    var contentID: String? {
        guard let value = field("Content-ID") else { return nil }
        return String(value.dropFirst().dropLast())
    }

    /// The Content-Transfer-Encoding in lower case; `7bit` by default (RFC 2045 §6.1).
    var transferEncoding: String { field("Content-Transfer-Encoding")?.lowercased() ?? "7bit" }

    /// The body decoded from its transfer encoding; nil when it is malformed.
    var decodedBody: [UInt8]? {
        switch transferEncoding {
        case "base64":
            let compact = body.filter { $0 != 13 && $0 != 10 }
            guard compact.count % 4 == 0 else { return nil }
            return Data(base64Encoded: Data(compact)).map { Array($0) }
        case "quoted-printable":
            return MessageTestSupport.decodeQuotedPrintable(body)
        default:
            return body
        }
    }

    /// The decoded body as UTF-8 text.
    var text: String? { decodedBody.flatMap(MessageTestSupport.validUTF8) }

    /// A compact picture of the tree: `multipart/mixed[multipart/related[text/html,image/png],application/pdf]`.
    var shape: String {
        parts.isEmpty ? mediaType : mediaType + "[" + parts.map(\.shape).joined(separator: ",") + "]"
    }

    /// Every leaf, depth first.
    var leaves: [MIMETestEntity] { parts.isEmpty ? [self] : parts.flatMap(\.leaves) }
}

enum MIMETestParser {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Parses a whole message or part: header fields up to the first empty line, then the body;
    /// a multipart body is split at its boundary and each part parsed in turn.
    static func parse(_ bytes: [UInt8]) throws -> MIMETestEntity {
        let (headerBytes, body) = try splitHeader(bytes)
        var fields: [(name: String, value: String)] = []
        for line in String(decoding: headerBytes, as: UTF8.self).components(separatedBy: "\r\n") where !line.isEmpty {
            if line.first == " " || line.first == "\t" {
                guard !fields.isEmpty else { throw Failure(description: "a continuation line before any field") }
                fields[fields.count - 1].value += line
            } else {
                guard let colon = line.firstIndex(of: ":") else { throw Failure(description: "a header line without ':': \(line)") }
                fields.append((String(line[..<colon]), MessageText.trimmed(line[line.index(after: colon)...])))
            }
        }
        var entity = MIMETestEntity(fields: fields, body: body)
        if entity.mediaType.hasPrefix("multipart/") {
            guard let boundary = entity.typeParameters["boundary"] else { throw Failure(description: "a multipart without boundary") }
            entity.parts = try split(body, boundary: boundary).map(parse)
        }
        return entity
    }

    /// Header bytes (with the CRLF of the last line) and the body after the empty line.
    private static func splitHeader(_ bytes: [UInt8]) throws -> ([UInt8], [UInt8]) {
        if bytes.starts(with: [13, 10]) { return ([], Array(bytes.dropFirst(2))) }
        var index = 0
        while index + 3 < bytes.count {
            if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 {
                return (Array(bytes[..<(index + 2)]), Array(bytes[(index + 4)...]))
            }
            index += 1
        }
        throw Failure(description: "no empty line after the header")
    }

    /// The parts of a multipart body (RFC 2046 §5.1.1): the text between delimiter lines
    /// `--boundary`, the CRLF before each delimiter belonging to the delimiter, up to the
    /// close delimiter `--boundary--`. Delimiter lines must be exact.
    static func split(_ body: [UInt8], boundary: String) throws -> [[UInt8]] {
        let dash = Array(("--" + boundary).utf8)
        var lineStarts = [0]
        body.withUnsafeBufferPointer { buffer in
            var index = 0
            while index + 1 < buffer.count {
                if buffer[index] == 13, buffer[index + 1] == 10, index + 2 < buffer.count, buffer[index + 2] == dash[0] {
                    lineStarts.append(index + 2)
                }
                index += 1
            }
        }
        var delimiters: [(start: Int, contentStart: Int, isClose: Bool)] = []
        for start in lineStarts where body.count >= start + dash.count && body[start..<start + dash.count].elementsEqual(dash) {
            let rest = body[(start + dash.count)...].prefix(2)
            if rest.elementsEqual([13, 10]) {
                delimiters.append((start, start + dash.count + 2, false))
            } else if rest.elementsEqual(Array("--".utf8)) {
                delimiters.append((start, start + dash.count + 2, true))
                break
            } else {
                throw Failure(description: "a line starts with the boundary but is not a delimiter")
            }
        }
        guard let last = delimiters.last, last.isClose else { throw Failure(description: "no close delimiter for \(boundary)") }
        guard delimiters.count >= 2 else { throw Failure(description: "a multipart without parts") }
        var parts: [[UInt8]] = []
        for (current, next) in zip(delimiters, delimiters.dropFirst()) {
            let end = next.start - 2
            guard end >= current.contentStart, body[end] == 13, body[end + 1] == 10 else {
                throw Failure(description: "a delimiter not preceded by CRLF")
            }
            parts.append(Array(body[current.contentStart..<end]))
        }
        return parts
    }

    /// Splits a structured value at `;` outside quotes.
    static func splitParameters(_ value: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        for character in value {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\", inQuotes {
                current.append(character)
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
                current.append(character)
            } else if character == ";", !inQuotes {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        return pieces
    }

    /// The parameters of a Content-Type or Content-Disposition value, with quoted strings
    /// unescaped and RFC 2231 extended values (`name*=charset''%XX`) and continuations
    /// (`name*0*=`, `name*1=`) put together and decoded.
    static func parameters(_ value: String) -> [String: String] {
        var plain: [String: String] = [:]
        var sections: [String: [(index: Int, extended: Bool, value: String)]] = [:]
        for piece in splitParameters(value).dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = MessageText.trimmed(piece[..<equals]).lowercased()
            var raw = MessageText.trimmed(piece[piece.index(after: equals)...])
            if raw.hasPrefix("\""), raw.hasSuffix("\""), raw.count >= 2 {
                var unescaped = ""
                var escaped = false
                for character in raw.dropFirst().dropLast() {
                    if escaped || character != "\\" {
                        unescaped.append(character)
                        escaped = false
                    } else {
                        escaped = true
                    }
                }
                raw = unescaped
            }
            let parts = name.split(separator: "*", omittingEmptySubsequences: false)
            if parts.count == 1 {
                plain[name] = raw
            } else {
                let base = String(parts[0])
                let extended = name.hasSuffix("*")
                let index = parts.count >= 2 ? Int(parts[1]) ?? 0 : 0
                sections[base, default: []].append((index, extended, raw))
            }
        }
        for (base, list) in sections {
            var octets: [UInt8] = []
            for section in list.sorted(by: { $0.index < $1.index }) {
                var text = section.value
                if section.index == 0, section.extended {
                    let pieces = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    text = pieces.count == 3 ? String(pieces[2]) : text
                }
                octets += section.extended ? percentDecoded(text) : Array(text.utf8)
            }
            plain[base] = String(decoding: octets, as: UTF8.self)
        }
        return plain
    }

    private static func percentDecoded(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                out.append(value)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }
}
