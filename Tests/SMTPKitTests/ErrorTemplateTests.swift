import Testing
@testable import SMTPKit

/// Every public error kind, built as the library builds it: its text is the library's (no flag,
/// no repository file, no program name), equality is kind + context, and the cause is a value.
@Suite("the error template (SMTPKitError)")
struct ErrorTemplateTests {
    struct Marker: Error, Equatable { let id: Int }

    /// One error of one kind: made with an optional cause, and another error of the same kind
    /// with a different context (nil when the kind has no context).
    struct Sample: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let make: @Sendable ((any Error & Sendable)?) -> any SMTPKitError
        let other: (any SMTPKitError)?
        /// True when `make` keeps the cause it is given.
        var keepsCause = false

        init<E: SMTPKitError>(_ name: String, keepsCause: Bool = false,
                              _ make: @escaping @Sendable ((any Error & Sendable)?) -> E, other: E?) {
            self.testDescription = name
            self.make = make
            self.other = other
            self.keepsCause = keepsCause
        }
    }

    static func reply(_ code: Int, _ text: String) -> Reply { Reply(code: code, lines: [text]) }
    static let ok = RecipientResult(address: "ok@example.org", reply: reply(250, "2.1.5 OK"))
    static let bad = RecipientResult(address: "nobody@example.org", reply: reply(550, "5.1.1 User unknown"))

    static let samples: [Sample] = [
        // TransportError
        Sample("hostNotFound", keepsCause: true, { TransportError.hostNotFound("mail.example", reason: "Name or service not known", underlying: $0) },
               other: TransportError.hostNotFound("smtp.example", reason: "Name or service not known")),
        Sample("resolutionFailed", keepsCause: true, { TransportError.resolutionFailed("mail.example", reason: "Temporary failure", underlying: $0) },
               other: TransportError.resolutionFailed("mail.example", reason: "No network")),
        Sample("connectFailed", { _ in TransportError.connectFailed("mail.example", port: 587, attempts: ["192.0.2.1: Connection refused"]) },
               other: TransportError.connectFailed("mail.example", port: 25, attempts: ["192.0.2.1: Connection refused"])),
        Sample("timedOut", { _ in TransportError.timedOut("waiting for the greeting", seconds: 30) }, other: TransportError.timedOut("waiting for the greeting", seconds: 1.5)),
        Sample("connectionClosed", { _ in TransportError.connectionClosed("before replying to EHLO") }, other: TransportError.connectionClosed("while sending")),
        Sample("ioFailed", keepsCause: true, { TransportError.ioFailed("while sending", reason: "Broken pipe", underlying: $0) },
               other: TransportError.ioFailed("while reading", reason: "Broken pipe")),
        Sample("tlsHandshakeFailed", { _ in TransportError.tlsHandshakeFailed("wrong version number") }, other: TransportError.tlsHandshakeFailed("unexpected eof")),
        Sample("tlsHandshakeFailed in implicit TLS", { _ in TransportError.tlsHandshakeFailed("wrong version number").duringImplicitTLS(port: 465) },
               other: TransportError.tlsHandshakeFailed("wrong version number")),
        Sample("certificateRejected", { _ in TransportError.certificateRejected("mail.example", reason: "self-signed certificate") },
               other: TransportError.certificateRejected("mail.example", reason: "hostname mismatch")),
        Sample("tlsSetupFailed", keepsCause: true, { TransportError.tlsSetupFailed("cannot read the CA file", underlying: $0) },
               other: TransportError.tlsSetupFailed("SSL_CTX_new failed")),
        Sample("startTLSInjection", { _ in TransportError.startTLSInjection(bytes: 12) }, other: TransportError.startTLSInjection(bytes: nil)),
        Sample("cancelled", { _ in TransportError.cancelled }, other: nil),
        // SMTPError
        Sample("serviceUnavailable", { _ in SMTPError.serviceUnavailable("mail.example:25", reply: reply(554, "5.3.2 No thanks")) },
               other: SMTPError.serviceUnavailable("mail.example:25", reply: reply(421, "4.3.2 Busy"))),
        Sample("rejected", { _ in SMTPError.rejected("MAIL FROM:<a@example.org>", reply: reply(550, "5.7.1 Sender rejected")) },
               other: SMTPError.rejected("DATA", reply: reply(550, "5.7.1 Sender rejected"))),
        Sample("unexpectedReply", { _ in SMTPError.unexpectedReply("DATA", reply: reply(250, "OK")) }, other: SMTPError.unexpectedReply("MAIL", reply: reply(250, "OK"))),
        Sample("startTLSNotOffered", { _ in SMTPError.startTLSNotOffered("mail.example:25") }, other: SMTPError.startTLSNotOffered("mail.example:587")),
        Sample("startTLSNotOffered (EHLO refused)", { _ in SMTPError.ehloRefusedWithTLSRequired("mail.example:25", reply: reply(502, "5.5.2 No EHLO")) },
               other: SMTPError.startTLSNotOffered("mail.example:25")),
        Sample("startTLSRefused", { _ in SMTPError.startTLSRefused(reply: reply(454, "4.7.0 TLS not available")) },
               other: SMTPError.startTLSRefused(reply: reply(554, "5.7.3 TLS not available"))),
        Sample("recipientsRefused (partial)", { _ in SMTPError.recipientsRefused([ok, bad], sentNothing: true) },
               other: SMTPError.recipientsRefused([bad], sentNothing: true)),
        Sample("deliveryStatusUnknown", keepsCause: true, { SMTPError.deliveryStatusUnknown("timed out", underlying: $0) },
               other: SMTPError.deliveryStatusUnknown("connection reset")),
        Sample("messageTooLarge", { _ in SMTPError.messageTooLarge(size: 300, limit: 200) }, other: SMTPError.messageTooLarge(size: 301, limit: 200)),
        Sample("smtpUTF8Required", { _ in SMTPError.smtpUTF8Required("bjørn@example.no") }, other: SMTPError.smtpUTF8Required("søren@example.dk")),
        Sample("eightBitNotSupported", { _ in SMTPError.eightBitNotSupported("mail.example:25") }, other: SMTPError.eightBitNotSupported("relay.example:25")),
        Sample("connectionUnusable", keepsCause: true, { SMTPError.connectionUnusable("the server closed it (421 4.3.2 Bye)", underlying: $0) },
               other: SMTPError.connectionUnusable("its withConnection scope has ended")),
        Sample("extensionNotOffered", { _ in SMTPError.extensionNotOffered("DSN", server: "mail.example:25") },
               other: SMTPError.extensionNotOffered("DSN", server: "relay.example:25")),
        // AuthenticationError
        Sample("rejected 535", { _ in AuthenticationError.rejected(mechanism: "PLAIN", reply: reply(535, "5.7.8 Bad credentials")) },
               other: AuthenticationError.rejected(mechanism: "LOGIN", reply: reply(535, "5.7.8 Bad credentials"))),
        Sample("rejected 534", { _ in AuthenticationError.rejected(mechanism: "PLAIN", reply: reply(534, "5.7.9 Stronger needed")) }, other: nil),
        Sample("rejected 538", { _ in AuthenticationError.rejected(mechanism: "PLAIN", reply: reply(538, "5.7.11 Encryption required")) }, other: nil),
        Sample("notOffered", { _ in AuthenticationError.notOffered(server: "mail.example:25") }, other: AuthenticationError.notOffered(server: "mail.example:587")),
        Sample("mechanismNotOffered", { _ in AuthenticationError.mechanismNotOffered(["PLAIN"], offered: ["LOGIN"]) },
               other: AuthenticationError.mechanismNotOffered(["XOAUTH2"], offered: ["LOGIN"])),
        Sample("plaintextRefused", { _ in AuthenticationError.plaintextRefused }, other: nil),
        Sample("unexpectedChallenge", { _ in AuthenticationError.unexpectedChallenge(mechanism: "PLAIN", challenge: [1, 2]) },
               other: AuthenticationError.malformedChallenge("!!not base64!!")),
        Sample("tooManyChallenges", { _ in AuthenticationError.tooManyChallenges(10) }, other: AuthenticationError.tooManyChallenges(11)),
        // SMTPProtocolError
        Sample("malformedReply", { _ in SMTPProtocolError.malformedReply(line: "+OK POP3 ready") }, other: SMTPProtocolError.malformedReply(line: "HTTP/1.1 400")),
        Sample("lineTooLong", { _ in SMTPProtocolError.lineTooLong(limit: 16_384) }, other: SMTPProtocolError.lineTooLong(limit: 512)),
        Sample("tooManyReplyLines", { _ in SMTPProtocolError.tooManyReplyLines(limit: 100) }, other: SMTPProtocolError.tooManyReplyLines(limit: 10)),
        Sample("inconsistentReplyCodes", { _ in SMTPProtocolError.inconsistentReplyCodes(first: 250, found: 550) },
               other: SMTPProtocolError.inconsistentReplyCodes(first: 250, found: 251)),
        Sample("invalidArgument", { _ in SMTPProtocolError.invalidArgument(field: "EHLO name", reason: "is empty") },
               other: SMTPProtocolError.invalidArgument(field: "user name", reason: "is empty")),
        Sample("commandTooLong", { _ in SMTPProtocolError.commandTooLong(command: "RCPT TO", length: 600, limit: 512) },
               other: SMTPProtocolError.commandTooLong(command: "MAIL FROM", length: 600, limit: 512)),
        // MessageError
        Sample("invalidAddress", { _ in MessageError.invalidAddress("kari", reason: "it has no '@'") }, other: MessageError.invalidAddress("ola", reason: "it has no '@'")),
        Sample("invalidHeader", { _ in MessageError.invalidHeader(name: "Subject", reason: "NUL") }, other: MessageError.invalidHeader(name: "To", reason: "NUL")),
        Sample("lineTooLong (message)", { _ in MessageError.lineTooLong(line: 3, length: 1200) }, other: MessageError.lineTooLong(line: 4, length: 1200)),
        Sample("unreadable", { _ in MessageError.unreadable(path: "/tmp/x.eml", reason: "Permission denied") },
               other: MessageError.unreadableAttachment("/tmp/x.eml", reason: "Permission denied")),
        Sample("unreadable (attachment)", keepsCause: true, { MessageError.unreadableAttachment("s.bin", reason: "reading the stream failed", underlying: $0) },
               other: MessageError.unreadableAttachment("t.bin", reason: "reading the stream failed")),
        // ConfigError
        Sample("fileNotFound", { _ in ConfigError.fileNotFound(path: "/etc/mail.toml") }, other: ConfigError.fileNotFound(path: "/etc/mail.toml", origin: "$SMTPKIT_CONFIG")),
        Sample("unreadable (config)", keepsCause: true, { ConfigError.unreadable(path: "/etc/mail.toml", reason: "permission denied", underlying: $0) },
               other: ConfigError.unreadable(path: "/etc/mail.toml", reason: "it is a directory")),
        Sample("syntax", keepsCause: true, { ConfigError.syntax(file: "c.toml", line: 2, message: "expected '='", underlying: $0) },
               other: ConfigError.syntax(file: "c.toml", line: 3, message: "expected '='")),
        Sample("unknownKey", { _ in ConfigError.unknownKey(file: "c.toml", line: 2, table: "[defaults]", key: "hots", suggestion: "host") },
               other: ConfigError.unknownKey(file: "c.toml", line: 2, table: "[defaults]", key: "hots", suggestion: nil)),
        Sample("wrongType", { _ in ConfigError.wrongType(file: "c.toml", line: 2, key: "port", expected: "an integer", found: "a string") },
               other: ConfigError.wrongType(file: "c.toml", line: 2, key: "port", expected: "an integer", found: "a float")),
        Sample("invalidValue", { _ in ConfigError.invalidValue(file: "c.toml", line: 2, key: "tls", reason: "'ssl' is not none, starttls or tls") },
               other: ConfigError.invalidValue(file: nil, line: nil, key: "tls", reason: "'ssl' is not none, starttls or tls")),
        Sample("literalPassword", { _ in ConfigError.literalPassword(file: "c.toml", line: 4, profile: "[profiles.work]") },
               other: ConfigError.literalPassword(file: "c.toml", line: 4, profile: "[defaults]")),
        Sample("unknownProfile", { _ in ConfigError.unknownProfile(name: "wrok", available: ["work"]) }, other: ConfigError.unknownProfile(name: "wrok", available: [])),
        Sample("passwordFileInsecure", { _ in ConfigError.passwordFileInsecure(path: "/home/u/.pw", mode: 0o644) },
               other: ConfigError.passwordFileInsecure(path: "/home/u/.pw", mode: 0o640)),
        Sample("passwordUnavailable", keepsCause: true, { ConfigError.passwordUnavailable(source: .environment("PW"), reason: "it is not set", underlying: $0) },
               other: ConfigError.passwordUnavailable(source: .environment("PASS"), reason: "it is not set")),
        Sample("conflictingPasswordSources", { _ in ConfigError.conflictingPasswordSources(profile: "[profiles.work]") },
               other: ConfigError.conflictingPasswordSources(profile: nil)),
        Sample("missingSetting", { _ in ConfigError.missingSetting(key: "host", reason: "no server is set: give the profile a host") },
               other: ConfigError.missingSetting(key: "user", reason: "auth = plain needs a user name to log in as: set user")),
    ]

    @Test("the text is the library's: no flag, no repository file, no program name", arguments: samples)
    func libraryWords(_ sample: Sample) {
        let text = sample.make(nil).description
        #expect(!text.isEmpty)
        #expect(!text.contains("--"), "a flag in \(text)")
        #expect(!text.contains("smtpkit"), "the CLI named in \(text)")
        #expect(!text.contains("Configs/"), "a repository file in \(text)")
        if let other = sample.other { #expect(!other.description.contains("--")) }
    }

    @Test("equal when kind and context are equal; the underlying error is not compared", arguments: samples)
    func equality(_ sample: Sample) {
        let first = sample.make(nil)
        let twice = Self.equal(first, sample.make(nil))
        let causesIgnored = Self.equal(sample.make(Marker(id: 1)), sample.make(Marker(id: 2)))
        #expect(twice, "\(first) == itself")
        #expect(causesIgnored, "the cause is not compared: \(first)")
        if let other = sample.other {
            let sameKind = Self.sameKind(first, other)
            let equal = Self.equal(first, other)
            #expect(sameKind, "\(first) and \(other) are of one kind")
            #expect(!equal, "a different context is a different error: \(first) vs \(other)")
        }
    }

    @Test("the underlying error is kept as a value, not as text", arguments: samples.filter(\.keepsCause))
    func underlying(_ sample: Sample) throws {
        let error = sample.make(Marker(id: 7))
        #expect(try #require(error.underlying as? Marker) == Marker(id: 7))
        #expect(sample.make(nil).underlying == nil)
    }

    @Test("errors built without a cause have none", arguments: samples.filter { !$0.keepsCause })
    func noUnderlying(_ sample: Sample) {
        #expect(sample.make(Marker(id: 1)).underlying == nil)
    }

    @Test("the kind's description is its name")
    func kindNames() {
        #expect(TransportError.Kind.certificateRejected.description == "certificateRejected")
        #expect(SMTPError.Kind.recipientsRefused.description == "recipientsRefused")
        #expect(AuthenticationError.Kind.plaintextRefused.description == "plaintextRefused")
        #expect(ConfigError.Kind.fileNotFound.description == "fileNotFound")
    }

    private static func equal<E: SMTPKitError>(_ lhs: E, _ rhs: any SMTPKitError) -> Bool {
        (rhs as? E).map { $0 == lhs } ?? false
    }

    private static func sameKind<E: SMTPKitError>(_ lhs: E, _ rhs: any SMTPKitError) -> Bool {
        (rhs as? E).map { $0.kind == lhs.kind } ?? false
    }
}
