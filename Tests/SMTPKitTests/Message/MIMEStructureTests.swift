import Foundation
import Testing
@testable import SMTPKit

@Suite("MIME structure (RFC 2046, RFC 2387, RFC 2392)")
struct MIMEStructureTests {
    static let html = "<html><body><p>Hei <b>Ola</b>!</p><img src=\"cid:chart.png\"></body></html>\n"
    static let png = MIMETestSupport.bytes(3000, seed: 7)
    static let pdf = MIMETestSupport.bytes(10_000, seed: 8)

    static func chart() -> MailAttachment {
        MailAttachment(bytes: png, filename: "chart.png", disposition: .inline)
    }

    @Test func textOnlyIsOneTextPart() throws {
        let (bytes, entity) = try MIMETestSupport.roundTrip(try MIMETestSupport.message(body: "Hei!\nHadet.\n"))
        #expect(entity.shape == "text/plain")
        #expect(entity.field("Content-Type") == "text/plain; charset=utf-8")
        #expect(entity.field("Content-Transfer-Encoding") == "7bit")
        #expect(entity.text == "Hei!\r\nHadet.\r\n")
        #expect(!String(decoding: bytes, as: UTF8.self).contains("multipart"))
    }

    @Test func textAndHTMLAreAlternatives() throws {
        var message = try MIMETestSupport.message(body: "Hei Ola!\n")
        message.htmlBody = "<p>Hei <b>Ola</b>!</p>\n"
        let (_, entity) = try MIMETestSupport.roundTrip(message)
        #expect(entity.shape == "multipart/alternative[text/plain,text/html]")
        #expect(entity.field("Content-Transfer-Encoding") == nil)
        #expect(entity.parts[0].text == "Hei Ola!\r\n")
        #expect(entity.parts[1].text == "<p>Hei <b>Ola</b>!</p>\r\n")
        #expect(entity.parts[1].field("Content-Type") == "text/html; charset=utf-8")
        #expect(entity.parts.allSatisfy { $0.field("Content-Transfer-Encoding") == "7bit" })
    }

    @Test func htmlOnlyIsOneHTMLPart() throws {
        var message = try MIMETestSupport.message(body: "")
        message.htmlBody = "<p>Bare HTML</p>"
        let (_, entity) = try MIMETestSupport.roundTrip(message)
        #expect(entity.shape == "text/html")
        #expect(entity.field("Content-Type") == "text/html; charset=utf-8")
        #expect(entity.text == "<p>Bare HTML</p>\r\n")
    }

    @Test func htmlWithInlineImageIsRelated() throws {
        var message = try MIMETestSupport.message(body: "")
        message.htmlBody = Self.html
        message.attachments = [Self.chart()]
        let (_, entity) = try MIMETestSupport.roundTrip(message)
        #expect(entity.shape == "multipart/related[text/html,image/png]")
        #expect(entity.typeParameters["type"] == "text/html")
        let image = entity.parts[1]
        #expect(image.contentID == "chart.png")
        #expect(image.disposition == "inline")
        #expect(image.filename == "chart.png")
        #expect(image.decodedBody == Self.png)
        let htmlText = try #require(entity.parts[0].text)
        #expect(htmlText.contains("cid:" + (image.contentID ?? "?")))
    }

    @Test func everythingNestsMixedRelatedAlternative() throws {
        var message = try MIMETestSupport.message(body: "See the report.\n")
        message.htmlBody = Self.html
        message.attachments = [
            MailAttachment(bytes: Self.pdf, filename: "report.pdf"),
            Self.chart(),
            MailAttachment(bytes: Array("a,b\n1,2\n".utf8), filename: "data.csv"),
        ]
        let (_, entity) = try MIMETestSupport.roundTrip(message)
        #expect(entity.shape == "multipart/mixed[multipart/related[multipart/alternative[text/plain,text/html],image/png],"
            + "application/pdf,text/csv]")
        let related = entity.parts[0]
        #expect(related.typeParameters["type"] == "multipart/alternative")
        #expect(related.parts[1].contentID == "chart.png")
        #expect(entity.parts[1].filename == "report.pdf" && entity.parts[1].disposition == "attachment")
        #expect(entity.parts[1].decodedBody == Self.pdf)
        #expect(entity.parts[2].filename == "data.csv")
        #expect(entity.parts[2].decodedBody == Array("a,b\n1,2\n".utf8))
        #expect(entity.parts[1].field("Content-ID") == nil)
        let boundaries = [entity, related, related.parts[0]].compactMap { $0.typeParameters["boundary"] }
        #expect(Set(boundaries).count == 3)
    }

    @Test func attachmentsOnlyAreMixed() throws {
        var message = try MIMETestSupport.message(body: "")
        message.attachments = [
            MailAttachment(bytes: Self.pdf, filename: "report.pdf"),
            MailAttachment(bytes: [1, 2, 3], filename: "x.bin"),
        ]
        let (_, entity) = try MIMETestSupport.roundTrip(message)
        #expect(entity.shape == "multipart/mixed[application/pdf,application/octet-stream]")
        #expect(entity.parts.map(\.filename) == ["report.pdf", "x.bin"])
    }

    @Test func oneAttachmentWithoutTextIsStillMixed() throws {
        var message = try MIMETestSupport.message(body: "")
        message.attachments = [MailAttachment(bytes: [0xFF], filename: "one.bin")]
        let (_, entity) = try MIMETestSupport.roundTrip(message)
        #expect(entity.shape == "multipart/mixed[application/octet-stream]")
        #expect(entity.parts[0].decodedBody == [0xFF])
    }

    @Test func textAndAttachment() throws {
        var message = try MIMETestSupport.message(body: "Vedlagt.\n")
        message.attachments = [MailAttachment(bytes: Self.pdf, filename: "report.pdf")]
        let (_, entity) = try MIMETestSupport.roundTrip(message)
        #expect(entity.shape == "multipart/mixed[text/plain,application/pdf]")
        #expect(entity.parts[0].text == "Vedlagt.\r\n")
    }

    @Test func inlinePartWithoutHTMLGoesIntoMixed() throws {
        var message = try MIMETestSupport.message(body: "Photo below.\n")
        message.attachments = [Self.chart()]
        let (_, entity) = try MIMETestSupport.roundTrip(message)
        #expect(entity.shape == "multipart/mixed[text/plain,image/png]")
        #expect(entity.parts[1].disposition == "inline")
        #expect(entity.parts[1].contentID == "chart.png")
    }

    @Test func htmlWithInlineAndAttachmentButNoText() throws {
        var message = try MIMETestSupport.message(body: "")
        message.htmlBody = Self.html
        message.attachments = [MailAttachment(bytes: Self.pdf, filename: "r.pdf"), Self.chart()]
        let (_, entity) = try MIMETestSupport.roundTrip(message)
        #expect(entity.shape == "multipart/mixed[multipart/related[text/html,image/png],application/pdf]")
    }

    @Test func duplicateContentIDsAreRefused() throws {
        var message = try MIMETestSupport.message()
        message.htmlBody = Self.html
        message.attachments = [Self.chart(), Self.chart()]
        let error = try #require(throws: MessageError.self) { try message.render(options: RenderOptions()) }
        #expect(error.kind == .invalidHeader)
        #expect(error.headerName == "Content-ID")
        #expect(error.reason?.contains("<chart.png>") == true)
    }

    @Test func extraContentTypeIsRefusedOnMultipartOnly() throws {
        var message = try MIMETestSupport.message()
        message.extraHeaders = [try HeaderField("Content-Type: text/plain; charset=utf-8; format=flowed")]
        let single = try message.render(options: RenderOptions())
        #expect(MessageTestSupport.field("Content-Type", in: single) == "text/plain; charset=utf-8; format=flowed")
        message.htmlBody = "<p>x</p>"
        let error = try #require(throws: MessageError.self) { try message.render(options: RenderOptions()) }
        #expect(error.headerName == "Content-Type")
        #expect(error.reason?.contains("multipart") == true)
    }

    @Test func topLevelHeaderOrder() throws {
        var message = try MIMETestSupport.message()
        message.htmlBody = "<p>x</p>"
        message.inReplyTo = "<prev@example.no>"
        message.references = ["first@example.no", "<prev@example.no>"]
        message.extraHeaders = [try HeaderField("X-Mailer: SMTPKit")]
        let rendered = try message.render(options: RenderOptions())
        #expect(MessageTestSupport.fields(rendered).map(\.name) == [
            "Date", "From", "To", "Subject", "Message-ID", "In-Reply-To", "References", "MIME-Version",
            "Content-Type", "X-Mailer",
        ])
        #expect(MessageTestSupport.field("References", in: rendered) == "<first@example.no> <prev@example.no>")
        let type = try #require(MessageTestSupport.field("Content-Type", in: rendered))
        #expect(type.wholeMatch(of: /multipart\/alternative; boundary="=_[A-Za-z0-9]{28}"/) != nil)
    }

    @Test func boundariesDifferEveryRender() throws {
        var message = try MIMETestSupport.message()
        message.htmlBody = "<p>x</p>"
        let first = try MIMETestParser.parse(try message.render(options: RenderOptions()))
        let second = try MIMETestParser.parse(try message.render(options: RenderOptions()))
        #expect(first.typeParameters["boundary"] != second.typeParameters["boundary"])
    }

    @Test func boundaryFoundInATextPartIsDrawnAgain() throws {
        let taken = "=_AAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        var message = try MIMETestSupport.message(body: "Look: --" + taken + "\n")
        message.htmlBody = "<p>" + "=_BBBBBBBBBBBBBBBBBBBBBBBBBBBB" + "</p>"
        var candidates = [taken, "=_BBBBBBBBBBBBBBBBBBBBBBBBBBBB", "=_CCCCCCCCCCCCCCCCCCCCCCCCCCCC"].makeIterator()
        var generator = MIMEBoundaryGenerator(candidates: { candidates.next() ?? "=_DDDDDDDDDDDDDDDDDDDDDDDDDDDD" })
        let source = try message.makeDataSource(options: RenderOptions(), boundaries: &generator)
        let bytes = try MIMETestSupport.collect(source, maxLength: 4096)
        let entity = try MIMETestParser.parse(bytes)
        #expect(entity.typeParameters["boundary"] == "=_CCCCCCCCCCCCCCCCCCCCCCCCCCCC")
        #expect(entity.parts.count == 2)
        #expect(entity.parts[0].text == "Look: --" + taken + "\r\n")
    }

    @Test func nestedBoundariesAreNeverReused() {
        var candidates = ["=_X", "=_X", "=_Y", "=_Z", "=_W"].makeIterator()
        var generator = MIMEBoundaryGenerator(candidates: { candidates.next() ?? "=_V" })
        #expect(generator.make(avoiding: []) == "=_X")
        #expect(generator.make(avoiding: []) == "=_Y")
        #expect(generator.make(avoiding: [Array("x=_Zx".utf8)] + [[]]) == "=_W")
    }

    @Test func randomBoundariesHaveTheDocumentedForm() {
        var generator = MIMEBoundaryGenerator()
        var seen = Set<String>()
        for _ in 0..<200 {
            let boundary = generator.make(avoiding: [])
            #expect(boundary.wholeMatch(of: /=_[A-Za-z0-9]{28}/) != nil)
            seen.insert(boundary)
        }
        #expect(seen.count == 200)
    }
}
