extension RawMessageHeaders {
    /// A field and the octets it occupies in the message.
    struct ParsedField {
        var field: Field
        var range: Range<Int>
    }

    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A
    private static let colon = UInt8(ascii: ":")

    /// Splits `section` into fields (RFC 5322 §2.2): a line that starts with white space continues
    /// the field before it (§2.2.3), any other line is `name ":" value`, where the name is printable
    /// ASCII other than `:` (§2.2) and may be followed by white space before the colon (§4.5).
    static func parseFields(_ section: ArraySlice<UInt8>) throws -> [ParsedField] {
        var result: [ParsedField] = []
        var name = ""
        var value: [UInt8] = []
        var start: Int?
        var end = section.startIndex
        var lineNumber = 0
        var index = section.startIndex
        func flush() {
            guard let start else { return }
            let text = String(decoding: trimmed(value[...]), as: UTF8.self)
            result.append(ParsedField(field: Field(name: name, value: text), range: start..<end))
        }
        while index < section.endIndex {
            lineNumber += 1
            let lineStart = index
            while index < section.endIndex, section[index] != cr, section[index] != lf { index += 1 }
            let content = section[lineStart..<index]
            if index < section.endIndex {
                let twoOctetEnd = section[index] == cr && index + 1 < section.endIndex && section[index + 1] == lf
                index += twoOctetEnd ? 2 : 1
            }
            if let first = content.first, isWhiteSpace(first) {
                guard start != nil else {
                    throw MessageError.invalidHeader(
                        name: shown(content),
                        reason: "line \(lineNumber) starts with white space, but there is no header field before it "
                            + "to continue (RFC 5322 §2.2.3)")
                }
                value += content
                end = index
                continue
            }
            flush()
            guard let colonIndex = content.firstIndex(of: colon) else {
                throw notAField(content, line: lineNumber, reason: "it has no ':'")
            }
            let nameOctets = trimmed(content[..<colonIndex])
            if nameOctets.isEmpty {
                throw notAField(content, line: lineNumber, reason: "the field name before ':' is empty")
            }
            if let bad = nameOctets.first(where: { !(0x21...0x7E).contains($0) }) {
                let what = bad == 0x20 || bad == 0x09 ? "white space" : "the octet 0x" + hex(bad)
                throw notAField(content, line: lineNumber, reason: "the field name contains \(what)")
            }
            name = String(decoding: nameOctets, as: UTF8.self)
            value = Array(content[(colonIndex + 1)...])
            start = lineStart
            end = index
        }
        flush()
        return result
    }

    private static func notAField(_ content: ArraySlice<UInt8>, line: Int, reason: String) -> MessageError {
        MessageError.invalidHeader(
            name: shown(content),
            reason: "line \(line) of the header section is not a header field (\(reason)); a message must start "
                + "with \"Name: value\" fields, then an empty line, then the body (RFC 5322 §2.1, §2.2)")
    }

    /// The start of a line, for an error message.
    private static func shown(_ content: ArraySlice<UInt8>) -> String {
        let limit = 60
        let text = String(decoding: content.prefix(limit), as: UTF8.self)
        return content.count > limit ? text + "…" : text
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    private static func isWhiteSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09
    }

    /// `octets` without the spaces and tabs at either end.
    private static func trimmed(_ octets: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = octets
        while let first = slice.first, isWhiteSpace(first) { slice.removeFirst() }
        while let last = slice.last, isWhiteSpace(last) { slice.removeLast() }
        return slice
    }
}
