import Testing
import SMTPKit

@Suite("Reply and enhanced status codes (RFC 5321 §4.2, RFC 2034, RFC 3463)")
struct ReplyTests {
    typealias S = ProtocolTestSupport

    @Test("enhanced status code on the first line", arguments: [
        (550, "5.1.1 <x@example.org>: Recipient address rejected", "5.1.1", "<x@example.org>: Recipient address rejected"),
        (250, "2.0.0 Ok: queued as 4Xyz1234", "2.0.0", "Ok: queued as 4Xyz1234"),
        (535, "5.7.8 Authentication credentials invalid", "5.7.8", "Authentication credentials invalid"),
        (451, "4.7.1 Try again later", "4.7.1", "Try again later"),
        (530, "5.7.0 Must issue a STARTTLS command first", "5.7.0", "Must issue a STARTTLS command first"),
        (250, "2.0.0", "2.0.0", ""),
        (250, "2.0.0 ", "2.0.0", ""),
        (250, "2.100.100 x", "2.100.100", "x"),
        (250, "2.1.0  two spaces", "2.1.0", " two spaces"),
        (354, "3.0.0 go ahead", "3.0.0", "go ahead"),
    ])
    func enhancedPresent(code: Int, line: String, status: String, text: String) throws {
        let reply = Reply(code: code, lines: [line])
        #expect(reply.enhancedStatus == EnhancedStatusCode(status))
        #expect(reply.enhancedStatus?.description == status)
        #expect(reply.text == text)
        #expect(reply.lines == [line])
    }

    @Test("no enhanced status code: absent, malformed or of another class", arguments: [
        (250, "5.0.0 x"),
        (550, "2.0.0 x"),
        (250, "Ok"),
        (250, ""),
        (250, "2.0.0x"),
        (250, "2.0.0\tx"),
        (250, "2.0.0.0 x"),
        (250, "2.0"),
        (250, "2.0."),
        (250, "2..0 x"),
        (250, "2.1000.0 x"),
        (250, "2.0.1000 x"),
        (250, " 2.0.0 x"),
        (250, "22.0.0 x"),
        (221, "Bye 2.0.0"),
        (334, "VXNlcm5hbWU6"),
        (250, "8BITMIME"),
    ])
    func enhancedAbsent(code: Int, line: String) {
        let reply = Reply(code: code, lines: [line])
        #expect(reply.enhancedStatus == nil)
        #expect(reply.text == line)
    }

    @Test("text strips the code from every line that carries it")
    func multiLineText() throws {
        let reply = try #require(try S.reply(fromWire:
            "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
            + "550-5.1.1 double-checking the recipient's email address for typos or\r\n"
            + "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1-20020a\r\n"))
        #expect(reply.enhancedStatus == EnhancedStatusCode(klass: 5, subject: 1, detail: 1))
        #expect(reply.text == "The email account that you tried to reach does not exist. Please try\n"
            + "double-checking the recipient's email address for typos or\n"
            + " https://support.google.com/mail/?p=NoSuchUser a1-20020a")
    }

    @Test("text keeps later lines without a code as they are")
    func multiLineMixed() {
        let reply = Reply(code: 554, lines: ["5.7.1 Message rejected", "See https://example.org/policy"])
        #expect(reply.text == "Message rejected\nSee https://example.org/policy")
    }

    @Test("without a code on the first line nothing is stripped")
    func noStripWithoutStatus() {
        let reply = Reply(code: 250, lines: ["mx.example.org", "2.0.0 looks like a code"])
        #expect(reply.enhancedStatus == nil)
        #expect(reply.text == "mx.example.org\n2.0.0 looks like a code")
    }

    @Test("severity from the first digit", arguments: [
        (211, Reply.Severity.positiveCompletion), (220, .positiveCompletion), (250, .positiveCompletion),
        (334, .positiveIntermediate), (354, .positiveIntermediate),
        (421, .transientNegative), (450, .transientNegative), (454, .transientNegative),
        (535, .permanentNegative), (550, .permanentNegative), (554, .permanentNegative),
    ])
    func severity(code: Int, severity: Reply.Severity) {
        let reply = Reply(code: code, lines: ["x"])
        #expect(reply.severity == severity)
        #expect(reply.severity.rawValue == code / 100)
        #expect(reply.isPositive == (code / 100 == 2))
        #expect(reply.isIntermediate == (code / 100 == 3))
        #expect(reply.isTransient == (code / 100 == 4))
        #expect(reply.isPermanent == (code / 100 == 5))
    }

    @Test("description", arguments: [
        (550, ["5.1.1 <x@example.org>: Recipient address rejected"], "550 5.1.1 <x@example.org>: Recipient address rejected"),
        (250, [""], "250"),
        (221, ["Bye"], "221 Bye"),
        (250, ["mx.example.org", "PIPELINING", "SIZE 10240000"], "250 mx.example.org / PIPELINING / SIZE 10240000"),
        (550, ["5.1.1 a", "5.1.1 b"], "550 5.1.1 a / 5.1.1 b"),
    ])
    func description(code: Int, lines: [String], expected: String) {
        #expect(Reply(code: code, lines: lines).description == expected)
    }

    @Test("a reply always has at least one line")
    func emptyLines() {
        let reply = Reply(code: 250, lines: [])
        #expect(reply.lines == [""])
        #expect(reply.text == "")
        #expect(reply == Reply(code: 250, lines: [""]))
    }

    @Test("EnhancedStatusCode parses exactly D.D{1,3}.D{1,3}", arguments: [
        ("5.7.8", 5, 7, 8), ("2.0.0", 2, 0, 0), ("4.4.1", 4, 4, 1), ("5.123.456", 5, 123, 456),
        ("2.1.10", 2, 1, 10), ("3.0.0", 3, 0, 0),
    ])
    func statusValid(text: String, klass: Int, subject: Int, detail: Int) throws {
        let status = try #require(EnhancedStatusCode(text))
        #expect(status == EnhancedStatusCode(klass: klass, subject: subject, detail: detail))
        #expect(status.description == text)
        #expect(EnhancedStatusCode(Substring(text)) == status)
    }

    @Test("EnhancedStatusCode rejects anything else", arguments: [
        "", "5", "5.", "5.7", "5.7.", "5..8", "5.7..8", "1.0.0", "6.0.0", "0.0.0", "5.7.8 ", " 5.7.8",
        "5.7.8x", "5.1234.1", "5.1.1234", "a.b.c", "55.7.8", "5.7.8.9", "5-7-8", "５.7.8",
    ])
    func statusInvalid(text: String) {
        #expect(EnhancedStatusCode(text) == nil)
    }

    @Test("EnhancedStatusCode from a substring of a longer line")
    func statusSubstring() {
        let line = "550 5.7.1 denied"
        let slice = line.dropFirst(4).prefix(5)
        #expect(EnhancedStatusCode(slice) == EnhancedStatusCode(klass: 5, subject: 7, detail: 1))
    }
}
