/// An SMTP command the client sends, one case per command (RFC 5321 §4.1.1).
///
/// ``encoded()`` validates the arguments and returns the exact line for the wire, CRLF
/// included; ``transcript`` is the same line for a user to see, with secrets masked.
public enum Command: Sendable, Equatable {
    /// `EHLO domain` — opens the session and asks for the server's extensions (RFC 5321 §4.1.1.1).
    /// The argument is a fully qualified domain name or an address literal such as `[127.0.0.1]`.
    case ehlo(String)
    /// `HELO domain` — the pre-ESMTP greeting, for servers that refuse EHLO (RFC 5321 §4.1.1.1).
    case helo(String)
    /// `MAIL FROM:<reverse-path> [parameters]` (RFC 5321 §4.1.1.2). `from` is the addr-spec
    /// without angle brackets, already in its wire form (``Envelope/wireAddresses(smtpUTF8:)``);
    /// `""` is the null reverse-path `<>` (§4.5.5).
    case mail(from: String, parameters: [MailParameter])
    /// `RCPT TO:<forward-path> [parameters]` (RFC 5321 §4.1.1.3); `to` without angle brackets.
    case rcpt(to: String, parameters: [RecipientParameter])
    /// `DATA` — the message follows after a 354 reply (RFC 5321 §4.1.1.4).
    case data
    /// `BDAT size [LAST]` — the next `size` octets are message data, sent right after the
    /// line; `LAST` ends the message (RFC 3030 §2). Only when the server offers CHUNKING.
    case bdat(size: Int, last: Bool)
    /// `RSET` — abort the current mail transaction (RFC 5321 §4.1.1.5).
    case rset
    /// `NOOP` (RFC 5321 §4.1.1.9).
    case noop
    /// `QUIT` (RFC 5321 §4.1.1.10).
    case quit
    /// `STARTTLS` (RFC 3207 §4). Always sent alone, never pipelined.
    case startTLS
    /// `AUTH mechanism [initial-response]` (RFC 4954 §4). The initial response is already base64;
    /// `"="` stands for an empty one. The response is a secret and masked in ``transcript``.
    case auth(mechanism: String, initialResponse: String?)
    /// A base64 line answering a 334 challenge, or `"*"` to cancel the exchange (RFC 4954 §4).
    case authResponse(String)

    /// The longest command line, CRLF included (RFC 5321 §4.5.3.1.4).
    public static let maxCommandLineLength = 512
    /// The longest line in a SASL exchange, CRLF included (RFC 4954 §4).
    public static let maxAuthLineLength = 12_288

    /// The command's name for messages and logs: `EHLO`, `HELO`, `MAIL FROM`, `RCPT TO`, `DATA`,
    /// `BDAT`, `RSET`, `NOOP`, `QUIT`, `STARTTLS`, `AUTH`, or `AUTH response`.
    public var name: String {
        switch self {
        case .ehlo: "EHLO"
        case .helo: "HELO"
        case .mail: "MAIL FROM"
        case .rcpt: "RCPT TO"
        case .data: "DATA"
        case .bdat: "BDAT"
        case .rset: "RSET"
        case .noop: "NOOP"
        case .quit: "QUIT"
        case .startTLS: "STARTTLS"
        case .auth: "AUTH"
        case .authResponse: "AUTH response"
        }
    }

    /// The line as a user may see it, without CRLF: `MAIL FROM:<a@example.org> SIZE=10`.
    /// SASL data is masked: `AUTH PLAIN ****` when an initial response is given, and `****`
    /// for a response line other than the cancel `*`. Control characters show as `\xNN` (`\x0D\x0A` for CRLF).
    public var transcript: String {
        let line: String
        switch self {
        case .auth(let mechanism, .some):
            line = "AUTH \(mechanism) ****"
        case .authResponse(let response):
            line = response == "*" ? "*" : "****"
        default:
            line = unvalidatedLine
        }
        return ControlCharacters.escaped(line)
    }

    /// The exact bytes for the wire, ending in CRLF.
    ///
    /// Refuses what could change the meaning of the dialogue: CR, LF or NUL in any argument
    /// (command injection, RFC 5321 §2.3.8), `<` or `>` in an address, an empty EHLO/HELO name
    /// or recipient, and lines longer than 512 octets (RFC 5321 §4.5.3.1.4) or, for AUTH and
    /// its responses, 12,288 octets (RFC 4954 §4).
    /// - Throws: ``SMTPProtocolError`` `invalidArgument` naming the field, or `commandTooLong`.
    public func encoded() throws -> [UInt8] {
        try validate()
        var bytes = Array(unvalidatedLine.utf8)
        bytes.append(UInt8(ascii: "\r"))
        bytes.append(UInt8(ascii: "\n"))
        let limit: Int
        switch self {
        case .auth, .authResponse: limit = Self.maxAuthLineLength
        default: limit = Self.maxCommandLineLength
        }
        guard bytes.count <= limit else {
            throw SMTPProtocolError.commandTooLong(command: name, length: bytes.count, limit: limit)
        }
        return bytes
    }

    /// The command line without CRLF and without any checks.
    var unvalidatedLine: String {
        switch self {
        case .ehlo(let domain): "EHLO \(domain)"
        case .helo(let domain): "HELO \(domain)"
        case .mail(let from, let parameters): Self.withParameters("MAIL FROM:<\(from)>", parameters.map(\.text))
        case .rcpt(let to, let parameters): Self.withParameters("RCPT TO:<\(to)>", parameters.map(\.text))
        case .data: "DATA"
        case .bdat(let size, let last): last ? "BDAT \(size) LAST" : "BDAT \(size)"
        case .rset: "RSET"
        case .noop: "NOOP"
        case .quit: "QUIT"
        case .startTLS: "STARTTLS"
        case .auth(let mechanism, let initialResponse?): "AUTH \(mechanism) \(initialResponse)"
        case .auth(let mechanism, nil): "AUTH \(mechanism)"
        case .authResponse(let response): response
        }
    }

    private static func withParameters(_ head: String, _ parameters: [String]) -> String {
        parameters.isEmpty ? head : head + " " + parameters.joined(separator: " ")
    }

}
