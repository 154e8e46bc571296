import Foundation
import Testing
@testable import SMTPKit

@Suite("MIME attachments: exact bytes, streaming, sizes (RFC 2045 §6.8, RFC 1870)")
struct MIMEAttachmentTests {
    static let sizes = [0, 1, 2, 3, 56, 57, 58, 75, 76, 77, 1000, 57 * 1024 * 16 - 1, 57 * 1024 * 16 + 1]

    enum Kind: String, CaseIterable { case bytes, file, stream, unknownSizeStream }

    static func attachment(_ content: [UInt8], kind: Kind, paths: inout [String]) throws -> MailAttachment {
        switch kind {
        case .bytes:
            return MailAttachment(bytes: content, filename: "data.bin")
        case .file:
            let path = try MIMETestSupport.temporaryFile(content, name: "data.bin")
            paths.append(path)
            return MailAttachment(path: path)
        case .stream, .unknownSizeStream:
            return MailAttachment(
                stream: { TestByteStream(content, step: 10_000) },
                size: kind == .stream ? content.count : nil, filename: "data.bin")
        }
    }

    /// The one attachment of a message with that attachment and a text, read back.
    static func sendAndParse(_ attachment: MailAttachment, maxLength: Int = 65_536) throws -> (MIMETestEntity, MessageDataSource) {
        var message = try MIMETestSupport.message(body: "Vedlagt.\n")
        message.attachments = [attachment]
        let source = try message.makeDataSource(options: RenderOptions())
        let bytes = try MIMETestSupport.collect(source, maxLength: maxLength)
        let entity = try MIMETestParser.parse(bytes)
        MIMETestSupport.checkLines(entity, message: bytes)
        return (try #require(entity.parts.last), source)
    }

    @Test("an attachment arrives byte for byte", arguments: sizes, Kind.allCases)
    func exactBytes(size: Int, kind: Kind) throws {
        let content = MIMETestSupport.bytes(size, seed: UInt64(size) + 3)
        var paths: [String] = []
        defer { paths.forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let (part, source) = try Self.sendAndParse(try Self.attachment(content, kind: kind, paths: &paths))
        #expect(part.transferEncoding == "base64")
        #expect(part.decodedBody == content)
        #expect(part.body.count == Base64LineEncoder.encodedLength(of: size))
        #expect((source.estimatedSize == nil) == (kind == .unknownSizeStream))
        #expect(source.bodyType == .sevenBit)
    }

    @Test("a message data source is a byte stream: an .eml streams into an attachment as it is")
    func messageDataSourceAsAttachment() throws {
        let inner = Array("Subject: inner\r\n\r\nhello\r\n".utf8)
        let attachment = MailAttachment(
            stream: { BytesDataSource(inner) }, size: inner.count, filename: "inner.eml")
        let (part, source) = try Self.sendAndParse(attachment)
        #expect(part.decodedBody == inner)
        #expect(source.estimatedSize != nil)
    }

    @Test("any chunk size gives the same bytes", arguments: [1, 2, 75, 76, 77, 997, 4096, 65_536, 1 << 22])
    func chunkSizes(maxLength: Int) throws {
        let content = MIMETestSupport.bytes(maxLength < 100 ? 5000 : 200_000, seed: 11)
        let path = try MIMETestSupport.temporaryFile(content, name: "chunks.bin")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var message = try MIMETestSupport.message()
        message.attachments = [MailAttachment(path: path), MailAttachment(bytes: content, filename: "copy.bin")]
        let reference = try message.render(options: RenderOptions())
        let source = try message.makeDataSource(options: RenderOptions())
        let streamed = try MIMETestSupport.collect(source, maxLength: maxLength)
        let first = try MIMETestParser.parse(reference)
        let second = try MIMETestParser.parse(streamed)
        #expect(second.parts.map(\.decodedBody) == [Array("Hei!\r\n".utf8), content, content])
        #expect(first.parts.map(\.body) == second.parts.map(\.body))
        #expect(streamed.count == source.estimatedSize)
    }

    @Test("a few megabytes from a file", arguments: [4093, 1 << 20])
    func largeFile(maxLength: Int) throws {
        let content = MIMETestSupport.bytes(5 * 1024 * 1024 + 17, seed: 99)
        let path = try MIMETestSupport.temporaryFile(content, name: "video.mp4")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (part, source) = try Self.sendAndParse(MailAttachment(path: path), maxLength: maxLength)
        #expect(part.mediaType == "video/mp4")
        #expect(part.filename == MailAttachment.lastPathComponent(path))
        #expect(part.filename?.hasSuffix("-video.mp4") == true)
        #expect(part.decodedBody == content)
        #expect(source.estimatedSize.map { $0 > 5 * 1024 * 1024 * 4 / 3 } == true)
    }

    @Test func estimatedSizeIsKnownBeforeReadingAnything() throws {
        let content = MIMETestSupport.bytes(123_457)
        let path = try MIMETestSupport.temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var message = try MIMETestSupport.message()
        message.htmlBody = "<p>x</p>"
        message.attachments = [MailAttachment(path: path), MailAttachment(bytes: [1, 2], filename: "b")]
        let source = try message.makeDataSource(options: RenderOptions())
        let size = try #require(source.estimatedSize)
        #expect(size == (try MIMETestSupport.collect(source, maxLength: 8192)).count)
    }

    @Test func streamIsReadLazilyInChunks() throws {
        let box = StreamBox(TestByteStream(MIMETestSupport.bytes(3_000_000)))
        var message = try MIMETestSupport.message()
        message.attachments = [MailAttachment(stream: { box.stream }, size: 3_000_000, filename: "big.bin")]
        let source = try message.makeDataSource(options: RenderOptions())
        #expect(box.stream.calls == 0)
        _ = try source.read(maxLength: 100)
        #expect(box.stream.calls == 0)
        var total = 0
        while total < 1_400_000 { total += try source.read(maxLength: 65_536).count }
        #expect(box.stream.calls == 2)
        #expect(box.stream.largestRequest == 57 * 1024 * 16)
        while try !source.read(maxLength: 65_536).isEmpty {}
        #expect(box.stream.calls == 5)  // four chunks and the empty end
    }

    @Test func unreadablePathFailsWhenTheSourceIsMade() throws {
        var message = try MIMETestSupport.message()
        let path = MessageTestSupport.temporaryPath("missing.pdf")
        message.attachments = [MailAttachment(path: path)]
        let error = try #require(throws: MessageError.self) { try message.makeDataSource(options: RenderOptions()) }
        #expect(error.kind == .unreadable)
        #expect(error.path == path)
        #expect(error.description == "cannot read attachment \"\(path)\": No such file or directory")
    }

    @Test func directoryIsRefused() throws {
        var message = try MIMETestSupport.message()
        message.attachments = [MailAttachment(path: FileManager.default.temporaryDirectory.path)]
        let error = try #require(throws: MessageError.self) { try message.makeDataSource(options: RenderOptions()) }
        #expect(error.kind == .unreadable)
        #expect(error.reason == "it is a directory, not a file")
    }

    @Test func fileThatShrinksWhileSendingFails() throws {
        let path = try MIMETestSupport.temporaryFile(MIMETestSupport.bytes(100_000))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var message = try MIMETestSupport.message()
        message.attachments = [MailAttachment(path: path)]
        let source = try message.makeDataSource(options: RenderOptions())
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: MessageError.self) { _ = try MIMETestSupport.collect(source, maxLength: 65_536) }
        #expect(error.kind == .unreadable)
        #expect(error.reason?.contains("became shorter") == true)
    }

    @Test func fileThatGrowsIsSentAtItsOpeningSize() throws {
        let content = MIMETestSupport.bytes(1000)
        let path = try MIMETestSupport.temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var message = try MIMETestSupport.message()
        message.attachments = [MailAttachment(path: path)]
        let source = try message.makeDataSource(options: RenderOptions())
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data([9, 9, 9]))
        try handle.close()
        let entity = try MIMETestParser.parse(try MIMETestSupport.collect(source, maxLength: 4096))
        #expect(entity.parts[1].decodedBody == content)
    }

    @Test("a stream that does not match its size fails", arguments: [(10, 11), (10, 9), (0, 1)])
    func streamSizeMismatch(declared: Int, actual: Int) throws {
        var message = try MIMETestSupport.message()
        let content = MIMETestSupport.bytes(actual)
        message.attachments = [MailAttachment(stream: { TestByteStream(content, step: 4) }, size: declared, filename: "s.bin")]
        let source = try message.makeDataSource(options: RenderOptions())
        #expect(source.estimatedSize != nil)
        let error = try #require(throws: MessageError.self) { _ = try MIMETestSupport.collect(source, maxLength: 65_536) }
        #expect(error.kind == .unreadable)
        #expect(error.path == "s.bin")
        #expect(error.reason?.contains("declared") == true)
    }

    struct OpenFailure: Error, CustomStringConvertible { var description: String { "the disk is gone" } }

    @Test func streamThatCannotBeOpenedFailsWhenTheSourceIsMade() throws {
        var message = try MIMETestSupport.message()
        message.attachments = [MailAttachment(stream: { throw OpenFailure() }, size: nil, filename: "s.bin")]
        let error = try #require(throws: MessageError.self) { try message.makeDataSource(options: RenderOptions()) }
        #expect(error.description == "cannot read attachment \"s.bin\": the stream cannot be opened: the disk is gone")
    }

    @Test func negativeStreamSizeIsRefused() throws {
        var message = try MIMETestSupport.message()
        message.attachments = [MailAttachment(stream: { TestByteStream([]) }, size: -1, filename: "s.bin")]
        let error = try #require(throws: MessageError.self) { try message.makeDataSource(options: RenderOptions()) }
        #expect(error.kind == .unreadable && error.isAttachment && error.path == "s.bin")
    }

    @Test func eachDataSourceOpensTheStreamAgain() throws {
        var message = try MIMETestSupport.message()
        message.attachments = [MailAttachment(stream: { TestByteStream([1, 2, 3]) }, size: 3, filename: "s.bin")]
        let first = try message.render(options: RenderOptions())
        let second = try message.render(options: RenderOptions())
        #expect(try MIMETestParser.parse(first).parts[1].decodedBody == [1, 2, 3])
        #expect(try MIMETestParser.parse(second).parts[1].decodedBody == [1, 2, 3])
    }

    @Test func attachmentsAreBase64EvenWhenText() throws {
        var message = try MIMETestSupport.message()
        message.attachments = [MailAttachment(bytes: Array("plain text\n".utf8), filename: "notes.txt")]
        let (_, entity) = try MIMETestSupport.roundTrip(message, options: RenderOptions(allow8Bit: true))
        #expect(entity.parts[1].mediaType == "text/plain")
        #expect(entity.parts[1].transferEncoding == "base64")
        #expect(entity.parts[1].body == Array("cGxhaW4gdGV4dAo=\r\n".utf8))
    }
}
