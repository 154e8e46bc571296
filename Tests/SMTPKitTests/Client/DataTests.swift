import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// What DATA carries: CRLF-normalised, dot-stuffed, never ended early (RFC 5321 §4.5.2,
/// SMTP smuggling CVE-2023-51764); SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531);
/// and no CR/LF injection into command lines.
struct DataTests {
    /// A message body shown on one line in the test report.
    struct Body: Sendable, CustomTestStringConvertible {
        let text: String
        var testDescription: String {
            text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
        }
    }

    /// Bodies that try to end the data early or confuse line handling.
    static let trickyBodies: [Body] = [
        "Subject: dots\r\n\r\n.\r\n..\r\n.x\r\n...\r\nend\r\n",
        "Subject: smuggle\r\n\r\nbefore\r\n.\r\nMAIL FROM:<evil@x.test>\r\nafter\r\n",
        "Subject: bare LF\n\nline one\n.\nMAIL FROM:<evil@x.test>\nlast\n",
        "Subject: bare CR\r\rline one\r.\rRCPT TO:<evil@x.test>\rlast",
        "Subject: mixed\r\n\r\nlf.\n.\r\n\r.\r\n\n.\rend",
        "Subject: no final newline\r\n\r\n.",
        ".starts with a dot\r\n\r\nbody",
    ].map(Body.init)

    @Test(arguments: trickyBodies)
    func dataArrivesWholeAndNormalised(body: Body) async throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let bytes = Bytes.utf8(body.text)

        _ = try await client.send(.bytes(bytes), envelope: Envelope(sender: ClientFixture.user, recipients: ["bob@example.net"]))

        let received = try #require(server.messages.first)
        #expect(server.messages.count == 1)
        #expect(received.data == Bytes.crlfNormalised(bytes))
        let sessions = ClientFixture.finishedSessions(server)
        #expect(sessions.count == 1)
        // Nothing in the body was taken for a command.
        #expect(sessions[0].lines.filter { $0.hasPrefix("MAIL ") }.count == 1)
        #expect(!ClientFixture.sawCommand("RCPT TO:<evil", in: sessions[0].lines))
    }

    @Test func rawBytesShowDotStuffing() async throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let body = Bytes.utf8("Subject: dots\r\n\r\n.\r\n..\r\n.x\r\nmid\r\n.\r\nend\r\n")

        _ = try await client.send(.bytes(body), envelope: Envelope(sender: ClientFixture.user, recipients: ["bob@example.net"]))

        let raw = try #require(ClientFixture.finishedSessions(server).first).received
        let expectedWire = Bytes.utf8("DATA\r\nSubject: dots\r\n\r\n..\r\n...\r\n..x\r\nmid\r\n..\r\nend\r\n.\r\nQUIT\r\n")
        #expect(Bytes.contains(raw, expectedWire))
        #expect(Bytes.count(Bytes.utf8("\r\n.\r\n"), in: raw) == 1)  // exactly one end of data
        #expect(server.messages.first?.data == body)
    }

    @Test func messageDataSplitAcrossManyBlocksArrivesWhole() async throws {
        // Larger than the client's 64 KiB write blocks, with "\r\n." falling on every boundary
        // the encoder might see.
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        var body = Bytes.utf8("Subject: big\r\n\r\n")
        var line = 0
        while body.count < 300_000 {
            body += Bytes.utf8(line % 3 == 0 ? ".\(line)\n" : (line % 3 == 1 ? "x\(line)\r" : "\(line)\r\n"))
            line += 1
        }

        _ = try await client.send(.bytes(body), envelope: Envelope(sender: ClientFixture.user, recipients: ["bob@example.net"]))

        #expect(server.messages.first?.data == Bytes.crlfNormalised(body))
    }

    @Test func fileContentIsStreamedAndNormalised() async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials))
        let content = Bytes.utf8("From: alice@example.org\nTo: bob@example.net\nSubject: file\n\n.hidden\nBlåbær\n")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("smtpkit-\(UUID().uuidString).eml").path
        try Data(content).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }

        _ = try await client.send(.file(path: path), envelope: Envelope(sender: ClientFixture.user, recipients: ["bob@example.net"]))

        let received = try #require(server.messages.first)
        #expect(received.data == Bytes.crlfNormalised(content))
        #expect(received.mailParameters.contains("BODY=8BITMIME"))
        #expect(received.mailParameters.contains("SIZE=\(content.count)"))
    }

    @Test func missingFileFailsBeforeMail() async throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let path = "/nonexistent-\(UUID().uuidString).eml"

        let error = try await #require(throws: MessageError.self) {
            try await client.send(.file(path: path), envelope: Envelope(sender: ClientFixture.user, recipients: ["bob@example.net"]))
        }

        #expect(error.kind == .unreadable)
        #expect(error.description.contains(path))
        #expect(!ClientFixture.sawCommand("MAIL", in: ClientFixture.allLines(server)))
    }

    // MARK: Injection

    @Test(arguments: [
        (ClientFixture.user, ["a@b.test>\r\nRCPT TO:<evil@x.test"]),
        (ClientFixture.user, ["ok@x.test", "a@b.test\nDATA"]),
        ("a@b.test>\r\nRCPT TO:<evil@x.test", ["ok@x.test"]),
        (ClientFixture.user, ["a@b.test\u{0}x"]),
        (ClientFixture.user, ["a@b.test> NOTIFY=NEVER"]),
    ])
    func injectionInTheEnvelopeCannotBeMadeIntoOne(sender: String, recipients: [String]) throws {
        // The envelope holds mailboxes, so an address that would inject a command never becomes
        // one; Command's own checks (CommandValidationTests) are the second line of defence.
        let error = try #require(throws: MessageError.self) { try Envelope(sender: sender, recipients: recipients) }
        #expect(error.kind == .invalidAddress)
    }

    @Test func injectionInTheHeloNameIsRefused() async throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .plaintext)
        configuration.heloName = "client.example\r\nMAIL FROM:<evil@x.test>"

        let error = try await #require(throws: SMTPProtocolError.self) {
            try await SMTPClient(configuration: configuration).send(try ClientFixture.message())
        }

        #expect(error.kind == .invalidArgument)
        #expect(error.description.contains("EHLO name"))
        let lines = ClientFixture.allLines(server)
        #expect(!ClientFixture.sawCommand("EHLO", in: lines))
        #expect(!ClientFixture.sawCommand("MAIL", in: lines))
    }

    // MARK: SIZE (RFC 1870)

    @Test func messageOverTheSizeLimitIsNotSent() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.sizeLimit = 200
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let message = try ClientFixture.message(body: String(repeating: "0123456789abcdef\n", count: 64))
        let size = try message.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true)).count

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(message)
        }

        #expect(error.kind == .messageTooLarge)
        #expect(error.isPermanent)
        #expect(error.description.contains("\(size) octets"))
        #expect(error.description.contains("limit of 200 octets"))
        #expect(error.description.contains("nothing was sent"))
        let lines = ClientFixture.allLines(server)
        #expect(!ClientFixture.sawCommand("MAIL", in: lines))
        #expect(lines.last == "QUIT")
    }

    @Test func mailCarriesTheSize() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.sizeLimit = 100_000
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let message = try ClientFixture.message(body: String(repeating: "0123456789abcdef\n", count: 64))

        _ = try await client.send(message)

        let received = try #require(server.messages.first)
        #expect(received.mailParameters.contains("SIZE=\(try message.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true)).count)"))
    }

    @Test func noSizeParameterWhenSIZEIsNotOffered() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.sizeLimit = nil
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))

        _ = try await client.send(try ClientFixture.message())

        let received = try #require(server.messages.first)
        #expect(!received.mailParameters.contains { $0.hasPrefix("SIZE=") })
    }

    // MARK: 8BITMIME (RFC 6152)

    @Test func eightBitBodyToAServerWithEightBitMIME() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.eightBitMIME = true
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let message = try ClientFixture.message(body: "Blåbærsyltetøy\n")

        _ = try await client.send(message)

        let received = try #require(server.messages.first)
        #expect(received.mailParameters.contains("BODY=8BITMIME"))
        #expect(received.text.contains("Content-Transfer-Encoding: 8bit\r\n"))
        #expect(received.text.hasSuffix("\r\n\r\nBlåbærsyltetøy\r\n"))
        #expect(received.data == (try message.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))))
    }

    @Test func eightBitBodyToAServerWithoutEightBitMIMEIsQuotedPrintable() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.eightBitMIME = false
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let message = try ClientFixture.message(body: "Blåbærsyltetøy\n")

        _ = try await client.send(message)

        let received = try #require(server.messages.first)
        #expect(!received.mailParameters.contains { $0.hasPrefix("BODY=") })
        #expect(received.text.contains("Content-Transfer-Encoding: quoted-printable\r\n"))
        #expect(received.text.contains("Bl=C3=A5b=C3=A6rsyltet=C3=B8y"))
        #expect(received.data.allSatisfy { $0 < 0x80 })
        #expect(received.data == (try message.render(options: RenderOptions(allow8Bit: false, allowUTF8Headers: true))))
    }

    @Test func asciiBodyNeedsNoBodyParameter() async throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))

        _ = try await client.send(try ClientFixture.message())

        let received = try #require(server.messages.first)
        #expect(!received.mailParameters.contains { $0.hasPrefix("BODY=") })
        #expect(received.text.contains("Content-Transfer-Encoding: 7bit\r\n"))
    }

    // MARK: SMTPUTF8 (RFC 6531)

    @Test func utf8AddressNeedsSMTPUTF8() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.smtpUTF8 = false
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let envelope = try Envelope(sender: ClientFixture.user, recipients: ["bø@x.test"])

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(.bytes(Bytes.utf8("Subject: x\r\n\r\nx\r\n")), envelope: envelope)
        }

        #expect(error.kind == .smtpUTF8Required)
        #expect(error.description.contains("<bø@x.test>"))
        #expect(error.description.contains("SMTPUTF8"))
        #expect(!ClientFixture.sawCommand("MAIL", in: ClientFixture.allLines(server)))
    }

    @Test func utf8AddressWithSMTPUTF8() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.smtpUTF8 = true
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let envelope = try Envelope(sender: ClientFixture.user, recipients: ["bø@x.test"])

        _ = try await client.send(.bytes(Bytes.utf8("Subject: x\r\n\r\nx\r\n")), envelope: envelope)

        let received = try #require(server.messages.first)
        #expect(received.recipients == ["bø@x.test"])
        #expect(received.mailParameters.contains("SMTPUTF8"))
    }
}
