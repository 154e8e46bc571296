import Testing
import SMTPKit

@Suite("Command encoding (RFC 5321 §4.1.1, RFC 4954 §4, RFC 2920 §3.1)")
struct CommandTests {
    typealias S = ProtocolTestSupport

    @Test("exact wire bytes", arguments: [
        (Command.ehlo("client.example.org"), "EHLO client.example.org\r\n"),
        (.ehlo("[127.0.0.1]"), "EHLO [127.0.0.1]\r\n"),
        (.ehlo("[IPv6:::1]"), "EHLO [IPv6:::1]\r\n"),
        (.helo("client.example.org"), "HELO client.example.org\r\n"),
        (.mail(from: "a@b", parameters: []), "MAIL FROM:<a@b>\r\n"),
        (.mail(from: "", parameters: []), "MAIL FROM:<>\r\n"),
        (.mail(from: "a@b", parameters: [.size(10), .body(.eightBitMIME)]), "MAIL FROM:<a@b> SIZE=10 BODY=8BITMIME\r\n"),
        (.mail(from: "", parameters: [.size(0)]), "MAIL FROM:<> SIZE=0\r\n"),
        (.mail(from: "jörg@exämple.de", parameters: [.smtpUTF8]), "MAIL FROM:<jörg@exämple.de> SMTPUTF8\r\n"),
        (.mail(from: "\"john doe\"@example.org", parameters: []), "MAIL FROM:<\"john doe\"@example.org>\r\n"),
        (.rcpt(to: "c@d", parameters: []), "RCPT TO:<c@d>\r\n"),
        (.rcpt(to: "c@d", parameters: [.notify([.success, .failure]), .originalRecipient("c@d")]),
         "RCPT TO:<c@d> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;c@d\r\n"),
        (.rcpt(to: "Postmaster", parameters: []), "RCPT TO:<Postmaster>\r\n"),
        (.data, "DATA\r\n"),
        (.rset, "RSET\r\n"),
        (.noop, "NOOP\r\n"),
        (.quit, "QUIT\r\n"),
        (.startTLS, "STARTTLS\r\n"),
        (.auth(mechanism: "PLAIN", initialResponse: "dGVzdA=="), "AUTH PLAIN dGVzdA==\r\n"),
        (.auth(mechanism: "PLAIN", initialResponse: "="), "AUTH PLAIN =\r\n"),
        (.auth(mechanism: "LOGIN", initialResponse: nil), "AUTH LOGIN\r\n"),
        (.auth(mechanism: "XOAUTH2", initialResponse: "dXNlcj1hAWF1dGg9QmVhcmVyIHQBAQ=="),
         "AUTH XOAUTH2 dXNlcj1hAWF1dGg9QmVhcmVyIHQBAQ==\r\n"),
        (.authResponse("dXNlcg=="), "dXNlcg==\r\n"),
        (.authResponse("*"), "*\r\n"),
        (.authResponse(""), "\r\n"),
    ])
    func wireBytes(command: Command, wire: String) throws {
        #expect(try command.encoded() == S.bytes(wire))
    }

    @Test("names", arguments: [
        (Command.ehlo("x"), "EHLO"), (.helo("x"), "HELO"), (.mail(from: "", parameters: []), "MAIL FROM"),
        (.rcpt(to: "a@b", parameters: []), "RCPT TO"), (.data, "DATA"), (.rset, "RSET"), (.noop, "NOOP"),
        (.quit, "QUIT"), (.startTLS, "STARTTLS"), (.auth(mechanism: "PLAIN", initialResponse: nil), "AUTH"),
        (.authResponse("x"), "AUTH response"),
    ])
    func names(command: Command, name: String) {
        #expect(command.name == name)
    }

    @Test("transcript lines mask SASL data", arguments: [
        (Command.ehlo("client.example.org"), "EHLO client.example.org"),
        (.mail(from: "a@b", parameters: [.size(10)]), "MAIL FROM:<a@b> SIZE=10"),
        (.mail(from: "", parameters: []), "MAIL FROM:<>"),
        (.rcpt(to: "c@d", parameters: []), "RCPT TO:<c@d>"),
        (.data, "DATA"),
        (.startTLS, "STARTTLS"),
        (.auth(mechanism: "PLAIN", initialResponse: "AGFsaWNlAHNlY3JldA=="), "AUTH PLAIN ****"),
        (.auth(mechanism: "PLAIN", initialResponse: "="), "AUTH PLAIN ****"),
        (.auth(mechanism: "XOAUTH2", initialResponse: "dXNlcj1hAWF1dGg9QmVhcmVyIHQBAQ=="), "AUTH XOAUTH2 ****"),
        (.auth(mechanism: "LOGIN", initialResponse: nil), "AUTH LOGIN"),
        (.authResponse("c2VjcmV0"), "****"),
        (.authResponse(""), "****"),
        (.authResponse("*"), "*"),
        (.rcpt(to: "a@b>\r\nRCPT TO:<evil@x", parameters: []), "RCPT TO:<a@b>\\x0D\\x0ARCPT TO:<evil@x>"),
        (.ehlo("a\0b"), "EHLO a\\x00b"),
    ])
    func transcript(command: Command, line: String) {
        #expect(command.transcript == line)
    }

    @Test("a SASL secret never appears in a transcript", arguments: ["AGFsaWNlAHNlY3JldA==", "c2VjcmV0", "=", "s3cr3t"])
    func secretsNeverShown(secret: String) {
        #expect(!Command.auth(mechanism: "PLAIN", initialResponse: secret).transcript.contains(secret))
        #expect(!Command.authResponse(secret).transcript.contains(secret))
    }

    @Test("commands compare by value")
    func equality() {
        #expect(Command.mail(from: "a@b", parameters: [.size(1)]) == .mail(from: "a@b", parameters: [.size(1)]))
        #expect(Command.mail(from: "a@b", parameters: [.size(1)]) != .mail(from: "a@b", parameters: []))
        #expect(Command.auth(mechanism: "PLAIN", initialResponse: nil) != .auth(mechanism: "PLAIN", initialResponse: "="))
    }
}
