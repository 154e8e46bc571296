import Foundation
import Testing
@testable import SMTPKit

@Suite("Message rendering (RFC 5322, RFC 2045)")
struct MessageRenderingTests {
    static let fixedDate = Date(timeIntervalSince1970: 1_795_923_126)

    static func sample(body: String = "Hei!\n\nVi sees.\n") throws -> Message {
        var message = Message(
            from: try Mailbox("Kari Nordmann <kari@example.no>"),
            to: [try Mailbox("ola@example.no")],
            cc: [try Mailbox("\"Hansen, Per\" <per@example.no>")],
            bcc: [try Mailbox("secret@example.org")],
            subject: "Møte på fredag ✓",
            body: body,
            date: fixedDate)
        message.timeZone = try #require(TimeZone(identifier: "Europe/Oslo"))
        message.messageID = "abc.123@example.no"
        return message
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func exactMessage() throws {
        let rendered = try Self.sample().render(options: RenderOptions(allow8Bit: false, allowUTF8Headers: true))
        #expect(Self.text(rendered) == """
            Date: Sun, 29 Nov 2026 04:32:06 +0100\r
            From: Kari Nordmann <kari@example.no>\r
            To: ola@example.no\r
            Cc: "Hansen, Per" <per@example.no>\r
            Subject: =?UTF-8?B?TcO4dGUgcMOlIGZyZWRhZyDinJM=?=\r
            Message-ID: <abc.123@example.no>\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: 7bit\r
            \r
            Hei!\r
            \r
            Vi sees.\r

            """)
    }

    @Test func bccIsARecipientButNeverAHeader() throws {
        let message = try Self.sample()
        #expect(message.recipients.map(\.address) == ["ola@example.no", "per@example.no", "secret@example.org"])
        for allow8Bit in [false, true] {
            let text = Self.text(try message.render(options: RenderOptions(allow8Bit: allow8Bit, allowUTF8Headers: true)))
            #expect(!text.contains("secret"))
            #expect(!text.lowercased().contains("bcc"))
        }
    }

    @Test func minimalMessageHasTheRequiredFieldsOnly() throws {
        let message = Message(from: try Mailbox("a@example.org"), bcc: [try Mailbox("b@example.org")])
        let rendered = try message.render(options: RenderOptions(allow8Bit: false, allowUTF8Headers: true))
        #expect(MessageTestSupport.fields(rendered).map(\.name)
            == ["Date", "From", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"])
        #expect(Self.text(rendered).hasSuffix("Content-Transfer-Encoding: 7bit\r\n\r\n"))
        let id = try #require(MessageTestSupport.field("Message-ID", in: rendered))
        #expect(id.wholeMatch(of: /<[0-9a-f]{32}\.[0-9a-z]+@example\.org>/) != nil)
    }

    @Test func recipientsAreDeduplicatedWithCaseInsensitiveDomains() throws {
        let message = Message(
            from: try Mailbox("a@example.org"),
            to: [try Mailbox("Ola <ola@Example.NO>"), try Mailbox("kari@example.no")],
            cc: [try Mailbox("ola@example.no"), try Mailbox("Ola@example.no")],
            bcc: [try Mailbox("KARI@example.no"), try Mailbox("kari@EXAMPLE.no")])
        #expect(message.recipients.map(\.address)
            == ["ola@Example.NO", "kari@example.no", "Ola@example.no", "KARI@example.no"])
    }

    @Test("transfer encoding follows the body", arguments: [
        ("plain ASCII", false, ContentTransferEncoding.sevenBit),
        ("plain ASCII", true, .sevenBit),
        ("Blåbærsyltetøy", false, .quotedPrintable),
        ("Blåbærsyltetøy", true, .eightBit),
        (String(repeating: "x", count: 998), false, .sevenBit),
        (String(repeating: "x", count: 999), false, .quotedPrintable),
        (String(repeating: "x", count: 999), true, .quotedPrintable),
        (String(repeating: "ø", count: 600), true, .base64),  // long line, all non-ASCII: base64 (issue 3 part 4)
        ("nul\0inside", true, .quotedPrintable),
        ("", false, .sevenBit),
    ])
    func chooses(_ testCase: (String, Bool, ContentTransferEncoding)) throws {
        let message = try Self.sample(body: testCase.0)
        let rendered = try message.render(options: RenderOptions(allow8Bit: testCase.1, allowUTF8Headers: true))
        #expect(MessageTestSupport.field("Content-Transfer-Encoding", in: rendered) == testCase.2.rawValue)
        let source = try message.makeDataSource(options: RenderOptions(allow8Bit: testCase.1, allowUTF8Headers: true))
        #expect(source.bodyType == (testCase.2 == .eightBit ? .eightBitMIME : .sevenBit))
        #expect(source.estimatedSize == rendered.count)
    }

    @Test func eightBitBodyIsWrittenAsUTF8() throws {
        let rendered = try Self.sample(body: "Blåbær\n").render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))
        #expect(MessageTestSupport.body(rendered) == Array("Blåbær\r\n".utf8))
    }

    @Test func dotsBareLineEndsAndALongLine() throws {
        let long = String(repeating: "0123456789", count: 200)
        let body = ".\nline two\rline three\r\n..double\n" + long + "\nend"
        let rendered = try Self.sample(body: body).render(options: RenderOptions(allow8Bit: false, allowUTF8Headers: true))
        #expect(MessageTestSupport.field("Content-Transfer-Encoding", in: rendered) == "quoted-printable")
        let encoded = MessageTestSupport.body(rendered)
        let lines = MessageTestSupport.lines(encoded)
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(lines.first == Array(".".utf8))
        #expect(Self.text(encoded).hasSuffix("end\r\n"))
        let decoded = try #require(MessageTestSupport.decodeQuotedPrintable(encoded))
        #expect(decoded == Array((".\r\nline two\r\nline three\r\n..double\r\n" + long + "\r\nend\r\n").utf8))
    }

    @Test func lineEndsAreCRLFEverywhere() throws {
        for body in ["a\nb", "a\rb", "a\r\nb\r\n", "\n\n\n", "x\r\r\ny"] {
            let rendered = try Self.sample(body: body).render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))
            var index = 0
            while index < rendered.count {
                if rendered[index] == 13 { #expect(rendered[index + 1] == 10) }
                if rendered[index] == 10 { #expect(index > 0 && rendered[index - 1] == 13) }
                index += 1
            }
            #expect(rendered.suffix(2) == [13, 10])
            #expect(MessageTestSupport.lines(rendered).allSatisfy { $0.count <= 998 })
        }
    }

    @Test func subjectInjectionIsRefused() throws {
        var message = try Self.sample()
        message.subject = "Hi\r\nBcc: victim@example.org"
        let error = try #require(throws: MessageError.self) { try message.render(options: RenderOptions(allow8Bit: false, allowUTF8Headers: true)) }
        #expect(error.kind == .invalidHeader)
        #expect(error.headerName == "Subject")
    }

    @Test func messageIDInjectionIsRefused() throws {
        var message = try Self.sample()
        message.messageID = "<a@b>\r\nX-Evil: 1"
        let error = try #require(throws: MessageError.self) { try message.render(options: RenderOptions(allow8Bit: false, allowUTF8Headers: true)) }
        #expect(error.headerName == "Message-ID")
    }

    @Test func messageIDKeepsGivenBrackets() throws {
        var message = try Self.sample()
        message.messageID = " <given@example.no> "
        #expect(MessageTestSupport.field("Message-ID", in: try message.render(options: RenderOptions(allow8Bit: false, allowUTF8Headers: true))) == "<given@example.no>")
    }

    @Test func replyToAndExtraHeaders() throws {
        var message = try Self.sample()
        message.replyTo = [try Mailbox("Team Ø <team@example.no>")]
        message.extraHeaders = [
            try HeaderField("X-Mailer: SMTPKit"),
            try HeaderField("Date: Mon, 1 Jan 2024 00:00:00 +0000"),
            try HeaderField("message-id: <override@example.no>"),
            try HeaderField("Bcc: hidden@example.org"),
            try HeaderField("In-Reply-To: <prev@example.no>"),
        ]
        let rendered = try message.render(options: RenderOptions(allow8Bit: false, allowUTF8Headers: true))
        let fields = MessageTestSupport.fields(rendered)
        #expect(fields.map(\.name) == [
            "Date", "From", "Reply-To", "To", "Cc", "Subject", "message-id", "MIME-Version", "Content-Type",
            "Content-Transfer-Encoding", "X-Mailer", "In-Reply-To",
        ])
        #expect(fields[0].value == "Mon, 1 Jan 2024 00:00:00 +0000")
        #expect(fields[2].value == "=?UTF-8?B?VGVhbSDDmA==?= <team@example.no>")
        #expect(fields[6].value == "<override@example.no>")
        #expect(!Self.text(rendered).contains("hidden"))
    }

    @Test func extraFieldsThatMayAppearOnceAreRefusedTwice() throws {
        var message = try Self.sample()
        message.extraHeaders = [try HeaderField("Subject: one"), try HeaderField("SUBJECT: two")]
        let error = try #require(throws: MessageError.self) { try message.render(options: RenderOptions(allow8Bit: false, allowUTF8Headers: true)) }
        #expect(error.headerName == "SUBJECT")
        #expect(error.reason?.contains("more than once") == true)
    }

    @Test func extraTransferEncodingIsRefused() throws {
        var message = try Self.sample()
        message.extraHeaders = [try HeaderField("Content-Transfer-Encoding: base64")]
        let error = try #require(throws: MessageError.self) { try message.render(options: RenderOptions(allow8Bit: false, allowUTF8Headers: true)) }
        #expect(error.headerName == "Content-Transfer-Encoding")
    }

    @Test func manyRecipientsFoldTheToField() throws {
        let recipients = try (1...30).map { try Mailbox("Person \($0) <person\($0)@example.org>") }
        let message = Message(from: try Mailbox("a@example.org"), to: recipients)
        let rendered = try message.render(options: RenderOptions(allow8Bit: false, allowUTF8Headers: true))
        #expect(MessageTestSupport.headerLines(rendered).allSatisfy { $0.count <= 78 })
        let to = try #require(MessageTestSupport.field("To", in: rendered))
        #expect(try Mailbox.parseList(to) == recipients)
    }

    @Test func longNonASCIISubjectFoldsWithinLimits() throws {
        let subject = String(repeating: "Møte på fredag ✓ — 会議 🎉 ", count: 10)
        var message = try Self.sample()
        message.subject = subject
        let output = try message.render(options: RenderOptions(allow8Bit: false, allowUTF8Headers: true))
        #expect(MessageTestSupport.headerLines(output).allSatisfy { $0.utf8.count <= 78 })
        let value = try #require(MessageTestSupport.field("Subject", in: output))
        #expect(MessageTestSupport.encodedWords(value).allSatisfy { $0.count <= 75 })
        #expect(MessageTestSupport.decodeWords(value) == subject)
    }

    @Test func utf8AddressesNeedSMTPUTF8() throws {
        var message = Message(from: try Mailbox("kari@example.no"), to: [try Mailbox("søren@bücher.de")])
        #expect(message.requiresSMTPUTF8)
        message.to = [try Mailbox("Søren <soren@example.de>")]
        #expect(!message.requiresSMTPUTF8)
    }

    @Test func dataSourceStreamsTheRenderedBytes() throws {
        let message = try Self.sample(body: String(repeating: "line\n", count: 1000))
        let source = try message.makeDataSource(options: RenderOptions(allow8Bit: false, allowUTF8Headers: true))
        var streamed: [UInt8] = []
        while true {
            let chunk = try source.read(maxLength: 333)
            if chunk.isEmpty { break }
            #expect(chunk.count <= 333)
            streamed += chunk
        }
        #expect(streamed.count == source.estimatedSize)
        #expect(Array(streamed.suffix(10)) == Array("line\r\nline\r\n".utf8.suffix(10)))
    }
}
