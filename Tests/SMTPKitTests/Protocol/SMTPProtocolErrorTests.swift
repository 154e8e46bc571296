import Testing
import SMTPKit

@Suite("SMTPProtocolError")
struct SMTPProtocolErrorTests {
    @Test("each factory has its kind", arguments: [
        (SMTPProtocolError.malformedReply(line: "x"), SMTPProtocolError.Kind.malformedReply),
        (.lineTooLong(limit: 1), .lineTooLong),
        (.tooManyReplyLines(limit: 1), .tooManyReplyLines),
        (.inconsistentReplyCodes(first: 250, found: 251), .inconsistentReplyCodes),
        (.invalidArgument(field: "f", reason: "r"), .invalidArgument),
        (.commandTooLong(command: "EHLO", length: 600, limit: 512), .commandTooLong),
    ])
    func kinds(error: SMTPProtocolError, kind: SMTPProtocolError.Kind) {
        #expect(error.kind == kind)
        #expect(Set([SMTPProtocolError.Kind.malformedReply, .lineTooLong, .tooManyReplyLines, .inconsistentReplyCodes,
                     .invalidArgument, .commandTooLong]).count == 6)
    }

    @Test("values compare with their context; kinds without it")
    func equality() {
        #expect(SMTPProtocolError.lineTooLong(limit: 10) == .lineTooLong(limit: 10))
        #expect(SMTPProtocolError.lineTooLong(limit: 10) != .lineTooLong(limit: 11))
        #expect(SMTPProtocolError.lineTooLong(limit: 10).kind == SMTPProtocolError.lineTooLong(limit: 11).kind)
        #expect(SMTPProtocolError.lineTooLong(limit: 10) != .tooManyReplyLines(limit: 10))
        #expect(SMTPProtocolError.Kind.malformedReply != .lineTooLong)
    }

    @Test("descriptions are sentences with the context", arguments: [
        (SMTPProtocolError.malformedReply(line: "+OK POP3 ready"),
         "The server sent a malformed reply line \"+OK POP3 ready\": an SMTP reply line must start with a three-digit "
            + "code (200–559) followed by a space, a hyphen or the line end (RFC 5321 §4.2). Check that the host and "
            + "port belong to an SMTP server."),
        (.lineTooLong(limit: 16_384),
         "The server sent a line longer than 16384 octets; the connection was abandoned. "
            + "The server is misbehaving or is not an SMTP server."),
        (.tooManyReplyLines(limit: 100),
         "The server sent a reply with more than 100 lines; the connection was abandoned. "
            + "The server is misbehaving or is not an SMTP server."),
        (.inconsistentReplyCodes(first: 250, found: 550),
         "The server's multi-line reply began with code 250 but a later line carried 550; every line of a reply "
            + "must carry the same code (RFC 5321 §4.2.1). The server is misbehaving."),
        (.invalidArgument(field: "EHLO name", reason: "is empty"),
         "Invalid EHLO name: it is empty. Correct the EHLO name and try again."),
        (.commandTooLong(command: "AUTH", length: 12_289, limit: 12_288),
         "The AUTH command would be 12289 octets long, more than the 12288 the protocol allows "
            + "(RFC 5321 §4.5.3.1.4, RFC 4954 §4). Shorten its arguments."),
    ])
    func descriptions(error: SMTPProtocolError, text: String) {
        #expect(error.description == text)
    }

    @Test("a malformed line is shown on one line, control characters escaped, long lines cut")
    func malformedPrintable() {
        let text = SMTPProtocolError.malformedReply(line: "a\rb\nc\td\u{1B}[0m").description
        #expect(text.contains("\"a\\x0Db\\x0Ac\\x09d\\x1B[0m\""))
        let long = SMTPProtocolError.malformedReply(line: String(repeating: "x", count: 500)).description
        #expect(long.contains(String(repeating: "x", count: 200) + "…\""))
        #expect(!long.contains(String(repeating: "x", count: 201)))
    }
}
