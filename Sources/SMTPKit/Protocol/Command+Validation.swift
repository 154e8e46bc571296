extension Command {
    /// Reasons an argument is refused, as the end of "Invalid <field>: it …".
    enum Reason {
        static let lineBreak = "contains a line break (CR or LF)"
        static let nul = "contains a NUL character"
        static let angleBracket = "contains an angle bracket ('<' or '>')"
        static let whitespace = "contains a space or tab"
        static let empty = "is empty"
        static let emptyInitialResponse = "is empty (send \"=\" for an empty initial response, RFC 4954 §4)"
    }

    /// Checks every argument before anything is encoded (RFC 5321 §2.3.8, §4.1.2; RFC 4954 §4).
    func validate() throws {
        switch self {
        case .ehlo(let domain):
            try Self.check(domain, field: "EHLO name", allowEmpty: false, allowWhitespace: false)
        case .helo(let domain):
            try Self.check(domain, field: "HELO name", allowEmpty: false, allowWhitespace: false)
        case .mail(let from, let parameters):
            try Self.check(from, field: "sender address", allowEmpty: true, allowWhitespace: true, isAddress: true)
            for parameter in parameters {
                try Self.check(parameter.text, field: "MAIL parameter", allowEmpty: false, allowWhitespace: false)
            }
        case .rcpt(let to, let parameters):
            try Self.check(to, field: "recipient address", allowEmpty: false, allowWhitespace: true, isAddress: true)
            for parameter in parameters {
                try Self.check(parameter.text, field: "RCPT parameter", allowEmpty: false, allowWhitespace: false)
            }
        case .auth(let mechanism, let initialResponse):
            try Self.check(mechanism, field: "AUTH mechanism", allowEmpty: false, allowWhitespace: false)
            if let initialResponse {
                try Self.check(initialResponse, field: "AUTH response", allowEmpty: true, allowWhitespace: false)
                if initialResponse.isEmpty {
                    throw SMTPProtocolError.invalidArgument(field: "AUTH response", reason: Reason.emptyInitialResponse)
                }
            }
        case .authResponse(let response):
            try Self.check(response, field: "AUTH response", allowEmpty: true, allowWhitespace: true)
        case .bdat(let size, _):
            if size < 0 { throw SMTPProtocolError.invalidArgument(field: "BDAT size", reason: "is negative (\(size))") }
        case .data, .rset, .noop, .quit, .startTLS:
            break
        }
    }

    /// Throws `invalidArgument(field:reason:)` for the first problem found in `value`:
    /// line breaks first, as those are what an injection attempt needs.
    private static func check(
        _ value: String, field: String, allowEmpty: Bool, allowWhitespace: Bool, isAddress: Bool = false
    ) throws {
        var hasNUL = false, hasBracket = false, hasWhitespace = false
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                throw SMTPProtocolError.invalidArgument(field: field, reason: Reason.lineBreak)
            case 0: hasNUL = true
            case UInt8(ascii: "<"), UInt8(ascii: ">"): hasBracket = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"): hasWhitespace = true
            default: break
            }
        }
        if hasNUL { throw SMTPProtocolError.invalidArgument(field: field, reason: Reason.nul) }
        if isAddress, hasBracket {
            throw SMTPProtocolError.invalidArgument(field: field, reason: Reason.angleBracket)
        }
        if !allowEmpty, value.isEmpty {
            throw SMTPProtocolError.invalidArgument(field: field, reason: Reason.empty)
        }
        if !allowWhitespace, hasWhitespace {
            throw SMTPProtocolError.invalidArgument(field: field, reason: Reason.whitespace)
        }
    }
}
