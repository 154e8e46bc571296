import Foundation
import Testing
@testable import SMTPKit

@Suite("International mail: headers, IDNA, SMTPUTF8 (RFC 6531, RFC 6532, RFC 2047)")
struct MIMEInternationalTests {
    static func message() throws -> Message {
        var message = Message(
            from: try Mailbox("Kari Nordmann <kari@bücher.example>"),
            to: [try Mailbox("Søren Ærlig <soren@münchen.de>")],
            cc: [try Mailbox("ola@example.no")],
            subject: "Møte på fredag ✓ — 会議",
            body: "Hei!\n",
            date: MIMETestSupport.fixedDate)
        message.replyTo = [try Mailbox("Team <team@bücher.example>")]
        message.extraHeaders = [try HeaderField("Sender: Kontor <kontor@bücher.example>")]
        return message
    }

    @Test func withoutSMTPUTF8DomainsAreIDNA() throws {
        let (bytes, entity) = try MIMETestSupport.roundTrip(try Self.message())
        #expect(bytes.allSatisfy { $0 < 0x80 })
        #expect(entity.field("From") == "Kari Nordmann <kari@xn--bcher-kva.example>")
        #expect(entity.field("To") == "=?UTF-8?B?U8O4cmVuIMOGcmxpZw==?= <soren@xn--mnchen-3ya.de>")
        #expect(entity.field("Reply-To") == "Team <team@xn--bcher-kva.example>")
        #expect(entity.field("Sender") == "Kontor <kontor@xn--bcher-kva.example>")
        #expect(entity.field("Message-ID")?.hasSuffix("@xn--bcher-kva.example>") == true)
        #expect(MessageTestSupport.decodeWords(entity.field("Subject") ?? "") == "Møte på fredag ✓ — 会議")
        #expect(try Self.message().makeDataSource(options: RenderOptions()).bodyType == .sevenBit)
    }

    @Test func withSMTPUTF8AddressesStayUTF8() throws {
        let options = RenderOptions(allow8Bit: true, allowUTF8Headers: true)
        let (bytes, entity) = try MIMETestSupport.roundTrip(try Self.message(), options: options)
        #expect(entity.field("From") == "Kari Nordmann <kari@bücher.example>")
        #expect(entity.field("To") == "=?UTF-8?B?U8O4cmVuIMOGcmxpZw==?= <soren@münchen.de>")
        #expect(entity.field("Sender") == "Kontor <kontor@bücher.example>")
        #expect(entity.field("Message-ID")?.hasSuffix("@xn--bcher-kva.example>") == true)
        #expect(MIMETestSupport.fields(bytes, decoded: "Subject") == "Møte på fredag ✓ — 会議")
        #expect(try Self.message().makeDataSource(options: options).bodyType == .eightBitMIME)
    }

    @Test func asciiOnlyMessageWithUTF8AllowedIsSevenBit() throws {
        let message = try MIMETestSupport.message()
        #expect(try message.makeDataSource(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true)).bodyType == .sevenBit)
    }

    @Test func nonASCIILocalPartNeedsSMTPUTF8() throws {
        var message = try Self.message()
        message.to = [try Mailbox("søren@example.dk")]
        let error = try #require(throws: MessageError.self) { try message.render(options: RenderOptions(allow8Bit: true)) }
        #expect(error.kind == .invalidAddress)
        #expect(error.address == "søren@example.dk")
        #expect(error.description.contains("SMTPUTF8"))
        let rendered = try message.render(options: RenderOptions(allowUTF8Headers: true))
        #expect(MessageTestSupport.field("To", in: rendered) == "søren@example.dk")
    }

    @Test func nonASCIILocalPartInAnExtraAddressHeader() throws {
        var message = try MIMETestSupport.message()
        message.extraHeaders = [try HeaderField("Reply-To: Søren <søren@example.dk>")]
        let error = try #require(throws: MessageError.self) { try message.render(options: RenderOptions()) }
        #expect(error.kind == .invalidAddress)
        let rendered = try message.render(options: RenderOptions(allowUTF8Headers: true))
        #expect(MessageTestSupport.field("Reply-To", in: rendered) == "=?UTF-8?B?U8O4cmVu?= <søren@example.dk>")
    }

    @Test func headerFieldRenderKeepsUTF8ByDefault() throws {
        let field = try HeaderField("To: Søren <soren@münchen.de>")
        #expect(try field.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true)) == "To: =?UTF-8?B?U8O4cmVu?= <soren@münchen.de>\r\n")
        #expect(try field.render(options: RenderOptions()) == "To: =?UTF-8?B?U8O4cmVu?= <soren@xn--mnchen-3ya.de>\r\n")
    }

    @Test func nonASCIINamesRoundTripInAMultipartMessage() throws {
        var message = try Self.message()
        message.htmlBody = "<p>Hei</p>"
        message.attachments = [MailAttachment(bytes: [1, 2, 3], filename: "Møtereferat ✓.pdf")]
        let (bytes, entity) = try MIMETestSupport.roundTrip(message)
        #expect(MessageTestSupport.headerLines(bytes).allSatisfy { $0.utf8.count <= 78 })
        #expect(MessageTestSupport.decodeWords(entity.field("Subject") ?? "") == "Møte på fredag ✓ — 会議")
        let to = try Mailbox.parseList(entity.field("To") ?? "")
        #expect(to.first?.displayName == "Søren Ærlig")
        #expect(entity.parts[1].filename == "Møtereferat ✓.pdf")
        #expect(entity.parts[1].legacyName == "Møtereferat ✓.pdf")
    }

    @Test("text parts choose their encoding", arguments: [
        ("Plain ASCII text.\n", false, "7bit"),
        ("Plain ASCII text.\n", true, "7bit"),
        ("Blåbærsyltetøy er godt.\n", false, "quoted-printable"),
        ("Blåbærsyltetøy er godt.\n", true, "8bit"),
        ("Почему же они не говорят по-русски?\n", false, "base64"),
        ("Почему же они не говорят по-русски?\n", true, "8bit"),
        ("日本語のテキストです。\n", false, "base64"),
        (String(repeating: "word ", count: 300) + "\n", true, "quoted-printable"),
        (String(repeating: "ø", count: 600) + "\n", true, "base64"),
        ("nul\u{0}inside\n", true, "quoted-printable"),
    ])
    func textEncodings(testCase: (String, Bool, String)) throws {
        var message = try MIMETestSupport.message(body: "x\n")
        message.htmlBody = testCase.0
        let options = RenderOptions(allow8Bit: testCase.1)
        let (_, entity) = try MIMETestSupport.roundTrip(message, options: options)
        let html = entity.parts[1]
        #expect(html.transferEncoding == testCase.2)
        #expect(html.text == testCase.0.replacingOccurrences(of: "\n", with: "\r\n"))
        let source = try message.makeDataSource(options: options)
        #expect(source.bodyType == (testCase.2 == "8bit" ? .eightBitMIME : .sevenBit))
    }

    @Test func inReplyToAndReferences() throws {
        var message = try MIMETestSupport.message()
        message.inReplyTo = "a@example.no <b@example.no>"
        message.references = (1...12).map { "<thread-message-\($0)@lists.example.org>" }
        let rendered = try message.render(options: RenderOptions())
        #expect(MessageTestSupport.field("In-Reply-To", in: rendered) == "<a@example.no> <b@example.no>")
        #expect(MessageTestSupport.field("References", in: rendered)
            == (1...12).map { "<thread-message-\($0)@lists.example.org>" }.joined(separator: " "))
        #expect(MessageTestSupport.headerLines(rendered).allSatisfy { $0.utf8.count <= 78 })
    }

    @Test("bad msg-ids are refused", arguments: ["", "  ", "a b>", "<a\r\nX-Evil: 1>", "<a\"b@c>", "<ü@x>"])
    func badMessageIDs(value: String) throws {
        var message = try MIMETestSupport.message()
        message.inReplyTo = value
        let error = try #require(throws: MessageError.self) { try message.render(options: RenderOptions()) }
        #expect(error.headerName == "In-Reply-To")
        message.inReplyTo = nil
        message.references = ["<ok@x>", value]
        let second = try #require(throws: MessageError.self) { try message.render(options: RenderOptions()) }
        #expect(second.kind == .invalidHeader && second.headerName == "References")
    }

    @Test func extraInReplyToReplacesTheSetOneInPlace() throws {
        var message = try MIMETestSupport.message()
        message.inReplyTo = "<set@x>"
        message.extraHeaders = [try HeaderField("In-Reply-To: <extra@x>"), try HeaderField("X-A: 1")]
        let fields = MessageTestSupport.fields(try message.render(options: RenderOptions()))
        #expect(fields.map(\.name) == [
            "Date", "From", "To", "Subject", "Message-ID", "In-Reply-To", "MIME-Version", "Content-Type",
            "Content-Transfer-Encoding", "X-A",
        ])
        #expect(fields[5].value == "<extra@x>")
    }
}

extension MIMETestSupport {
    /// The RFC 2047-decoded value of the header field `name` in a rendered message.
    static func fields(_ message: [UInt8], decoded name: String) -> String? {
        MessageTestSupport.field(name, in: message).map(MessageTestSupport.decodeWords)
    }
}
