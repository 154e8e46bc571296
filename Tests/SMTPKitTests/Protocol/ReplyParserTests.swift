import Testing
import SMTPKit

@Suite("ReplyParser (RFC 5321 §4.2)")
struct ReplyParserTests {
    typealias S = ProtocolTestSupport

    @Test("single-line replies", arguments: [
        ("220 mx.example.org ESMTP Postfix", 220, "mx.example.org ESMTP Postfix"),
        ("250", 250, ""),
        ("250 ", 250, ""),
        ("250  two spaces", 250, " two spaces"),
        ("354 End data with <CR><LF>.<CR><LF>", 354, "End data with <CR><LF>.<CR><LF>"),
        ("221 2.0.0 Bye", 221, "2.0.0 Bye"),
        ("334 VXNlcm5hbWU6", 334, "VXNlcm5hbWU6"),
        ("334 ", 334, ""),
        ("421 4.7.0 Try again later, closing connection.", 421, "4.7.0 Try again later, closing connection."),
        ("559 x", 559, "x"),
        ("200 ok", 200, "ok"),
        ("535 5.7.8 Username and Password not accepted.", 535, "5.7.8 Username and Password not accepted."),
        ("250 text with - hyphen and 250-like 250-words", 250, "text with - hyphen and 250-like 250-words"),
    ])
    func singleLine(line: String, code: Int, text: String) throws {
        var parser = ReplyParser()
        let reply = try #require(try parser.consume(S.bytes(line)))
        #expect(reply.code == code)
        #expect(reply.lines == [text])
        #expect(!parser.isInsideReply)
    }

    @Test("multi-line replies", arguments: [
        ("250-a\r\n250-b\r\n250 c\r\n", 250, ["a", "b", "c"]),
        ("250-\r\n250 \r\n", 250, ["", ""]),
        ("250-first\r\n250\r\n", 250, ["first", ""]),
        ("250-first\r\n250-\r\n250-third\r\n250 \r\n", 250, ["first", "", "third", ""]),
        ("550-5.1.1 The email account that you tried to reach does not exist.\r\n"
            + "550 5.1.1 https://support.google.com/mail/?p=NoSuchUser\r\n", 550,
         ["5.1.1 The email account that you tried to reach does not exist.",
          "5.1.1 https://support.google.com/mail/?p=NoSuchUser"]),
        ("220-smtp.example.com ESMTP\r\n220-No UCE\r\n220 ready\n", 220,
         ["smtp.example.com ESMTP", "No UCE", "ready"]),
    ])
    func multiLine(wire: String, code: Int, lines: [String]) throws {
        let reply = try #require(try S.reply(fromWire: wire))
        #expect(reply.code == code)
        #expect(reply.lines == lines)
    }

    @Test("continuation lines return nil; the last line returns the reply")
    func stepByStep() throws {
        var parser = ReplyParser()
        #expect(try parser.consume(S.bytes("250-mx.example.org")) == nil)
        #expect(parser.isInsideReply)
        #expect(try parser.consume(S.bytes("250-PIPELINING")) == nil)
        #expect(try parser.consume(S.bytes("250-")) == nil)
        let reply = try #require(try parser.consume(S.bytes("250 SMTPUTF8")))
        #expect(reply == Reply(code: 250, lines: ["mx.example.org", "PIPELINING", "", "SMTPUTF8"]))
        #expect(!parser.isInsideReply)
    }

    @Test("the parser is ready for the next reply after each one")
    func consecutiveReplies() throws {
        let replies = try S.replies(fromWire: "250-a\r\n250 b\r\n251 c\r\n354-x\r\n354 y\r\n221 bye\r\n")
        #expect(replies == [
            Reply(code: 250, lines: ["a", "b"]),
            Reply(code: 251, lines: ["c"]),
            Reply(code: 354, lines: ["x", "y"]),
            Reply(code: 221, lines: ["bye"]),
        ])
    }

    @Test("garbage lines are malformed replies", arguments: [
        "hello", "25", "", "2", "600 x", "2500 x", "250x", "199 x", "100 x", "260 x", "2a0 x", " 250 x",
        "250\tx", "25 x", "1xx", "-250", "250_x", "250=x", "2.5 x", "abc", "250\r", "+OK POP3 ready",
        "HTTP/1.1 400 Bad Request", "SSH-2.0-OpenSSH_9.6", "\u{16}\u{03}\u{01}",
    ])
    func garbage(line: String) throws {
        var parser = ReplyParser()
        #expect(throws: SMTPProtocolError.malformedReply(line: line)) {
            try parser.consume(S.bytes(line))
        }
    }

    @Test("a garbage continuation line inside a reply is malformed")
    func garbageInsideReply() throws {
        var parser = ReplyParser()
        _ = try parser.consume(S.bytes("250-mx.example.org"))
        #expect(throws: SMTPProtocolError.malformedReply(line: "PIPELINING")) {
            try parser.consume(S.bytes("PIPELINING"))
        }
        #expect(!parser.isInsideReply)
    }

    @Test("every line of a reply must carry the same code", arguments: [
        (["250-a", "251 b"], 250, 251),
        (["250-a", "550 b"], 250, 550),
        (["550-a", "550-b", "250 c"], 550, 250),
        (["220-a", "250-b"], 220, 250),
    ])
    func mixedCodes(lines: [String], first: Int, found: Int) throws {
        var parser = ReplyParser()
        for line in lines.dropLast() { #expect(try parser.consume(S.bytes(line)) == nil) }
        #expect(throws: SMTPProtocolError.inconsistentReplyCodes(first: first, found: found)) {
            try parser.consume(S.bytes(lines.last!))
        }
    }

    @Test("after an error the parser starts afresh")
    func recoversAfterError() throws {
        var parser = ReplyParser()
        _ = try parser.consume(S.bytes("250-a"))
        #expect(throws: SMTPProtocolError.self) { try parser.consume(S.bytes("251 b")) }
        let reply = try #require(try parser.consume(S.bytes("221 bye")))
        #expect(reply == Reply(code: 221, lines: ["bye"]))
    }

    @Test("replies of up to maxLines lines are accepted, longer ones throw", arguments: [1, 2, 5, 100])
    func maxLines(limit: Int) throws {
        var parser = ReplyParser(maxLines: limit)
        for index in 0..<(limit - 1) { #expect(try parser.consume(S.bytes("250-line \(index)")) == nil) }
        let reply = try #require(try parser.consume(S.bytes("250 last")))
        #expect(reply.lines.count == limit)

        for index in 0..<limit { #expect(try parser.consume(S.bytes("250-line \(index)")) == nil) }
        #expect(throws: SMTPProtocolError.tooManyReplyLines(limit: limit)) {
            try parser.consume(S.bytes("250 one too many"))
        }
    }

    @Test("the default limit is 100 lines")
    func defaultLimit() throws {
        let hundred = (0..<99).map { "250-l\($0)\r\n" }.joined() + "250 end\r\n"
        #expect(try S.replies(fromWire: hundred).first?.lines.count == 100)
        let tooMany = (0..<100).map { "250-l\($0)\r\n" }.joined() + "250 end\r\n"
        #expect(throws: SMTPProtocolError.tooManyReplyLines(limit: 100)) { try S.replies(fromWire: tooMany) }
    }

    @Test("text is decoded as UTF-8, invalid bytes replaced", arguments: [
        ([0x32, 0x35, 0x30, 0x20, 0xFF, 0x61] as [UInt8], "\u{FFFD}a"),
        ([0x32, 0x35, 0x30, 0x20, 0x47, 0x72, 0xC3, 0xBC, 0xC3, 0x9F, 0x65], "Grüße"),
        ([0x32, 0x35, 0x30, 0x20, 0x61, 0xC3], "a\u{FFFD}"),
        ([0x32, 0x35, 0x30, 0x20, 0x00, 0x7F, 0x80], "\u{0}\u{7F}\u{FFFD}"),
        ([0x32, 0x35, 0x30, 0x20, 0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"),
    ])
    func lossyUTF8(line: [UInt8], text: String) throws {
        var parser = ReplyParser()
        let reply = try #require(try parser.consume(line))
        #expect(reply.lines == [text])
    }

    @Test("a malformed line with invalid UTF-8 is reported, not crashed on")
    func malformedInvalidUTF8() {
        var parser = ReplyParser()
        #expect(throws: SMTPProtocolError.malformedReply(line: "\u{FFFD}\u{FFFD}")) {
            try parser.consume([0xFF, 0xFE])
        }
    }
}
