import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// The whole session against SMTPKitServer: plain, STARTTLS and implicit TLS; the message that
/// arrived is checked byte for byte (RFC 5321 §3.3, RFC 3207, RFC 8314, RFC 2920).
struct DeliveryTests {
    @Test func plainDeliveryArrivesByteForByte() async throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let message = try ClientFixture.message(to: ["bob@example.net"], cc: ["carol@example.net"])

        let report = try await client.send(message)

        let received = try #require(server.messages.first)
        #expect(server.messages.count == 1)
        #expect(received.mailFrom == ClientFixture.user)
        #expect(received.recipients == ["bob@example.net", "carol@example.net"])
        #expect(received.data == (try message.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))))
        #expect(received.heloName == ClientFixture.heloName)
        #expect(received.overTLS == false)
        #expect(received.authenticatedUser == nil)
        #expect(received.text.contains("\r\nI love computer networks!\r\n"))
        #expect(report.accepted.map(\.address) == ["bob@example.net", "carol@example.net"])
        #expect(report.refused.isEmpty)
        #expect(report.finalReply.code == 250)
        #expect(report.finalReply.text.hasPrefix("Ok: queued as "))
        #expect(report.server == "127.0.0.1:\(server.port)")
        #expect(report.tls == nil)
        #expect(report.authenticatedUser == nil)
        let session = try #require(ClientFixture.finishedSessions(server).first)
        #expect(session.ending == "quit")
        #expect(session.lines.last == "QUIT")
    }

    @Test func bccIsARecipientButNeverInTheData() async throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let message = try ClientFixture.message(to: ["bob@example.net"], bcc: ["secret@example.net"])

        _ = try await client.send(message)

        let received = try #require(server.messages.first)
        #expect(received.recipients == ["bob@example.net", "secret@example.net"])
        #expect(!received.text.contains("secret@example.net"))
        #expect(!received.text.lowercased().contains("bcc"))
        #expect(received.text.contains("To: bob@example.net\r\n"))
    }

    @Test func startTLSWithAuthPlainPipelinesTheEnvelope() async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials))
        let message = try ClientFixture.message(to: ["bob@example.net", "carol@example.net"])

        let report = try await client.send(message)

        let received = try #require(server.messages.first)
        #expect(received.overTLS)
        #expect(received.authenticatedUser == ClientFixture.user)
        #expect(received.data == (try message.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))))
        #expect(report.authenticatedUser == ClientFixture.user)
        let tls = try #require(report.tls)
        #expect(tls.protocolVersion.hasPrefix("TLSv1."))
        #expect(tls.verified)

        let session = try #require(ClientFixture.finishedSessions(server).first)
        #expect(session.tlsVersion?.hasPrefix("TLSv1.") == true)
        // greeting → EHLO → STARTTLS → EHLO again (RFC 3207 §4.2) → AUTH → the transaction.
        let verbs = session.lines.map { String($0.prefix { $0 != " " && $0 != ":" }) }
        #expect(Array(verbs.prefix(4)) == ["EHLO", "STARTTLS", "EHLO", "AUTH"])
        #expect(session.lines[3].hasPrefix("AUTH PLAIN "))
        let size = try message.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true)).count
        #expect(session.readGroups.contains([
            "MAIL FROM:<\(ClientFixture.user)> SIZE=\(size)",
            "RCPT TO:<bob@example.net>",
            "RCPT TO:<carol@example.net>",
            "DATA",
        ]))
    }

    @Test func authLoginWhenForced() async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials, auth: .login))

        let report = try await client.send(try ClientFixture.message())

        #expect(report.authenticatedUser == ClientFixture.user)
        #expect(server.messages.first?.authenticatedUser == ClientFixture.user)
        let lines = ClientFixture.allLines(server)
        #expect(lines.contains("AUTH LOGIN"))
        // The answers to "Username:" and "Password:", base64 (draft-murchison-sasl-login §2).
        #expect(lines.contains(Data(ClientFixture.user.utf8).base64EncodedString()))
        #expect(lines.contains(Data(ClientFixture.password.utf8).base64EncodedString()))
        #expect(!lines.contains { $0.hasPrefix("AUTH PLAIN") })
    }

    @Test func implicitTLSDelivers() async throws {
        let server = try ClientFixture.startServer { $0.tls = .implicit }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .implicit, credentials: ClientFixture.credentials))
        let message = try ClientFixture.message()

        let report = try await client.send(message)

        let received = try #require(server.messages.first)
        #expect(received.overTLS)
        #expect(received.authenticatedUser == ClientFixture.user)
        #expect(received.data == (try message.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))))
        #expect(report.tls?.protocolVersion.hasPrefix("TLSv1.") == true)
        let session = try #require(ClientFixture.finishedSessions(server).first)
        #expect(!session.lines.contains("STARTTLS"))
        #expect(session.lines.filter { $0.hasPrefix("EHLO ") }.count == 1)
    }

    @Test func withoutPipeliningEachCommandWaitsForItsReply() async throws {
        let server = try ClientFixture.startServer { $0.pipelining = false }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials))

        _ = try await client.send(try ClientFixture.message(to: ["bob@example.net", "carol@example.net"]))

        #expect(server.messages.count == 1)
        let session = try #require(ClientFixture.finishedSessions(server).first)
        let groups = session.readGroups.filter { group in
            group.contains { $0.hasPrefix("MAIL ") || $0.hasPrefix("RCPT ") || $0 == "DATA" }
        }
        #expect(groups.count == 4)
        #expect(groups.allSatisfy { $0.count == 1 })
        #expect(groups.map { $0[0] }.last == "DATA")
    }

    @Test func withConnectionUsesOneConnection() async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials))
        let first = try ClientFixture.message(subject: "First", body: "one\n")
        let second = try ClientFixture.message(subject: "Second", body: "two\n")
        let envelope = try Envelope(sender: ClientFixture.user, recipients: ["bob@example.net"])

        let reports = try await client.withConnection { connection in
            [try await connection.send(.message(first), envelope: envelope), try await connection.send(second)]
        }

        #expect(reports.count == 2)
        #expect(reports.allSatisfy { $0.finalReply.code == 250 })
        #expect(reports[0].finalReply != reports[1].finalReply)  // two queue ids
        let messages = server.messages
        #expect(messages.count == 2)
        #expect(messages.map(\.data) == [try first.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true)), try second.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))])
        let sessions = ClientFixture.finishedSessions(server)
        #expect(sessions.count == 1)
        #expect(sessions.first?.lines.filter { $0.hasPrefix("MAIL FROM:") }.count == 2)
    }

    @Test func heloFallbackWhenEHLOIsUnknown() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.reply(to: .ehlo, lines: ["502 5.5.2 Error: command not recognized"])]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let message = try ClientFixture.message(body: "Blåbærsyltetøy\n")

        _ = try await client.send(message)

        let received = try #require(server.messages.first)
        #expect(received.heloName == ClientFixture.heloName)
        // No EHLO, so no extensions: no SIZE, no BODY=8BITMIME, a 7-bit body (RFC 6152 §3).
        #expect(received.mailParameters.isEmpty)
        #expect(received.data == (try message.render(options: RenderOptions(allow8Bit: false, allowUTF8Headers: true))))
        #expect(received.text.contains("Content-Transfer-Encoding: quoted-printable"))
        let lines = ClientFixture.allLines(server)
        #expect(lines.contains("EHLO \(ClientFixture.heloName)"))
        #expect(lines.contains("HELO \(ClientFixture.heloName)"))
    }

    @Test func noHELOFallbackWhenTLSIsRequired() async throws {
        let server = try ClientFixture.startServer {
            $0.faults = [.reply(to: .ehlo, lines: ["502 5.5.2 Error: command not recognized"])]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .startTLS))

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .startTLSNotOffered)
        #expect(error.description.contains("only an unencrypted session without authentication can work with it"))
        #expect(error.reply?.code == 502 && error.command == "EHLO")
        #expect(error.reply?.code == 502)
        let lines = ClientFixture.allLines(server)
        #expect(!ClientFixture.sawCommand("HELO", in: lines))
        #expect(!ClientFixture.sawCommand("MAIL", in: lines))
        #expect(server.messages.isEmpty)
    }

    @Test func mailRefusedIsARejectionWithItsStatus() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.reply(to: .mail, lines: ["553 5.7.1 Sender rejected"])]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .rejected)
        #expect(error.command?.hasPrefix("MAIL FROM:<\(ClientFixture.user)>") == true)
        #expect(error.reply?.code == 553)
        #expect(error.reply?.enhancedStatus == EnhancedStatusCode("5.7.1"))
        #expect(error.isPermanent)
        #expect(!error.isTransient)
        #expect(error.description.contains("Sender rejected"))
        #expect(error.description.contains("MAIL FROM"))
        _ = ClientFixture.finishedSessions(server)
        #expect(server.messages.isEmpty)
    }

    @Test func mailRefusedWithoutPipeliningSendsNoRCPT() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.pipelining = false
            $0.faults = [.reply(to: .mail, lines: ["451 4.3.0 Try again later"])]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .rejected)
        #expect(error.isTransient)
        #expect(error.description.contains("try again later"))
        let lines = ClientFixture.allLines(server)
        #expect(!ClientFixture.sawCommand("RCPT", in: lines))
        #expect(!lines.contains("DATA"))
        #expect(lines.suffix(2) == ["MAIL FROM:<alice@example.org> SIZE=266", "QUIT"])
        #expect(server.messages.isEmpty)
    }

    @Test func nullReversePathIsSentAsEmptyBrackets() async throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let bytes = Bytes.utf8("Subject: bounce\r\n\r\nbody\r\n")

        _ = try await client.send(.bytes(bytes), envelope: Envelope(sender: "", recipients: ["bob@example.net"]))

        let received = try #require(server.messages.first)
        #expect(received.mailFrom == "")
        #expect(received.data == bytes)
        #expect(ClientFixture.allLines(server).contains { $0.hasPrefix("MAIL FROM:<> ") })
    }

    @Test func defaultHeloNameIsAnFQDNOrAnAddressLiteral() async throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .plaintext)
        configuration.heloName = nil

        _ = try await SMTPClient(configuration: configuration).send(try ClientFixture.message())

        let name = try #require(server.messages.first?.heloName)
        // RFC 5321 §4.1.4: a fully qualified name, or the address literal of the local end.
        #expect(name == "[127.0.0.1]" || (name.contains(".") && !name.hasPrefix("[") && !name.hasSuffix(".")))
    }
}
