import Testing
import SMTPKit

@Suite("Command validation: injection and length limits (RFC 5321 §2.3.8, §4.5.3.1.4; RFC 4954 §4)")
struct CommandValidationTests {
    static let lineBreak = "contains a line break (CR or LF)"
    static let nul = "contains a NUL character"
    static let bracket = "contains an angle bracket ('<' or '>')"
    static let empty = "is empty"
    static let whitespace = "contains a space or tab"

    @Test("CR, LF and NUL are refused in every field", arguments: [
        (Command.rcpt(to: "a@b>\r\nRCPT TO:<evil@x", parameters: []), "recipient address", lineBreak),
        (.rcpt(to: "a@b\r", parameters: []), "recipient address", lineBreak),
        (.rcpt(to: "a@b\nDATA", parameters: []), "recipient address", lineBreak),
        (.rcpt(to: "a\0@b", parameters: []), "recipient address", nul),
        (.mail(from: "a@b>\r\nRCPT TO:<evil@x", parameters: []), "sender address", lineBreak),
        (.mail(from: "a@b\n", parameters: []), "sender address", lineBreak),
        (.mail(from: "a\0b", parameters: []), "sender address", nul),
        (.ehlo("x\r\nMAIL FROM:<>"), "EHLO name", lineBreak),
        (.ehlo("x\r"), "EHLO name", lineBreak),
        (.ehlo("x\0"), "EHLO name", nul),
        (.helo("x\nQUIT"), "HELO name", lineBreak),
        (.helo("\0"), "HELO name", nul),
        (.mail(from: "a@b", parameters: [.other(keyword: "SIZE", value: "1\r\nRCPT TO:<e@x>")]), "MAIL parameter", lineBreak),
        (.mail(from: "a@b", parameters: [.size(1), .other(keyword: "BODY", value: "8BITMIME\0")]), "MAIL parameter", nul),
        (.rcpt(to: "c@d", parameters: [.other(keyword: "NOTIFY", value: "NEVER\n")]), "RCPT parameter", lineBreak),
        (.rcpt(to: "c@d", parameters: [.other(keyword: "\0", value: nil)]), "RCPT parameter", nul),
        (.auth(mechanism: "PLAIN\r\nQUIT", initialResponse: nil), "AUTH mechanism", lineBreak),
        (.auth(mechanism: "PL\0AIN", initialResponse: nil), "AUTH mechanism", nul),
        (.auth(mechanism: "PLAIN", initialResponse: "dGVzdA==\r\nQUIT"), "AUTH response", lineBreak),
        (.auth(mechanism: "PLAIN", initialResponse: "dGVz\0dA=="), "AUTH response", nul),
        (.authResponse("abc\r\nQUIT"), "AUTH response", lineBreak),
        (.authResponse("abc\n"), "AUTH response", lineBreak),
        (.authResponse("\0"), "AUTH response", nul),
    ])
    func injection(command: Command, field: String, reason: String) {
        #expect(throws: SMTPProtocolError.invalidArgument(field: field, reason: reason)) { try command.encoded() }
    }

    @Test("other invalid arguments", arguments: [
        (Command.rcpt(to: "<a@b>", parameters: []), "recipient address", bracket),
        (.rcpt(to: "a@b>", parameters: []), "recipient address", bracket),
        (.mail(from: "<a@b", parameters: []), "sender address", bracket),
        (.mail(from: "<>", parameters: []), "sender address", bracket),
        (.rcpt(to: "", parameters: []), "recipient address", empty),
        (.ehlo(""), "EHLO name", empty),
        (.helo(""), "HELO name", empty),
        (.ehlo("my host"), "EHLO name", whitespace),
        (.ehlo("host\t"), "EHLO name", whitespace),
        (.mail(from: "a@b", parameters: [.other(keyword: "", value: nil)]), "MAIL parameter", empty),
        (.mail(from: "a@b", parameters: [.other(keyword: "SIZE", value: "1 BODY=8BITMIME")]), "MAIL parameter", whitespace),
        (.rcpt(to: "a@b", parameters: [.other(keyword: "", value: nil)]), "RCPT parameter", empty),
        (.auth(mechanism: "", initialResponse: nil), "AUTH mechanism", empty),
        (.auth(mechanism: "PLAIN X", initialResponse: nil), "AUTH mechanism", whitespace),
        (.auth(mechanism: "PLAIN", initialResponse: ""), "AUTH response",
         "is empty (send \"=\" for an empty initial response, RFC 4954 §4)"),
        (.auth(mechanism: "PLAIN", initialResponse: "dGVz dA=="), "AUTH response", whitespace),
    ])
    func invalid(command: Command, field: String, reason: String) {
        #expect(throws: SMTPProtocolError.invalidArgument(field: field, reason: reason)) { try command.encoded() }
    }

    @Test("the error names the field")
    func errorText() throws {
        let error = try #require(throws: SMTPProtocolError.self) {
            try Command.rcpt(to: "a@b>\r\nRCPT TO:<evil@x", parameters: []).encoded()
        }
        #expect(error.kind == .invalidArgument)
        #expect(error.description
            == "Invalid recipient address: it contains a line break (CR or LF). Correct the recipient address and try again.")
    }

    /// A command of `length` octets including CRLF, built by padding the variable part.
    static func command(_ name: String, length: Int) -> Command {
        switch name {
        case "EHLO": .ehlo(String(repeating: "e", count: length - 7))
        case "MAIL FROM": .mail(from: String(repeating: "m", count: length - 14), parameters: [])
        case "MAIL params": .mail(from: "a@b", parameters: [.other(keyword: "X", value: String(repeating: "p", count: length - 20))])
        case "RCPT TO": .rcpt(to: String(repeating: "r", count: length - 12), parameters: [])
        case "AUTH": .auth(mechanism: "PLAIN", initialResponse: String(repeating: "A", count: length - 13))
        default: .authResponse(String(repeating: "A", count: length - 2))
        }
    }

    @Test("command lines up to the limit pass, one octet more fails", arguments: [
        ("EHLO", "EHLO", 512), ("MAIL FROM", "MAIL FROM", 512), ("MAIL params", "MAIL FROM", 512),
        ("RCPT TO", "RCPT TO", 512), ("AUTH", "AUTH", 12_288), ("AUTH response", "AUTH response", 12_288),
    ])
    func lengthLimits(kind: String, name: String, limit: Int) throws {
        let atLimit = Self.command(kind, length: limit)
        #expect(try atLimit.encoded().count == limit)
        let over = Self.command(kind, length: limit + 1)
        #expect(throws: SMTPProtocolError.commandTooLong(command: name, length: limit + 1, limit: limit)) {
            try over.encoded()
        }
    }

    @Test("SASL lines may be longer than 512 octets")
    func saslLongerThan512() throws {
        #expect(try Self.command("AUTH", length: 4_000).encoded().count == 4_000)
        #expect(try Self.command("AUTH response", length: 600).encoded().count == 600)
    }

    @Test("length counts UTF-8 octets, not characters")
    func utf8Octets() throws {
        let fits = Command.rcpt(to: String(repeating: "ø", count: 250), parameters: [])
        #expect(try fits.encoded().count == 512)
        let over = Command.rcpt(to: String(repeating: "ø", count: 250) + "x", parameters: [])
        #expect(throws: SMTPProtocolError.commandTooLong(command: "RCPT TO", length: 513, limit: 512)) {
            try over.encoded()
        }
    }

    @Test("the too-long error explains the limit")
    func tooLongText() throws {
        let error = try #require(throws: SMTPProtocolError.self) {
            try Self.command("MAIL FROM", length: 600).encoded()
        }
        #expect(error.kind == .commandTooLong)
        #expect(error.description == "The MAIL FROM command would be 600 octets long, more than the 512 the protocol "
            + "allows (RFC 5321 §4.5.3.1.4, RFC 4954 §4). Shorten its arguments.")
    }
}
