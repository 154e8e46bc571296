import Foundation
import Testing
@testable import SMTPKit

struct BccRemovalCase: CustomTestStringConvertible, Sendable {
    var name: String
    var input: String
    var expected: String
    var testDescription: String { name }
}

@Suite("Raw messages with Bcc removed (RFC 5322 §3.6.3, like sendmail -t)")
struct RawMessageBccTests {
    static let cases: [BccRemovalCase] = [
        .init(name: "folded Bcc in the middle",
              input: "From: a@example.org\r\nBcc: h1@example.org,\r\n  h2@example.org\r\nTo: b@example.org\r\n\r\nBcc: body\r\n",
              expected: "From: a@example.org\r\nTo: b@example.org\r\n\r\nBcc: body\r\n"),
        .init(name: "Bcc first",
              input: "Bcc: h@example.org\r\nTo: b@example.org\r\n\r\nbody",
              expected: "To: b@example.org\r\n\r\nbody"),
        .init(name: "folded Bcc last",
              input: "To: b@example.org\r\nBcc: h@example.org,\r\n\th2@example.org\r\n \r\n\r\nbody\r\n",
              expected: "To: b@example.org\r\n\r\nbody\r\n"),
        .init(name: "Bcc the only header",
              input: "Bcc: h@example.org\r\n\r\nbody\r\n",
              expected: "\r\nbody\r\n"),
        .init(name: "lowercase bcc and obsolete space before the colon",
              input: "bcc: h@example.org\r\nTo: b@example.org\r\nBCC : h2@example.org\r\nSubject: s\r\n\r\nx",
              expected: "To: b@example.org\r\nSubject: s\r\n\r\nx"),
        .init(name: "Resent-Bcc, not Resent-To",
              input: "Resent-To: r@example.org\r\nRESENT-BCC: rh@example.org,\r\n rh2@example.org\r\nTo: b@example.org\r\n\r\nx",
              expected: "Resent-To: r@example.org\r\nTo: b@example.org\r\n\r\nx"),
        .init(name: "names that only contain Bcc stay",
              input: "X-Bcc: a\r\nBccx: b\r\nBcc-Copy: c\r\nBcc: h@example.org\r\n\r\nx",
              expected: "X-Bcc: a\r\nBccx: b\r\nBcc-Copy: c\r\n\r\nx"),
        .init(name: "an empty Bcc",
              input: "To: b@example.org\r\nBcc:\r\n\r\nx",
              expected: "To: b@example.org\r\n\r\nx"),
        .init(name: "several Bcc fields",
              input: "Bcc: a@example.org\r\nTo: b@example.org\r\nBcc: c@example.org\r\nCc: d@example.org\r\nBcc: e@example.org\r\n\r\n",
              expected: "To: b@example.org\r\nCc: d@example.org\r\n\r\n"),
        .init(name: "LF line ends",
              input: "From: a@example.org\nBcc: h@example.org,\n  h2@example.org\nTo: b@example.org\n\nBcc: body\n",
              expected: "From: a@example.org\nTo: b@example.org\n\nBcc: body\n"),
        .init(name: "bare CR line ends",
              input: "From: a@example.org\rBcc: h@example.org,\r\th2@example.org\rTo: b@example.org\r\rbody\r",
              expected: "From: a@example.org\rTo: b@example.org\r\rbody\r"),
        .init(name: "mixed line ends",
              input: "To: b@example.org\nBcc: h@example.org,\r\n  h2@example.org\rSubject: s\r\n\nbody",
              expected: "To: b@example.org\nSubject: s\r\n\nbody"),
        .init(name: "headers only, Bcc last without a line end",
              input: "To: b@example.org\nBcc: h@example.org",
              expected: "To: b@example.org\n"),
        .init(name: "headers only, Bcc first without a body",
              input: "Bcc: h@example.org\r\nTo: b@example.org\r\n",
              expected: "To: b@example.org\r\n"),
        .init(name: "header-like body lines stay",
              input: "To: b@example.org\r\n\r\nBcc: x\r\nbcc: y@example.org\r\n\r\nResent-Bcc: z\r\n",
              expected: "To: b@example.org\r\n\r\nBcc: x\r\nbcc: y@example.org\r\n\r\nResent-Bcc: z\r\n"),
        .init(name: "no Bcc at all",
              input: "To: b@example.org\r\n\r\nbody",
              expected: "To: b@example.org\r\n\r\nbody"),
    ]

    static func message(_ text: String, removeBcc: Bool = true) throws -> RawMessage {
        try message(Array(text.utf8), removeBcc: removeBcc)
    }

    static func message(_ bytes: [UInt8], removeBcc: Bool = true) throws -> RawMessage {
        let path = try MessageTestSupport.temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try RawMessage(path: path, removeBcc: removeBcc)
    }

    @Test("Bcc fields are removed, everything else is unchanged", arguments: cases, [1, 2, 7, 64, 65_536])
    func removes(_ testCase: BccRemovalCase, chunk: Int) throws {
        let message = try Self.message(testCase.input)
        let sent = try RawMessageFileTests.readAll(message, chunk: chunk)
        #expect(String(decoding: sent, as: UTF8.self) == testCase.expected)
        #expect(message.estimatedSize == sent.count)
        #expect(message.removesBcc)
        #expect(try message.read(maxLength: 100) == [])
    }

    @Test("without removeBcc the message is sent as it is", arguments: cases)
    func keeps(_ testCase: BccRemovalCase) throws {
        let message = try Self.message(testCase.input, removeBcc: false)
        let sent = try RawMessageFileTests.readAll(message, chunk: 5)
        #expect(sent == Array(testCase.input.utf8))
        #expect(message.estimatedSize == testCase.input.utf8.count)
        #expect(!message.removesBcc)
    }

    @Test func removedRecipientsAreStillInTheHeaders() throws {
        let message = try Self.message(
            "From: Ann <ann@example.org>\r\nTo: b@example.org\r\nBcc: h@example.org,\r\n h2@example.org\r\n\r\nx")
        #expect(message.headers.bcc.map(\.address) == ["h@example.org", "h2@example.org"])
        #expect(message.headers.recipients.map(\.address) == ["b@example.org", "h@example.org", "h2@example.org"])
        #expect(message.headers.envelopeSender?.address == "ann@example.org")
        #expect(message.headers.values("bcc") == ["h@example.org, h2@example.org"])
        #expect(message.path.hasSuffix("message.eml"))
    }

    @Test("8BITMIME is needed only for what is sent", arguments: [
        ("Bcc: Kåre <kare@example.no>\r\nTo: b@example.org\r\n\r\nplain\r\n", true, MessageBodyType.sevenBit),
        ("Bcc: Kåre <kare@example.no>\r\nTo: b@example.org\r\n\r\nplain\r\n", false, .eightBitMIME),
        ("Bcc: Kåre <kare@example.no>\r\nSubject: Møte\r\n\r\nplain\r\n", true, .eightBitMIME),
        ("Bcc: Kåre <kare@example.no>\r\nTo: b@example.org\r\n\r\nblåbær\r\n", true, .eightBitMIME),
        ("Bcc: h@example.org\r\nTo: b@example.org\r\n\r\nplain\r\n", true, .sevenBit),
    ])
    func bodyType(_ testCase: (String, Bool, MessageBodyType)) throws {
        #expect(try Self.message(testCase.0, removeBcc: testCase.1).bodyType == testCase.2)
    }

    @Test func aLargeBodyStreamsUnchangedAfterTheRemoval() throws {
        var body: [UInt8] = []
        for index in 0..<40_000 {
            body += Array("line \(index): Bcc: not a header, blåbær\r\n".utf8)
        }
        let header = Array("To: b@example.org\r\nBcc: h@example.org,\r\n h2@example.org\r\nSubject: big\r\n\r\n".utf8)
        let message = try Self.message(header + body)
        let expected = Array("To: b@example.org\r\nSubject: big\r\n\r\n".utf8) + body
        for chunk in [65_536, 100_003] {
            let fresh = try Self.message(header + body)
            #expect(try RawMessageFileTests.readAll(fresh, chunk: chunk) == expected)
        }
        #expect(message.estimatedSize == expected.count)
        #expect(message.bodyType == .eightBitMIME)
    }

    @Test("a line over 998 octets makes the message BINARYMIME, its number noted", arguments: [998, 999])
    func lineLimit(_ length: Int) throws {
        let text = "To: b@example.org\r\nBcc: h@example.org\r\n\r\nok\r\n" + String(repeating: "y", count: length) + "\r\n"
        let message = try Self.message(text)
        #expect(message.estimatedSize == text.utf8.count - "Bcc: h@example.org\r\n".utf8.count)
        #expect(message.firstOverlongLine?.line == (length <= 998 ? nil : 5))
        #expect((message.bodyType == .binaryMIME) == (length > 998))
    }

    @Test func anOverlongHeaderLineIsRefusedAsALineNotAsAHeader() throws {
        let text = "To: " + String(repeating: "a", count: 995) + "@example.org\r\n\r\nx"
        let error = try #require(throws: MessageError.self) { try Self.message(text) }
        #expect(error.kind == .lineTooLong)
        #expect(error.line == 1)
        #expect(error.description.hasPrefix("line 1 of the message is 1011 octets long"))
    }

    @Test func anEmptyMessageIsRefused() throws {
        let error = try #require(throws: MessageError.self) { try Self.message("") }
        #expect(error.kind == .unreadable)
        #expect(error.reason == "the message is empty (0 octets); there is nothing to send")
    }

    @Test func headerErrorsSurface() throws {
        let address = try #require(throws: MessageError.self) {
            try Self.message("To: b@example.org\r\nBcc: nobody\r\n\r\nx")
        }
        #expect(address.kind == .invalidAddress)
        #expect(address.address == "nobody")
        #expect(address.reason?.hasSuffix("(in the Bcc header)") == true)
        let header = try #require(throws: MessageError.self) { try Self.message("Dear Bob,\r\n\r\nx") }
        #expect(header.kind == .invalidHeader)
        #expect(header.headerName == "Dear Bob,")
    }

    @Test func headersOverOneMiBAreRefusedButTheSameFileStillSendsAsIs() throws {
        let text = RawMessageHeadersTests.filler(octets: RawMessageHeaderScanner.limit + 100) + Array("\r\nbody\r\n".utf8)
        let error = try #require(throws: MessageError.self) { try Self.message(text) }
        #expect(error.kind == .invalidHeader)
        #expect(error.headerName == "(header section)")
        let path = try MessageTestSupport.temporaryFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try RawMessageFile(path: path).estimatedSize == text.count)
    }
}
