/// A lexical token of an address header (RFC 5322 §3.2): atoms, quoted strings,
/// domain literals and single specials. Comments and white space are dropped but
/// remembered in ``spaceBefore`` so the parser can refuse spaces inside an addr-spec.
struct AddressToken: Equatable {
    enum Kind: Equatable {
        /// A run of atext (RFC 5322 §3.2.3), including UTF-8 (RFC 6532 §3.2).
        case atom(String)
        /// The unescaped content of a quoted-string (RFC 5322 §3.2.4).
        case quoted(String)
        /// A domain literal, brackets included (RFC 5322 §3.4.1).
        case literal(String)
        /// One of `< > : ; @ , .`.
        case special(Unicode.Scalar)
    }

    var kind: Kind
    /// White space or a comment came right before this token.
    var spaceBefore: Bool
    /// Where the token is, in unicode scalars of the input.
    var range: Range<Int>

    func isSpecial(_ scalar: Unicode.Scalar) -> Bool { kind == .special(scalar) }

    /// The token as the user wrote it, for error messages.
    var display: String {
        switch kind {
        case .atom(let text): text
        case .quoted(let text): "\"" + text + "\""
        case .literal(let text): text
        case .special(let scalar): String(Character(scalar))
        }
    }
}

/// The reason an address is invalid, before it is attached to the offending text.
struct AddressSyntaxError: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Splits address text into ``AddressToken``s (RFC 5322 §3.2.1–§3.2.5).
enum AddressLexer {
    /// The reason `text` cannot appear in an address or header at all, or nil.
    /// CR, LF and NUL are refused everywhere: they would inject SMTP commands or headers.
    static func controlCharacterProblem(in text: String) -> String? {
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0D, 0x0A:
                return "it contains a line break (CR or LF), which could inject commands or headers"
            case 0x00:
                return "it contains a NUL character"
            case 0x09:
                continue
            case 0x01...0x1F, 0x7F, 0x80...0x9F:
                return "it contains the control character U+"
                    + MessageText.padded(String(scalar.value, radix: 16, uppercase: true), to: 4)
            default:
                continue
            }
        }
        return nil
    }

    /// True for RFC 5322 §3.2.3 atext, extended with every non-ASCII scalar (RFC 6532 §3.2).
    static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39: return true
        case 0x80...: return true
        default: return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar)
        }
    }

    static func tokens(_ scalars: [Unicode.Scalar]) throws(AddressSyntaxError) -> [AddressToken] {
        var result: [AddressToken] = []
        var index = 0
        var space = false
        while index < scalars.count {
            let scalar = scalars[index]
            let start = index
            switch scalar {
            case " ", "\t":
                space = true
                index += 1
                continue
            case "(":
                index = try skipComment(scalars, from: index)
                space = true
                continue
            case ")":
                throw AddressSyntaxError("unbalanced parentheses: ')' without a matching '('")
            case "\"":
                let (content, end) = try quotedString(scalars, from: index)
                index = end
                result.append(AddressToken(kind: .quoted(content), spaceBefore: space, range: start..<end))
            case "[":
                var end = index + 1
                while end < scalars.count, scalars[end] != "]" {
                    if scalars[end] == "[" || scalars[end] == "\\" {
                        throw AddressSyntaxError("the domain literal contains '\(scalars[end])'")
                    }
                    end += 1
                }
                guard end < scalars.count else {
                    throw AddressSyntaxError("unbalanced brackets: a '[' is never closed")
                }
                end += 1
                var text = ""
                text.unicodeScalars.append(contentsOf: scalars[index..<end])
                index = end
                result.append(AddressToken(kind: .literal(text), spaceBefore: space, range: start..<end))
            case "]":
                throw AddressSyntaxError("unbalanced brackets: ']' without a matching '['")
            case "\\":
                throw AddressSyntaxError("it contains a backslash outside quotes")
            case "<", ">", ":", ";", "@", ",", ".":
                index += 1
                result.append(AddressToken(kind: .special(scalar), spaceBefore: space, range: start..<index))
            default:
                var text = ""
                while index < scalars.count, isAtext(scalars[index]) {
                    text.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard !text.isEmpty else {
                    throw AddressSyntaxError("it contains the unexpected character '\(scalar)'")
                }
                result.append(AddressToken(kind: .atom(text), spaceBefore: space, range: start..<index))
            }
            space = false
        }
        return result
    }

    /// Skips a (possibly nested) comment starting at `start` (RFC 5322 §3.2.2); returns the index after it.
    private static func skipComment(_ scalars: [Unicode.Scalar], from start: Int) throws(AddressSyntaxError) -> Int {
        var depth = 0
        var index = start
        while index < scalars.count {
            switch scalars[index] {
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return index + 1 }
            case "\\": index += 1
            default: break
            }
            index += 1
        }
        throw AddressSyntaxError("unbalanced parentheses: a '(' comment is never closed")
    }

    /// Reads a quoted-string starting at the `"` at `start` (RFC 5322 §3.2.4); returns its
    /// unescaped content and the index after the closing quote.
    private static func quotedString(
        _ scalars: [Unicode.Scalar], from start: Int
    ) throws(AddressSyntaxError) -> (String, Int) {
        var content = ""
        var index = start + 1
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\"" { return (content, index + 1) }
            if scalar == "\\" {
                index += 1
                guard index < scalars.count else { break }
            }
            content.unicodeScalars.append(scalars[index])
            index += 1
        }
        throw AddressSyntaxError("unbalanced quotes: a '\"' is never closed")
    }
}
