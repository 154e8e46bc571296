import Testing
@testable import SMTPKit

@Suite("MessageError")
struct MessageErrorTests {
    @Test("descriptions are one clear sentence", arguments: [
        (MessageError.invalidAddress("kari", reason: "it has no '@'"), "invalid address \"kari\": it has no '@'"),
        (MessageError.invalidHeader(name: "Subject", reason: "the value contains a NUL character"),
         "invalid header \"Subject\": the value contains a NUL character"),
        (MessageError.lineTooLong(line: 12, length: 1200),
         "line 12 of the message is 1200 octets long; RFC 5322 §2.1.1 allows at most 998 (plus CRLF), and the server "
            + "does not offer BINARYMIME with CHUNKING (RFC 3030), which would take it. "
            + "Wrap the line, or send the content as an encoded attachment"),
        (MessageError.unreadable(path: "/tmp/x.eml", reason: "Permission denied"),
         "cannot read message file \"/tmp/x.eml\": Permission denied"),
        (MessageError.invalidAddress("a\"b\\c\t\u{1}", reason: "r"), "invalid address \"a\\\"b\\\\c\\x09\\x01\": r"),
    ])
    func describes(_ pair: (MessageError, String)) {
        #expect(pair.0.description == pair.1)
        #expect("\(pair.0)" == pair.1)
    }

    @Test func equalityIsByKindAndContext() {
        #expect(MessageError.invalidAddress("a", reason: "x") == MessageError.invalidAddress("a", reason: "x"))
        #expect(MessageError.invalidAddress("a", reason: "x") != MessageError.invalidAddress("b", reason: "x"))
        #expect(MessageError.invalidAddress("a", reason: "x") != MessageError.invalidHeader(name: "a", reason: "x"))
        #expect(MessageError.lineTooLong(line: 1, length: 1000).kind == .lineTooLong)
        #expect(MessageError.unreadable(path: "p", reason: "r").kind != .lineTooLong)
        #expect(Set([MessageError.Kind.invalidAddress, .invalidHeader, .lineTooLong, .unreadable]).count == 4)
        #expect(MessageError.Kind.unreadable.description == "unreadable")
    }

    @Test func contextAccessors() {
        let address = MessageError.invalidAddress("kari", reason: "r")
        #expect(address.address == "kari" && address.headerName == nil && address.reason == "r")
        let header = MessageError.invalidHeader(name: "To", reason: "r2")
        #expect(header.headerName == "To" && header.address == nil && header.reason == "r2")
        let line = MessageError.lineTooLong(line: 3, length: 999)
        #expect(line.line == 3 && line.reason == nil && line.path == nil)
        let file = MessageError.unreadable(path: "/x", reason: "gone")
        #expect(file.path == "/x" && file.reason == "gone" && file.line == nil)
    }

    @Test func throwsMatchOnKind() {
        #expect { try Mailbox("no-at-sign") } throws: { ($0 as? MessageError)?.kind == .invalidAddress }
        #expect { try HeaderField(name: "Bad Name", value: "") } throws: { ($0 as? MessageError)?.kind == .invalidHeader }
    }
}
