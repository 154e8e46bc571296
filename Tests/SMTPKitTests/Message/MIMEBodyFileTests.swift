import Foundation
import Testing
@testable import SMTPKit

/// `Message.bodyFile` / `htmlBodyFile`: a body streamed from a file is byte for byte the body the
/// same text gives in memory (same transfer encoding, same lines), whatever its size.
@Suite struct MIMEBodyFileTests {
    static let texts: [(String, String)] = [
        ("ascii", "Hello,\nthe report is attached.\n-- \nKari\n"),
        ("norwegian", "Hei Ærlig Øst,\nblåbærsyltetøy på fredag.\n"),
        ("cyrillic", String(repeating: "Привет, мир! ", count: 200) + "\n"),
        ("long line", String(repeating: "x", count: 2_500) + "\nshort\n"),
        ("bare CR and LF", "one\rtwo\nthree\r\nfour"),
        ("dots and NUL", ".\n..\nnul\u{0}byte\n"),
        ("empty", ""),
    ]

    static func file(_ text: String) throws -> String {
        try MIMETestSupport.temporaryFile(Array(text.utf8), name: "body.txt")
    }

    @Test(arguments: texts, [true, false])
    func streamedBodyEqualsTheBodyInMemory(example: (String, String), allow8Bit: Bool) throws {
        let path = try Self.file(example.1)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let inMemory = try MIMETestSupport.message(body: example.1)
        var streamed = try MIMETestSupport.message(body: "ignored")
        streamed.bodyFile = path
        let options = RenderOptions(allow8Bit: allow8Bit, allowUTF8Headers: false)

        let (streamedBytes, entity) = try MIMETestSupport.roundTrip(streamed, options: options, maxLength: 1000)

        #expect(streamedBytes == (try inMemory.render(options: options)), "\(example.0)")
        #expect(entity.text == String(decoding: MessageLineEndings.normalized(Array(example.1.utf8)), as: UTF8.self)
                + (example.1.isEmpty || example.1.hasSuffix("\n") || example.1.hasSuffix("\r\n") ? "" : "\r\n"))
    }

    @Test func aBoundaryStartInTheTextMakesItQuotedPrintable() throws {
        let text = "a line with =_ in it\n"
        let path = try Self.file(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var message = try MIMETestSupport.message()
        message.bodyFile = path
        message.htmlBody = "<p>hi</p>"

        let (bytes, entity) = try MIMETestSupport.roundTrip(message)

        let plain = try #require(entity.parts.first)
        #expect(plain.transferEncoding == "quoted-printable")
        #expect(plain.text == "a line with =_ in it\r\n")
        #expect(!String(decoding: plain.body, as: UTF8.self).contains("=_"))
        #expect(entity.parts.count == 2, "the boundary did not occur in the text: \(bytes.count) octets")
    }

    @Test func textAndHTMLFilesWithAnAttachment() throws {
        let text = try Self.file(String(repeating: "Grades are out.\n", count: 5_000))
        let html = try MIMETestSupport.temporaryFile(Array(String(repeating: "<p>Grades are out. Ærlig</p>\n", count: 5_000).utf8), name: "body.html")
        defer { try? FileManager.default.removeItem(atPath: text); try? FileManager.default.removeItem(atPath: html) }
        var message = try MIMETestSupport.message()
        message.bodyFile = text
        message.htmlBodyFile = html
        message.attachments = [MailAttachment(bytes: Array("a,b\n".utf8), filename: "g.csv")]

        let (_, entity) = try MIMETestSupport.roundTrip(message, options: RenderOptions(allow8Bit: false, allowUTF8Headers: false))

        #expect(entity.mediaType == "multipart/mixed")
        let alternative = try #require(entity.parts.first)
        #expect(alternative.parts.map(\.mediaType) == ["text/plain", "text/html"])
        #expect(alternative.parts[0].text == String(repeating: "Grades are out.\r\n", count: 5_000))
        #expect(alternative.parts[1].transferEncoding == "quoted-printable")
        #expect(alternative.parts[1].text == String(repeating: "<p>Grades are out. Ærlig</p>\r\n", count: 5_000))
    }

    @Test func aFileThatIsNotUTF8IsRefused() throws {
        let path = try MIMETestSupport.temporaryFile([0x48, 0x69, 0xE6, 0x0A], name: "latin1.txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var message = try MIMETestSupport.message()
        message.bodyFile = path
        let error = try #require(throws: MessageError.self) { try message.makeDataSource(options: RenderOptions()) }
        #expect(error.kind == .notText)
        #expect(error.description.contains("not UTF-8"))
    }

    @Test func aMissingFileIsUnreadableBeforeAnythingIsSent() throws {
        var message = try MIMETestSupport.message()
        message.bodyFile = "/nonexistent/body.txt"
        let error = try #require(throws: MessageError.self) { try message.makeDataSource(options: RenderOptions()) }
        #expect(error.kind == .unreadable)
    }
}

/// `TextMeasure`: the same verdict however the text is cut — byte by byte included, with
/// multi-byte UTF-8 sequences split across chunks.
@Suite struct TextMeasureTests {
    @Test(arguments: ["Hei Ærlig Øst 🙂 blåbær\r\n", String(repeating: "Привет ", count: 50) + "\r\n", "plain ascii\r\n", "bad \u{FFFD}"])
    func byteByByteEqualsWhole(text: String) {
        var bytes = Array(text.utf8)
        if text.hasPrefix("bad") { bytes += [0xE6, 0x0D, 0x0A] }  // not UTF-8
        var whole = TextMeasure()
        whole.feed(bytes)
        whole.finish()
        var split = TextMeasure()
        for byte in bytes { split.feed([byte]) }
        split.finish()
        #expect(split.isUTF8 == whole.isUTF8)
        #expect(split.characters == whole.characters)
        #expect(split.special == whole.special)
        for allow8Bit in [true, false] {
            #expect(split.encoding(allow8Bit: allow8Bit) == whole.encoding(allow8Bit: allow8Bit))
        }
        #expect(whole.isUTF8 == !text.hasPrefix("bad"))
    }
}
