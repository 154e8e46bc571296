import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// A misbehaving server: wrong replies, drops, garbage, refusals (RFC 5321 §4.2, §4.5.3.1, §6.1).
/// The client must fail clearly and never report a message sent that was not.
struct FaultTests {
    @Test func dropAfterTheFinalDotIsDeliveryStatusUnknown() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.drop(at: .endOfData)]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(2)))

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .deliveryStatusUnknown)
        #expect(error.description.contains("closed the connection"))
        #expect(server.messages.isEmpty)
    }

    @Test func finalDotRejectedIsARejection() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.reply(to: .endOfData, lines: ["554 5.7.1 Message rejected: spam"])]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .rejected)
        #expect(error.reply?.code == 554)
        #expect(error.command == "the message (final dot)")
        #expect(error.description.contains("Message rejected: spam"))
    }

    @Test func dropAfterQuitStillCountsAsSent() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.drop(at: .quit)]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(2)))

        let report = try await client.send(try ClientFixture.message())

        #expect(report.finalReply.code == 250)
        #expect(server.messages.count == 1)
    }

    @Test func dropAtMailIsAClosedConnection() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.drop(at: .mail)]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(2)))

        let error = try await #require(throws: TransportError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .connectionClosed)
        #expect(error.isTransient)
        #expect(error.description.contains("closed the connection"))
        #expect(server.messages.isEmpty)
    }

    @Test func dropAtGreetingIsAClosedConnection() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.drop(at: .greeting)]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(2)))

        let error = try await #require(throws: TransportError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .connectionClosed)
        #expect(error.description.contains("greeting"))
    }

    @Test(arguments: [
        (["hello there"], "hello there"),
        (["250-first", "220 second"], ""),
        (["2500 too long a code"], "2500 too long a code"),
    ])
    func malformedEHLOReplyIsAProtocolError(lines: [String], shown: String) async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.reply(to: .ehlo, lines: lines)]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(2)))

        let error = try await #require(throws: SMTPProtocolError.self) {
            try await client.send(try ClientFixture.message())
        }

        if shown.isEmpty {
            #expect(error.kind == .inconsistentReplyCodes)
            #expect(error.description.contains("250"))
            #expect(error.description.contains("220"))
        } else {
            #expect(error.kind == .malformedReply)
            #expect(error.description.contains(shown))
        }
        #expect(!ClientFixture.sawCommand("MAIL", in: ClientFixture.allLines(server)))
    }

    @Test(arguments: [
        ("554 5.3.2 no service", true),
        ("421 4.3.2 Service not available, closing transmission channel", false),
    ])
    func greetingRefusalIsServiceUnavailable(greeting: String, permanent: Bool) async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.reply(to: .greeting, lines: [greeting])]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(2)))

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .serviceUnavailable)
        #expect(error.isPermanent == permanent)
        #expect(error.isTransient == !permanent)
        #expect(error.description.contains(String(greeting.dropFirst(10))))
        #expect(error.description.contains("127.0.0.1:\(server.port)"))
        #expect(ClientFixture.allLines(server).isEmpty)  // not even EHLO
    }

    @Test(arguments: ["250 smtpkit.test hello", "354 go ahead", "220-first line"])
    func greetingThatIsNotA220(greeting: String) async throws {
        // "220-first line" alone is an unfinished multi-line reply: the client keeps waiting
        // for its last line and gives up at the greeting deadline.
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.reply(to: .greeting, lines: [greeting])]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(1)))

        let error = try await #require(throws: (any Error).self) {
            try await client.send(try ClientFixture.message())
        }

        if greeting.hasPrefix("220-") {
            #expect((error as? TransportError)?.kind == .timedOut)
        } else {
            let smtp = try #require(error as? SMTPError)
            #expect(smtp.kind == .unexpectedReply)
            #expect(smtp.description.contains(greeting))
        }
        #expect(ClientFixture.allLines(server).isEmpty)
    }

    @Test func overlongReplyLineIsAProtocolError() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.reply(to: .ehlo, lines: ["250 " + String(repeating: "x", count: 20_000)])]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(2)))

        let error = try await #require(throws: SMTPProtocolError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .lineTooLong)
        #expect(error.description.contains("16384"))
    }

    @Test func replyWithTooManyLinesIsAProtocolError() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.reply(to: .ehlo, lines: Array(repeating: "250-X-PADDING", count: 500) + ["250 OK"])]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(2)))

        let error = try await #require(throws: SMTPProtocolError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .tooManyReplyLines)
        #expect(error.description.contains("100 lines"))
    }

    @Test func connectionRefusedIsConnectFailed() async throws {
        let port = try ClientFixture.deadPort()
        let configuration = SMTPClientConfiguration(host: "127.0.0.1", port: port, tlsMode: TLSMode.plaintext, timeouts: .uniform(2))

        let error = try await #require(throws: TransportError.self) {
            try await SMTPClient(configuration: configuration).send(try ClientFixture.message())
        }

        #expect(error.kind == .connectFailed)
        #expect(error.isTransient)
        #expect(error.description.contains("127.0.0.1 port \(port)"))
        #expect(error.description.contains("refused"))
    }

    @Test func unknownHostIsHostNotFound() async throws {
        let configuration = SMTPClientConfiguration(host: "nonexistent.invalid", port: 25, tlsMode: TLSMode.plaintext, timeouts: .uniform(2))

        let error = try await #require(throws: TransportError.self) {
            try await SMTPClient(configuration: configuration).send(try ClientFixture.message())
        }

        #expect(error.kind == .hostNotFound)
        #expect(!error.isTransient)
        #expect(error.description.contains("nonexistent.invalid"))
        #expect(error.description.contains("check the spelling"))
    }

    @Test func emptyEnvelopeFailsBeforeMail() async throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))

        let error = try await #require(throws: (any Error).self) {
            try await client.send(.bytes(Bytes.utf8("Subject: x\r\n\r\nx\r\n")), envelope: Envelope(sender: ClientFixture.user, recipients: []))
        }

        #expect(!"\(error)".contains("every recipient was refused"), "misleading: \(error)")
        #expect(!ClientFixture.sawCommand("MAIL", in: ClientFixture.allLines(server)))
        #expect(server.messages.isEmpty)
    }

    @Test func dataPhaseRefusedIsARejection() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.pipelining = false
            $0.faults = [.reply(to: .data, lines: ["451 4.3.0 Queue full"])]
        }
        defer { server.stop() }
        // SMTPKitServer's fault replaces the 354 but the server then reads message data anyway
        // (see ServerDialogueTests), so it may never answer the QUIT: a short timeout keeps
        // the test fast, and the QUIT is checked in the raw bytes the server received.
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(1)))

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .rejected)
        #expect(error.command == "DATA")
        #expect(error.isTransient)
        #expect(error.description.contains("Queue full"))
        let session = try #require(ClientFixture.finishedSessions(server).first)
        #expect(Bytes.contains(session.received, Bytes.utf8("DATA\r\nQUIT\r\n")))  // nothing follows: QUIT, no data
        #expect(server.messages.isEmpty)
    }

    @Test func unexpectedReplyToDataIsAProtocolFailure() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.pipelining = false
            $0.faults = [.reply(to: .data, lines: ["250 2.0.0 Ok"])]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .unexpectedReply)
        #expect(error.description.contains("DATA"))
        #expect(server.messages.isEmpty)
    }
}
