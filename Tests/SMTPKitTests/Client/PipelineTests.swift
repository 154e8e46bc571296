import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// Pipelining across messages (RFC 2920 §3.1) and CHUNKING (RFC 3030): round trips counted by a
/// relay between client and server, replies matched to their messages with faults at every
/// position, and BDAT framing checked in the bytes the server received.
@Suite struct PipelineTests {
    static func server(chunking: Bool = false, _ configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> SMTPServer {
        try ClientFixture.startServer {
            $0.tls = .none
            $0.chunking = chunking
            configure(&$0)
        }
    }

    static func client(port: Int, timeouts: SMTPTimeouts = .uniform(10)) -> SMTPClient {
        SMTPClient(configuration: SMTPClientConfiguration(host: "127.0.0.1", port: port, tlsMode: .plaintext,
                                                          heloName: ClientFixture.heloName, timeouts: timeouts))
    }

    static func message(_ subject: String, to: String = "bob@example.net") throws -> OutgoingMessage {
        OutgoingMessage(try ClientFixture.message(to: [to], subject: subject))
    }

    static func subjects(_ server: SMTPServer) -> [String] {
        server.messages.compactMap { $0.text.components(separatedBy: "\r\n").first { $0.hasPrefix("Subject: ") } }
    }

    @Test(arguments: [false, true])
    func messagesOnAHeldConnectionTakeOneRoundTripEach(chunking: Bool) async throws {
        let server = try Self.server(chunking: chunking)
        defer { server.stop() }
        let proxy = try RoundTripProxy(targetPort: server.port)
        defer { proxy.stop() }
        let messages = try (1...5).map { try Self.message("m\($0)") }

        let results = try await Self.client(port: proxy.port).withConnection { try await $0.send(messages) }

        #expect(results.allSatisfy { (try? $0.get()) != nil })
        #expect(Self.subjects(server) == (1...5).map { "Subject: m\($0)" })
        _ = ClientFixture.finishedSessions(server)
        // DATA: EHLO; the first MAIL+RCPT+DATA; each message's data and dot with the next one's
        // envelope (the last alone); QUIT at the scope's end. BDAT: EHLO; each message whole; QUIT.
        #expect(proxy.roundTrips == (chunking ? 1 + 5 + 1 : 1 + 1 + 5 + 1))
    }

    @Test(arguments: [false, true])
    func oneMessageTakesThreeRoundTripsOrTwoWithChunking(chunking: Bool) async throws {
        let server = try Self.server(chunking: chunking)
        defer { server.stop() }
        let proxy = try RoundTripProxy(targetPort: server.port)
        defer { proxy.stop() }

        _ = try await Self.client(port: proxy.port).send(try ClientFixture.message())

        let session = try #require(ClientFixture.finishedSessions(server).first)
        #expect(server.messages.count == 1)
        #expect(session.ending == "quit")
        // QUIT goes in the same write as the end of the data (RFC 2920 §3.1).
        #expect(proxy.roundTrips == (chunking ? 2 : 3))
        #expect(session.lines.contains { $0.hasPrefix("BDAT ") && $0.hasSuffix(" LAST") } == chunking)
        #expect(session.lines.contains("DATA") == !chunking)
    }

    /// STARTTLS and AUTH each end a group (RFC 3207 §4, RFC 2920 §3.1), and TLS 1.3 takes a
    /// round trip of its own: EHLO, STARTTLS, the handshake, EHLO again, AUTH, then the message
    /// as above — with DATA a round trip for the 354, with BDAT none.
    @Test(arguments: [false, true])
    func oneMessageOverSTARTTLSWithAUTH(chunking: Bool) async throws {
        // No close_notify from the server: one crossing the client's own at the end would be
        // counted as an answer, a round trip that no one waited for.
        let server = try ClientFixture.startServer { $0.chunking = chunking; $0.sendsCloseNotify = false }
        defer { server.stop() }
        let proxy = try RoundTripProxy(targetPort: server.port)
        defer { proxy.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials)
        configuration.port = proxy.port

        _ = try await SMTPClient(configuration: configuration).send(try ClientFixture.message())

        #expect(server.messages.count == 1)
        #expect(server.messages.first?.overTLS == true)
        _ = ClientFixture.finishedSessions(server)
        #expect(proxy.roundTrips == (chunking ? 6 : 7))
    }

    @Test(arguments: [false, true])
    func refusalsInTheMiddleAreMatchedToTheirMessages(chunking: Bool) async throws {
        let server = try Self.server(chunking: chunking) {
            $0.refusedRecipients = ["nosuch@example.net": "550 5.1.1 User unknown"]
            $0.faults = [
                .onOccurrence(3, .reply(to: .mail, lines: ["451 4.3.0 Busy, try later"])),
                // The fourth message's end of data: with BDAT every message's LAST chunk gets an
                // end-of-data answer (refused ones too); with DATA only those that got a 354.
                .onOccurrence(chunking ? 4 : 2, .reply(to: .endOfData, lines: ["452 4.3.1 Insufficient system storage"])),
            ]
        }
        defer { server.stop() }
        let messages = [try Self.message("one"), try Self.message("two", to: "nosuch@example.net"),
                        try Self.message("three"), try Self.message("four"), try Self.message("five")]

        let results = try await Self.client(port: server.port).withConnection { try await $0.send(messages) }

        #expect((try? results[0].get()) != nil)
        #expect((results[1].error as? SMTPError)?.kind == .recipientsRefused)
        #expect((results[1].error as? SMTPError)?.isPermanent == true)
        let mail = try #require(results[2].error as? SMTPError)
        #expect(mail.kind == .rejected && mail.reply?.code == 451 && mail.command?.hasPrefix("MAIL FROM") == true)
        let final = try #require(results[3].error as? SMTPError)
        #expect(final.kind == .rejected && final.reply?.code == 452)
        #expect((try? results[4].get()) != nil)
        #expect(Self.subjects(server) == ["Subject: one", "Subject: five"])
        let session = try #require(ClientFixture.finishedSessions(server).first)
        #expect(session.ending == "quit")
        // Each refused envelope is reset by an RSET that leads the next MAIL.
        let lines = session.lines
        for (index, line) in lines.enumerated() where line == "RSET" {
            #expect(lines[index + 1].hasPrefix("MAIL FROM:"))
        }
        #expect(lines.filter { $0 == "RSET" }.count == (chunking ? 3 : 2))
    }

    @Test func aDropBetweenMessagesLosesNoneAndSendsNoneTwice() async throws {
        let server = try Self.server { $0.faults = [.onOccurrence(3, .drop(at: .mail))] }
        defer { server.stop() }
        let messages = try (1...5).map { try Self.message("m\($0)") }

        let results = try await Self.client(port: server.port).withConnection { try await $0.send(messages) }

        #expect((try? results[0].get()) != nil)
        #expect((try? results[1].get()) != nil, "its 250 came before the drop")
        for result in results[2...] {
            #expect(RetryVerdict(for: try #require(result.error)) == .retryable)
        }
        #expect(Self.subjects(server) == ["Subject: m1", "Subject: m2"])
    }

    @Test func silenceAfterADotIsStatusUnknownForThatMessageAlone() async throws {
        let server = try Self.server { $0.faults = [.onOccurrence(2, .silence(at: .endOfData))] }
        defer { server.stop() }
        var timeouts = SMTPTimeouts.uniform(10)
        timeouts.dataTermination = 1
        let messages = try (1...4).map { try Self.message("m\($0)") }

        let results = try await Self.client(port: server.port, timeouts: timeouts).withConnection { try await $0.send(messages) }

        #expect((try? results[0].get()) != nil)
        #expect((results[1].error as? SMTPError)?.kind == .deliveryStatusUnknown)
        #expect(RetryVerdict(for: try #require(results[2].error)) == .retryable)
        #expect(RetryVerdict(for: try #require(results[3].error)) == .retryable)
        #expect(server.messages.count == 1)
    }

    /// Found by interop against Postfix: BDAT … LAST carries the whole message, so an
    /// all-or-nothing envelope must wait for its RCPT replies before any data goes.
    @Test func withChunkingOneRefusedRecipientStillSendsNothing() async throws {
        let server = try Self.server(chunking: true) { $0.refusedRecipients = ["nosuch@example.net": "550 5.1.1 User unknown"] }
        defer { server.stop() }
        let envelope = try Envelope(sender: ClientFixture.user, recipients: ["bob@example.net", "nosuch@example.net"])

        let error = try await #require(throws: SMTPError.self) {
            try await Self.client(port: server.port).send(.message(try ClientFixture.message()), envelope: envelope)
        }

        #expect(error.kind == .recipientsRefused)
        #expect(error.description.contains("nothing was sent"))
        #expect(server.messages.isEmpty)
        #expect(!(ClientFixture.finishedSessions(server).first?.lines ?? []).contains { $0.hasPrefix("BDAT") })
    }

    // MARK: BINARYMIME (RFC 3030 §3)

    static func longLineMessage() throws -> (path: String, bytes: [UInt8]) {
        let bytes = Bytes.utf8("Subject: wide\r\n\r\nshort\r\n" + String(repeating: "w", count: 2_000) + "\r\nend\r\n")
        return (try MessageTestSupport.temporaryFile(bytes), bytes)
    }

    @Test func aLineOver998GoesAsBinaryMIMEWhenTheServerTakesIt() async throws {
        let server = try Self.server(chunking: true) { $0.binaryMIME = true }
        defer { server.stop() }
        let (path, bytes) = try Self.longLineMessage()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let envelope = try Envelope(sender: ClientFixture.user, recipients: ["bob@example.net"])

        _ = try await Self.client(port: server.port).send(.file(path: path), envelope: envelope)

        #expect(server.messages.first?.data == bytes)
        #expect(server.messages.first?.mailParameters.contains("BODY=BINARYMIME") == true)
        let lines = try #require(ClientFixture.finishedSessions(server).first).lines
        #expect(lines.contains("BDAT \(bytes.count) LAST"))
    }

    @Test(arguments: [(true, false), (false, true), (false, false)])
    func aLineOver998IsRefusedBeforeMAILWithoutBinaryMIMEAndChunking(chunking: Bool, binaryMIME: Bool) async throws {
        let server = try Self.server(chunking: chunking) { $0.binaryMIME = binaryMIME }
        defer { server.stop() }
        let (path, _) = try Self.longLineMessage()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let envelope = try Envelope(sender: ClientFixture.user, recipients: ["bob@example.net"])

        let error = try await #require(throws: MessageError.self) {
            try await Self.client(port: server.port).send(.file(path: path), envelope: envelope)
        }

        #expect(error.kind == .lineTooLong)
        #expect(error.line == 4 && error.length == 2_000)
        #expect(error.description.contains("BINARYMIME"))
        #expect(!(ClientFixture.finishedSessions(server).first?.lines ?? []).contains { $0.hasPrefix("MAIL") })
    }

    // MARK: BDAT framing (RFC 3030 §2)

    static func sendRaw(_ bytes: [UInt8], chunking: Bool = true) async throws -> (SMTPServer, SessionRecord) {
        let server = try Self.server(chunking: chunking) { $0.sizeLimit = nil }
        defer { server.stop() }
        let envelope = try Envelope(sender: ClientFixture.user, recipients: ["bob@example.net"])
        _ = try await Self.client(port: server.port).send(.bytes(bytes), envelope: envelope)
        return (server, try #require(ClientFixture.finishedSessions(server).first))
    }

    @Test func anEmptyMessageIsOneEmptyLastChunk() async throws {
        let (server, session) = try await Self.sendRaw([])
        #expect(session.lines.contains("BDAT 0 LAST"))
        #expect(server.messages.first?.data == [])
    }

    @Test func dotsAreNotStuffedAndBinaryBytesPassAsTheyAre() async throws {
        var bytes = Bytes.utf8("Subject: dots\r\n\r\n.\r\n..two\r\n.\r\nend\n")
        bytes += (0...255).map(UInt8.init).filter { $0 != 10 && $0 != 13 } + [10]
        let (server, session) = try await Self.sendRaw(bytes)
        let expected = Bytes.crlfNormalised(bytes)
        #expect(server.messages.first?.data == expected)
        #expect(session.lines.contains("BDAT \(expected.count) LAST"))
        #expect(!session.lines.contains("DATA"))
    }

    @Test(arguments: [SMTPSession.dataBlockSize, SMTPSession.dataBlockSize + 2, 3 * SMTPSession.dataBlockSize + 100])
    func largeMessagesGoInBoundedChunks(size: Int) async throws {
        let line = Bytes.utf8(String(repeating: "x", count: 98) + "\r\n")
        let bytes = Array(Array(repeating: line, count: size / line.count + 1).joined().prefix(size))
        let normalised = Bytes.crlfNormalised(bytes)
        let (server, session) = try await Self.sendRaw(bytes)
        #expect(server.messages.first?.data == normalised)
        let sizes = session.lines.filter { $0.hasPrefix("BDAT ") }
        #expect(sizes.last?.hasSuffix(" LAST") == true)
        #expect(sizes.dropLast().allSatisfy { !$0.hasSuffix("LAST") })
        let chunkSizes = sizes.compactMap { Int($0.split(separator: " ")[1]) }
        #expect(chunkSizes.reduce(0, +) == normalised.count)
        #expect(chunkSizes.allSatisfy { $0 <= SMTPSession.dataBlockSize + SMTPSession.dataBlockSize / 8 })
    }

    @Test func withoutPipeliningChunksWaitForTheirReplies() async throws {
        let server = try Self.server(chunking: true) { $0.pipelining = false; $0.sizeLimit = nil }
        defer { server.stop() }
        let bytes = Array(repeating: Bytes.utf8("y\r\n"), count: 50_000).flatMap { $0 }
        let envelope = try Envelope(sender: ClientFixture.user, recipients: ["bob@example.net"])
        _ = try await Self.client(port: server.port).send(.bytes(bytes), envelope: envelope)
        let session = try #require(ClientFixture.finishedSessions(server).first)
        #expect(server.messages.first?.data == bytes)
        // Lock-step: every command arrives in a read of its own.
        #expect(session.readGroups.allSatisfy { $0.count == 1 })
        #expect(session.lines.filter { $0.hasPrefix("BDAT ") }.count > 1)
    }
}

extension Result {
    /// The error, for a failure.
    var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
