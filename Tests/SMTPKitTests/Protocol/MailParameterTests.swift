import Testing
import SMTPKit

@Suite("MAIL and RCPT parameters (RFC 1870, RFC 6152, RFC 6531, RFC 3461)")
struct MailParameterTests {
    @Test("MAIL parameters on the wire", arguments: [
        (MailParameter.size(1024), "SIZE=1024"),
        (.body(.eightBitMIME), "BODY=8BITMIME"),
        (.body(.sevenBit), "BODY=7BIT"),
        (.smtpUTF8, "SMTPUTF8"),
        (.returnContent(.headers), "RET=HDRS"),
        (.returnContent(.full), "RET=FULL"),
        (.envelopeID("QQ314159"), "ENVID=QQ314159"),
        // xtext (RFC 3461 §4): '+', '=', space, controls and 8-bit octets as +XX.
        (.envelopeID("a+b=c d"), "ENVID=a+2Bb+3Dc+20d"),
        (.envelopeID("ø"), "ENVID=+C3+B8"),
        (.other(keyword: "MT-PRIORITY", value: "3"), "MT-PRIORITY=3"),
        (.other(keyword: "REQUIRETLS", value: nil), "REQUIRETLS"),
    ])
    func mail(parameter: MailParameter, text: String) {
        #expect(parameter.text == text)
    }

    @Test("RCPT parameters on the wire", arguments: [
        (RecipientParameter.notify(.never), "NOTIFY=NEVER"),
        (.notify([.success, .failure, .delay]), "NOTIFY=SUCCESS,FAILURE,DELAY"),
        (.notify([.delay, .failure]), "NOTIFY=FAILURE,DELAY"),
        (.originalRecipient("bob@example.org"), "ORCPT=rfc822;bob@example.org"),
        (.originalRecipient("b+o=b@example.org"), "ORCPT=rfc822;b+2Bo+3Db@example.org"),
    ])
    func rcpt(parameter: RecipientParameter, text: String) {
        #expect(parameter.text == text)
    }

    @Test func parametersFollowTheAddressInTheCommandLine() throws {
        let mail = Command.mail(from: "a@example.org", parameters: [.size(10), .returnContent(.headers), .envelopeID("x y")])
        #expect(try mail.encoded() == Array("MAIL FROM:<a@example.org> SIZE=10 RET=HDRS ENVID=x+20y\r\n".utf8))
        let rcpt = Command.rcpt(to: "b@example.org", parameters: [.notify(.failure), .originalRecipient("b@example.org")])
        #expect(try rcpt.encoded() == Array("RCPT TO:<b@example.org> NOTIFY=FAILURE ORCPT=rfc822;b@example.org\r\n".utf8))
    }
}
