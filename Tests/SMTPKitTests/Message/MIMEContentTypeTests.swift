import Testing
@testable import SMTPKit

@Suite("Content-Type from the file extension")
struct MIMEContentTypeTests {
    @Test("known extensions", arguments: [
        ("report.pdf", "application/pdf"), ("chart.png", "image/png"), ("photo.jpg", "image/jpeg"),
        ("photo.JPEG", "image/jpeg"), ("anim.gif", "image/gif"), ("pic.webp", "image/webp"),
        ("logo.svg", "image/svg+xml"), ("notes.txt", "text/plain"), ("data.csv", "text/csv"),
        ("page.html", "text/html"), ("page.htm", "text/html"), ("data.json", "application/json"),
        ("feed.xml", "application/xml"), ("bundle.zip", "application/zip"), ("archive.tar.gz", "application/gzip"),
        ("archive.tar", "application/x-tar"), ("clip.mp4", "video/mp4"), ("clip.MOV", "video/quicktime"),
        ("song.mp3", "audio/mpeg"), ("sound.wav", "audio/wav"), ("letter.doc", "application/msword"),
        ("letter.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("sheet.xls", "application/vnd.ms-excel"),
        ("sheet.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("slides.ppt", "application/vnd.ms-powerpoint"),
        ("slides.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("text.odt", "application/vnd.oasis.opendocument.text"), ("invite.ics", "text/calendar"),
        ("mail.eml", "message/rfc822"), ("/a/b.c/readme.md", "text/markdown"), ("font.woff2", "font/woff2"),
    ])
    func known(pair: (String, String)) {
        #expect(MailAttachment.contentType(forFilename: pair.0) == pair.1)
    }

    @Test("unknown gives application/octet-stream", arguments: ["file.unknownext", "README", ".bashrc", "", "trailingdot.", "dir.d/noext"])
    func unknown(name: String) {
        #expect(MailAttachment.contentType(forFilename: name) == "application/octet-stream")
    }

    @Test func tableIsLargeAndWellFormed() {
        #expect(MailAttachment.mediaTypes.count >= 60)
        for (ext, type) in MailAttachment.mediaTypes {
            #expect(ext == ext.lowercased())
            #expect(type.split(separator: "/").count == 2)
            #expect((try? MailAttachment.validatedMediaType(type)) != nil)
        }
    }

    @Test func explicitTypeWins() {
        var attachment = MailAttachment(bytes: [], filename: "x.pdf", contentType: " image/png ")
        #expect(attachment.resolvedContentType == "image/png")
        attachment.contentType = nil
        #expect(attachment.resolvedContentType == "application/pdf")
        attachment.filename = nil
        #expect(attachment.resolvedContentType == "application/octet-stream")
    }
}
