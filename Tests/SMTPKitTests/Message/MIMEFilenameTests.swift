import Foundation
import Testing
@testable import SMTPKit

@Suite("Attachment names and part headers (RFC 2183, RFC 2231, RFC 2047, RFC 2392)")
struct MIMEFilenameTests {
    static func header(_ attachment: MailAttachment) throws -> String {
        String(decoding: try attachment.partHeader(), as: UTF8.self)
    }

    /// The one attachment of a message carrying `attachment`, parsed back.
    static func part(_ attachment: MailAttachment) throws -> MIMETestEntity {
        var message = try MIMETestSupport.message()
        message.attachments = [attachment]
        return try #require(try MIMETestSupport.roundTrip(message).entity.parts.last)
    }

    @Test func asciiName() throws {
        #expect(try Self.header(MailAttachment(bytes: [1], filename: "report.pdf")) == """
            Content-Type: application/pdf; name="report.pdf"\r
            Content-Transfer-Encoding: base64\r
            Content-Disposition: attachment; filename="report.pdf"\r

            """)
    }

    @Test func nonASCIIName() throws {
        #expect(try Self.header(MailAttachment(bytes: [1], filename: "✓.pdf")) == """
            Content-Type: application/pdf; name="=?UTF-8?B?4pyTLnBkZg==?="\r
            Content-Transfer-Encoding: base64\r
            Content-Disposition: attachment; filename*=utf-8''%E2%9C%93.pdf\r

            """)
    }

    @Test func inlinePartHasContentID() throws {
        #expect(try Self.header(MailAttachment(bytes: [1], filename: "chart.png", disposition: .inline)) == """
            Content-Type: image/png; name="chart.png"\r
            Content-Transfer-Encoding: base64\r
            Content-Disposition: inline; filename="chart.png"\r
            Content-ID: <chart.png>\r

            """)
    }

    @Test func quotesAndBackslashesAreEscaped() throws {
        let name = "a \"quoted\" \\ name.txt"
        let header = try Self.header(MailAttachment(bytes: [1], filename: name))
        #expect(header.contains("filename=\"a \\\"quoted\\\" \\\\ name.txt\""))
        let part = try Self.part(MailAttachment(bytes: [1], filename: name))
        #expect(part.filename == name)
        #expect(part.legacyName == name)
    }

    @Test("names round trip", arguments: [
        "report.pdf", "✓.pdf", "Møtereferat fra styret.docx", "日本語のファイル名.txt", "файл.csv", "emoji 🎉🎉🎉.png",
        String(repeating: "long-ascii-name-", count: 8) + ".pdf",
        String(repeating: "æøå", count: 40) + ".zip",
        "semi;colon,comma=equals.txt", "percent %41 and 'quote'.txt", "=?UTF-8?B?eA==?=.txt",
    ])
    func roundTrip(name: String) throws {
        let content = MIMETestSupport.bytes(100)
        let part = try Self.part(MailAttachment(bytes: content, filename: name))
        #expect(part.filename == name)
        #expect(part.legacyName == name)
        #expect(part.decodedBody == content)
    }

    @Test func longNamesUseContinuationsAndFold() throws {
        let name = String(repeating: "æøå", count: 40) + ".zip"
        let header = try Self.header(MailAttachment(bytes: [1], filename: name))
        let lines = header.components(separatedBy: "\r\n").dropLast()
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(header.contains("filename*0*=utf-8''%C3%A6"))
        #expect(header.contains(" filename*1*=%"))
        #expect(!header.contains("filename*=") && !header.contains("filename=\""))
    }

    @Test("control characters in a name are refused", arguments: ["a\r\nContent-Type: text/html.pdf", "a\nb", "a\rb", "tab\there", "nul\0", "del\u{7F}"])
    func controlCharacters(name: String) throws {
        var message = try MIMETestSupport.message()
        message.attachments = [MailAttachment(bytes: [1], filename: name)]
        let error = try #require(throws: MessageError.self) { try message.render(options: RenderOptions()) }
        #expect(error.kind == .invalidHeader)
        #expect(error.headerName == "Content-Disposition")
        #expect(error.reason?.contains("is refused") == true)
        #expect(!error.description.contains("\r") && !error.description.contains("\n"))
    }

    @Test func noFilename() throws {
        #expect(try Self.header(MailAttachment(bytes: [1], filename: nil)) == """
            Content-Type: application/octet-stream\r
            Content-Transfer-Encoding: base64\r
            Content-Disposition: attachment\r

            """)
    }

    @Test func contentTypeOverrideAndParameters() throws {
        let header = try Self.header(MailAttachment(bytes: [1], filename: "x.dat", contentType: "Text/CSV; charset=utf-8"))
        #expect(header.hasPrefix("Content-Type: text/csv; charset=utf-8; name=\"x.dat\"\r\n"))
        let named = try Self.header(MailAttachment(bytes: [1], filename: "x.dat", contentType: "application/x-thing; name=\"y\""))
        #expect(named.hasPrefix("Content-Type: application/x-thing; name=\"y\"\r\nContent-Transfer-Encoding"))
    }

    @Test("invalid content types are refused", arguments: ["pdf", "application/", "/pdf", "a/b/c", "appli cation/pdf", "text/plain; charset", "tekst/æ"])
    func invalidContentType(type: String) throws {
        let error = try #require(throws: MessageError.self) {
            try MailAttachment(bytes: [1], filename: "x", contentType: type).partHeader()
        }
        #expect(error.headerName == "Content-Type")
    }

    @Test("composite types become octet-stream", arguments: ["message/rfc822", "multipart/mixed; boundary=x", "MESSAGE/partial"])
    func compositeTypes(type: String) throws {
        let header = try Self.header(MailAttachment(bytes: [1], filename: "m.eml", contentType: type))
        #expect(header.hasPrefix("Content-Type: application/octet-stream; name=\"m.eml\"\r\n"))
        let global = try Self.header(MailAttachment(bytes: [1], filename: "m.eml", contentType: "message/global"))
        #expect(global.hasPrefix("Content-Type: message/global; name=\"m.eml\"\r\n"))
        #expect(try Self.header(MailAttachment(bytes: [1], filename: "fwd.eml")).hasPrefix("Content-Type: application/octet-stream;"))
    }

    @Test("content IDs", arguments: [
        ("chart.png", nil, "chart.png"),
        ("my chart.png", nil, "my%20chart.png"),
        ("✓.png", nil, "%E2%9C%93.png"),
        ("100%.png", nil, "100%25.png"),
        ("x.png", "<logo@example.org>", "logo@example.org"),
        ("x.png", "logo", "logo"),
    ] as [(String, String?, String)])
    func contentIDs(testCase: (String, String?, String)) throws {
        let attachment = MailAttachment(bytes: [1], filename: testCase.0, disposition: .inline, contentID: testCase.1)
        #expect(attachment.resolvedContentID == testCase.2)
        #expect(try Self.header(attachment).contains("Content-ID: <\(testCase.2)>\r\n"))
    }

    @Test("invalid content IDs are refused", arguments: ["two words", "a<b", "", "a\"b", "ü@x"])
    func invalidContentIDs(id: String) throws {
        let error = try #require(throws: MessageError.self) {
            try MailAttachment(bytes: [1], filename: "x.png", disposition: .inline, contentID: id).partHeader()
        }
        #expect(error.headerName == "Content-ID")
    }

    @Test func attachmentGetsContentIDOnlyWhenAsked() throws {
        #expect(!(try Self.header(MailAttachment(bytes: [1], filename: "a.pdf"))).contains("Content-ID"))
        #expect(try Self.header(MailAttachment(bytes: [1], filename: "a.pdf", contentID: "doc1@x")).contains("Content-ID: <doc1@x>"))
    }

    @Test func pathInitialiserTakesTheLastComponent() {
        let attachment = MailAttachment(path: "/home/kari/Documents/Report.PDF")
        #expect(attachment.filename == "Report.PDF")
        #expect(attachment.resolvedContentType == "application/pdf")
        #expect(attachment.disposition == .attachment)
        #expect(MailAttachment(path: "relative/dir/").filename == "dir")
        #expect(MailAttachment(path: "/").filename == nil)
        if case .file(let path) = attachment.source { #expect(path == "/home/kari/Documents/Report.PDF") } else { Issue.record("not a file source") }
    }
}
