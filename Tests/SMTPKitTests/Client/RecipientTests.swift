import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// Every recipient's reply is reported (RFC 5321 §4.1.1.3). Default policy when some are
/// refused: send nothing and list them; with partial delivery, send to the accepted ones.
struct RecipientTests {
    static let unknownUser = "550 5.1.1 <nosuch@x.test>: Recipient address rejected: User unknown"

    @Test(arguments: [true, false])
    func oneRefusedRecipientSendsNothing(pipelining: Bool) async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.pipelining = pipelining
            $0.refusedRecipients = ["nosuch@x.test": Self.unknownUser]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let envelope = try Envelope(sender: ClientFixture.user, recipients: ["ok@x.test", "nosuch@x.test"])

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(.message(try ClientFixture.message(to: ["ok@x.test", "nosuch@x.test"])), envelope: envelope)
        }

        #expect(error.kind == .recipientsRefused)
        #expect(error.isPermanent)
        #expect(!error.isTransient)
        #expect(error.description.contains("1 of 2 recipients refused"))
        #expect(error.description.contains("nothing was sent"))
        #expect(error.description.contains("<nosuch@x.test>: 550 5.1.1"))
        #expect(error.description.contains("User unknown"))
        #expect(error.description.contains("(partial delivery is not allowed)"))
        #expect(error.partialDeliveryRefused)
        #expect(!error.description.contains("<ok@x.test>:"))
        #expect(error.recipients.map(\.address) == ["ok@x.test", "nosuch@x.test"])
        #expect(error.recipients.map(\.isAccepted) == [true, false])
        let sessions = ClientFixture.finishedSessions(server)
        #expect(server.messages.isEmpty)
        let session = try #require(sessions.first)
        if pipelining {
            // DATA was already in the pipeline and got 354; the only way out is to close
            // without the final dot (RFC 5321 §4.1.1.4).
            #expect(session.ending == "closed during DATA")
            #expect(!Bytes.contains(session.received, Bytes.utf8("\r\n.\r\n")))
        } else {
            #expect(!session.lines.contains("DATA"))
            // No transaction follows, so the refused one is not reset: QUIT ends it.
            #expect(session.lines.suffix(2) == ["RCPT TO:<nosuch@x.test>", "QUIT"])
        }
    }

    @Test func partialDeliveryWhenAllowed() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.refusedRecipients = ["nosuch@x.test": Self.unknownUser]
        }
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .plaintext)
        configuration.allowPartialDelivery = true
        let message = try ClientFixture.message(to: ["ok@x.test", "nosuch@x.test"])

        let report = try await SMTPClient(configuration: configuration).send(message)

        #expect(report.accepted.map(\.address) == ["ok@x.test"])
        #expect(report.refused.map(\.address) == ["nosuch@x.test"])
        #expect(report.refused.first?.reply.code == 550)
        #expect(report.refused.first?.reply.enhancedStatus == EnhancedStatusCode("5.1.1"))
        #expect(report.recipients.map(\.address) == ["ok@x.test", "nosuch@x.test"])
        let received = try #require(server.messages.first)
        #expect(server.messages.count == 1)
        #expect(received.recipients == ["ok@x.test"])
        #expect(received.data == (try message.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))))
    }

    @Test func temporaryRefusalIsTransient() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.refusedRecipients = ["busy@x.test": "450 4.2.1 <busy@x.test>: Mailbox busy, try again later"]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let envelope = try Envelope(sender: ClientFixture.user, recipients: ["ok@x.test", "busy@x.test"])

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(.message(try ClientFixture.message()), envelope: envelope)
        }

        #expect(error.kind == .recipientsRefused)
        #expect(error.isTransient)
        #expect(!error.isPermanent)
        #expect(error.description.contains("<busy@x.test>: 450 4.2.1"))
        _ = ClientFixture.finishedSessions(server)
        #expect(server.messages.isEmpty)
    }

    @Test func mixedRefusalsArePermanentWhenAnyIsPermanent() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.refusedRecipients = [
                "busy@x.test": "450 4.2.1 Mailbox busy",
                "nosuch@x.test": Self.unknownUser,
            ]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let envelope = try Envelope(sender: ClientFixture.user, recipients: ["busy@x.test", "ok@x.test", "nosuch@x.test"])

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(.message(try ClientFixture.message()), envelope: envelope)
        }

        #expect(error.kind == .recipientsRefused)
        #expect(error.isPermanent)
        #expect(!error.isTransient)
        #expect(error.description.contains("2 of 3 recipients refused"))
        #expect(error.description.contains("<busy@x.test>: 450"))
        #expect(error.description.contains("<nosuch@x.test>: 550"))
    }

    @Test(arguments: [false, true])
    func everyRecipientRefused(allowPartial: Bool) async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.refusedRecipients = [
                "nosuch@x.test": Self.unknownUser,
                "gone@x.test": "550 5.1.1 <gone@x.test>: Recipient address rejected: User unknown",
            ]
        }
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .plaintext)
        configuration.allowPartialDelivery = allowPartial
        let envelope = try Envelope(sender: ClientFixture.user, recipients: ["nosuch@x.test", "gone@x.test"])

        let error = try await #require(throws: SMTPError.self) {
            try await SMTPClient(configuration: configuration).send(.message(try ClientFixture.message()), envelope: envelope)
        }

        #expect(error.kind == .recipientsRefused)
        #expect(error.isPermanent)
        #expect(error.description.contains("every recipient was refused, nothing was sent"))
        #expect(error.description.contains("<nosuch@x.test>"))
        #expect(error.description.contains("<gone@x.test>"))
        let sessions = ClientFixture.finishedSessions(server)
        #expect(server.messages.isEmpty)
        // DATA got 554 (no valid recipients), so the client leaves politely with QUIT (no
        // transaction follows that an RSET would have to clear).
        #expect(sessions.first?.lines.suffix(2) == ["DATA", "QUIT"])
        #expect(sessions.first?.ending == "quit")
    }

    @Test(arguments: [true, false])
    func manyRecipientsAreReportedInOrder(pipelining: Bool) async throws {
        let refusedEvery = 7
        let recipients = (0..<120).map { "user\($0)@x.test" }
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.pipelining = pipelining
            $0.refusedRecipients = Dictionary(uniqueKeysWithValues: recipients.enumerated()
                .filter { $0.offset % refusedEvery == 3 }
                .map { ($0.element, "550 5.1.1 <\($0.element)>: unknown #\($0.offset)") })
        }
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .plaintext)
        configuration.allowPartialDelivery = true

        let report = try await SMTPClient(configuration: configuration)
            .send(.bytes(Bytes.utf8("Subject: many\r\n\r\nhi\r\n")), envelope: Envelope(sender: ClientFixture.user, recipients: recipients))

        #expect(report.recipients.map(\.address) == recipients)
        for (index, result) in report.recipients.enumerated() {
            if index % refusedEvery == 3 {
                #expect(result.reply.code == 550)
                #expect(result.reply.text == "<\(recipients[index])>: unknown #\(index)")
            } else {
                #expect(result.isAccepted)
            }
        }
        let received = try #require(server.messages.first)
        #expect(received.recipients == report.accepted.map(\.address))
    }

    @Test func recipientRefusalKeepsTheConnectionUsableForTheNextMessage() async throws {
        // A refused recipient in a non-pipelined session leaves with RSET, so the session
        // goes on to the next message and ends with QUIT rather than a dropped connection.
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.pipelining = false
            $0.refusedRecipients = ["nosuch@x.test": Self.unknownUser]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let envelope = try Envelope(sender: ClientFixture.user, recipients: ["nosuch@x.test"])

        let message = try ClientFixture.message()
        let results = try await client.withConnection { connection in
            var results: [Result<DeliveryReport, any Error>] = []
            for _ in 0..<2 {
                do { results.append(.success(try await connection.send(.message(message), envelope: envelope))) } catch { results.append(.failure(error)) }
            }
            return results
        }

        #expect(results.count == 2)
        for result in results { #expect(throws: SMTPError.self) { try result.get() } }
        let session = try #require(ClientFixture.finishedSessions(server).first)
        #expect(session.ending == "quit")
        #expect(session.lines.filter { $0.hasPrefix("MAIL ") }.count == 2)
        // The first refusal is reset by an RSET ahead of the second MAIL; the second needs
        // none, as QUIT follows.
        #expect(session.lines.filter { $0 == "RSET" }.count == 1)
        #expect(session.lines.firstIndex(of: "RSET") == session.lines.lastIndex { $0.hasPrefix("MAIL ") }.map { $0 - 1 })
    }
}
