import Foundation
import Testing
import SMTPKit  // not @testable: everything here is the public API a Swift program has
import SMTPKitServer

/// `SMTPClient.withConnection`: one connection held for many transactions, always closed with
/// QUIT, and what a program sees when a transaction or the connection fails in the middle.
@Suite struct WithConnectionTests {
    /// A plain relay on 127.0.0.1 (like the campus relay), recording what arrives.
    static func relay(_ configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> SMTPServer {
        var settings = ServerConfiguration()
        settings.tls = .none
        settings.idleTimeout = 120
        configure(&settings)
        return try SMTPServer(configuration: settings)
    }

    static func client(for server: SMTPServer) throws -> SMTPClient {
        SMTPClient(configuration: try SMTPClientConfiguration(
            resolving: Profile(host: "127.0.0.1", port: server.port, tls: .plaintext, timeout: 10)))
    }

    static func message(_ subject: String, to: String = "bob@example.org") throws -> Message {
        Message(from: try Mailbox("alice@example.test"), to: [try Mailbox(to)], subject: subject, body: "hello\n")
    }

    /// The program of issue 6, as written there, against a config file's `local` profile.
    @Test func theIssueProgramSendsThreeMessagesOverOneConnection() async throws {
        let server = try Self.relay()
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtpkit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configPath = directory.appendingPathComponent("config.toml").path
        try "[profiles.local]\nhost = \"127.0.0.1\"\nport = \(server.port)\ntls = \"none\"\ntimeout = 10\n"
            .write(toFile: configPath, atomically: true, encoding: .utf8)

        let file = try ConfigFile.load(path: configPath)
        let configuration = try SMTPClientConfiguration(resolving: file.profile(named: "local"))
        let client = SMTPClient(configuration: configuration)
        let reports = try await client.withConnection { connection in
            var reports: [DeliveryReport] = []
            for i in 1...3 {
                let message = Message(from: try Mailbox("alice@example.test"), to: [try Mailbox("bob@example.org")],
                                      subject: "api \(i)", body: "hello \(i)")
                reports.append(try await connection.send(message))
            }
            return reports
        }

        #expect(reports.count == 3)
        #expect(reports.allSatisfy { $0.finalReply.code == 250 && $0.accepted.map(\.address) == ["bob@example.org"] })
        #expect(server.messages.map(\.subjectLine) == ["Subject: api 1", "Subject: api 2", "Subject: api 3"])
        let sessions = Self.finished(server)
        #expect(sessions.count == 1, "one TCP connection for three messages")
        #expect(sessions.first?.lines.filter { $0.hasPrefix("EHLO") }.count == 1)
        #expect(sessions.first?.lines.filter { $0.hasPrefix("MAIL FROM:") }.count == 3)
        #expect(sessions.first?.lines.last == "QUIT")
        #expect(sessions.first?.ending == "quit")
    }

    @Test func aRefusedTransactionIsResetAndTheNextOneGoesThrough() async throws {
        let server = try Self.relay { $0.refusedRecipients = ["nosuch@example.org": "550 5.1.1 User unknown"] }
        defer { server.stop() }
        let outcome = try await Self.client(for: server).withConnection { connection in
            let first = try await connection.send(try Self.message("one"))
            let refused = await #expect(throws: SMTPError.self) {
                try await connection.send(try Self.message("two", to: "nosuch@example.org"))
            }
            let usable = connection.isUsable
            let third = try await connection.send(try Self.message("three"))
            return (first, refused, usable, third)
        }
        #expect(outcome.0.finalReply.code == 250)
        #expect(outcome.1?.kind == .recipientsRefused)
        #expect(outcome.1?.isPermanent == true)
        #expect(outcome.2, "a refusal leaves the connection usable")
        #expect(outcome.3.finalReply.code == 250)
        #expect(server.messages.map(\.subjectLine) == ["Subject: one", "Subject: three"])
        let session = try #require(Self.finished(server).first)
        #expect(session.lines.contains("RSET"))
        #expect(session.ending == "quit")
    }

    @Test func after421TheNextSendSaysTheConnectionIsUnusableAndSendsNothing() async throws {
        let server = try Self.relay { $0.faults = [.onOccurrence(2, .reply(to: .mail, lines: ["421 4.3.2 Service shutting down"]))] }
        defer { server.stop() }
        let errors = try await Self.client(for: server).withConnection { connection in
            _ = try await connection.send(try Self.message("one"))
            let second = await #expect(throws: SMTPError.self) { try await connection.send(try Self.message("two")) }
            #expect(!connection.isUsable)
            let third = await #expect(throws: SMTPError.self) { try await connection.send(try Self.message("three")) }
            return (second, third)
        }
        #expect(errors.0?.reply?.code == 421)
        #expect(errors.0?.isTransient == true)
        #expect(errors.1?.kind == .connectionUnusable)
        #expect(errors.1?.isTransient == true, "nothing was sent: trying again on a new connection is safe")
        #expect(errors.1?.description.contains("421 4.3.2 Service shutting down") == true, "\(String(describing: errors.1))")
        #expect(server.messages.map(\.subjectLine) == ["Subject: one"])
        let session = try #require(Self.finished(server).first)
        #expect(session.lines.filter { $0.hasPrefix("MAIL FROM:") }.count == 2, "the third message never reached the server")
        #expect(!session.lines.contains("QUIT"), "no QUIT after the server said it is closing")
    }

    @Test func aDroppedConnectionInTheMiddleFailsTheRestClearly() async throws {
        let server = try Self.relay { $0.faults = [.onOccurrence(2, .drop(at: .mail))] }
        defer { server.stop() }
        let errors = try await Self.client(for: server).withConnection { connection in
            _ = try await connection.send(try Self.message("one"))
            let second = await #expect(throws: TransportError.self) { try await connection.send(try Self.message("two")) }
            let third = await #expect(throws: SMTPError.self) { try await connection.send(try Self.message("three")) }
            return (second, third)
        }
        #expect(errors.0?.kind == .connectionClosed)
        #expect(errors.1?.kind == .connectionUnusable)
        #expect(errors.1?.underlying is TransportError, "the error that broke it is kept as a value")
        #expect(server.messages.map(\.subjectLine) == ["Subject: one"])
    }

    @Test func cancellationWhileHoldingTheConnectionStillSendsQUIT() async throws {
        let server = try Self.relay()
        defer { server.stop() }
        let client = try Self.client(for: server)
        let sent = Flag()
        let task = Task {
            try await client.withConnection { connection in
                _ = try await connection.send(try Self.message("one"))
                sent.set()
                try await Task.sleep(for: .seconds(60))
            }
        }
        try await Self.waitUntil { sent.isSet }
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        let session = try #require(Self.finished(server).first)
        #expect(session.lines.last == "QUIT")
        #expect(session.ending == "quit")
    }

    @Test func aThrowingBodyStillEndsWithQUITAndItsErrorComesOut() async throws {
        struct Stop: Error {}
        let server = try Self.relay()
        defer { server.stop() }
        await #expect(throws: Stop.self) {
            try await Self.client(for: server).withConnection { _ in throw Stop() }
        }
        #expect(Self.finished(server).first?.lines.last == "QUIT")
    }

    @Test func aConnectionUsedAfterItsScopeThrowsAndSendsNothing() async throws {
        let server = try Self.relay()
        defer { server.stop() }
        let escaped = try await Self.client(for: server).withConnection { $0 }
        #expect(!escaped.isUsable)
        let error = await #expect(throws: SMTPError.self) { try await escaped.send(try Self.message("late")) }
        #expect(error?.kind == .connectionUnusable)
        #expect(error?.description.contains("withConnection scope has ended") == true)
        #expect(server.messages.isEmpty)
    }

    @Test func sendsFromSeveralTasksAreSerialisedOnTheOneConnection() async throws {
        let server = try Self.relay()
        defer { server.stop() }
        let count = try await Self.client(for: server).withConnection { connection in
            try await withThrowingTaskGroup(of: DeliveryReport.self) { group in
                for i in 1...4 { group.addTask { try await connection.send(try Self.message("task \(i)")) } }
                return try await group.reduce(0) { count, _ in count + 1 }
            }
        }
        #expect(count == 4)
        #expect(Set(server.messages.map(\.subjectLine)) == Set((1...4).map { "Subject: task \($0)" }))
        let session = try #require(Self.finished(server).first)
        // Each transaction is one pipelined group, never interleaved with another's.
        let groups = session.readGroups.filter { $0.first?.hasPrefix("MAIL FROM:") == true }
        #expect(groups.count == 4)
        #expect(groups.allSatisfy { $0.count == 3 && $0[1].hasPrefix("RCPT TO:") && $0[2] == "DATA" }, "\(session.readGroups)")
    }

    /// An app's main-actor code holds a connection, with main-actor state in the closure.
    @MainActor @Test func aMainActorCallerHoldsAConnection() async throws {
        let server = try Self.relay()
        defer { server.stop() }
        var subjects: [String] = []  // main-actor state, touched inside the closure
        try await Self.client(for: server).withConnection { connection in
            for subject in ["main 1", "main 2"] {
                _ = try await connection.send(try Self.message(subject))
                subjects.append(subject)
            }
        }
        #expect(subjects == ["main 1", "main 2"])
        #expect(Self.finished(server).count == 1)
    }

    @Test func noopAndResetWorkOnAHeldConnection() async throws {
        let server = try Self.relay()
        defer { server.stop() }
        let reply = try await Self.client(for: server).withConnection { connection in
            try await connection.reset()
            return try await connection.noop()
        }
        #expect(reply.code == 250)
        let lines = try #require(Self.finished(server).first).lines
        #expect(Array(lines.suffix(3)) == ["RSET", "NOOP", "QUIT"])
    }

    @Test func theConnectionTellsWhatTheServerOffers() async throws {
        let server = try Self.relay()
        defer { server.stop() }
        let (capabilities, greeting, tls) = try await Self.client(for: server).withConnection {
            ($0.capabilities, $0.greeting, $0.tls)
        }
        #expect(capabilities.pipelining)
        #expect(greeting.code == 220)
        #expect(tls == nil)
    }

    // MARK: - Helpers

    static func finished(_ server: SMTPServer) -> [SessionRecord] {
        server.waitForSessions(1)
        server.stop()
        return server.sessions
    }

    static func waitUntil(_ condition: @Sendable () -> Bool) async throws {
        for _ in 0..<3000 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        try #require(condition())
    }
}

/// Set once, from any task.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

private extension ReceivedMessage {
    /// The Subject header line, as sent.
    var subjectLine: String? {
        text.components(separatedBy: "\r\n").first { $0.hasPrefix("Subject: ") }
    }
}

@Suite struct EnvelopeParameterTests {
    @Test func dsnParametersGoOutWhenTheServerOffersDSN() async throws {
        let server = try WithConnectionTests.relay { $0.dsn = true }
        defer { server.stop() }
        var envelope = try Envelope(sender: "alice@example.test", recipients: ["bob@example.org"])
        envelope.mailParameters = [.returnContent(.headers), .envelopeID("id 1")]
        envelope.recipientParameters = [.notify([.failure, .delay])]
        _ = try await WithConnectionTests.client(for: server)
            .send(.message(try WithConnectionTests.message("dsn")), envelope: envelope)
        let lines = WithConnectionTests.finished(server).first?.lines ?? []
        #expect(lines.contains { $0.hasPrefix("MAIL FROM:<alice@example.test>") && $0.hasSuffix(" RET=HDRS ENVID=id+201") })
        #expect(lines.contains("RCPT TO:<bob@example.org> NOTIFY=FAILURE,DELAY"))
    }

    @Test func dsnParametersToAServerWithoutDSNAreRefusedBeforeMAIL() async throws {
        let server = try WithConnectionTests.relay()
        defer { server.stop() }
        var envelope = try Envelope(sender: "alice@example.test", recipients: ["bob@example.org"])
        envelope.recipientParameters = [.notify(.never)]
        let error = await #expect(throws: SMTPError.self) {
            try await WithConnectionTests.client(for: server)
                .send(.message(try WithConnectionTests.message("dsn")), envelope: envelope)
        }
        #expect(error?.kind == .extensionNotOffered)
        #expect(error?.extensionName == "DSN")
        #expect(error?.isPermanent == true)
        #expect(!(WithConnectionTests.finished(server).first?.lines ?? []).contains { $0.hasPrefix("MAIL") })
    }
}

@Suite struct RetryVerdictTests {
    @Test func everyOutcomeOfAHeldConnectionHasItsVerdict() async throws {
        let server = try WithConnectionTests.relay {
            $0.refusedRecipients = ["nosuch@example.org": "550 5.1.1 User unknown", "busy@example.org": "451 4.3.0 Try later"]
            $0.faults = [.onOccurrence(2, .silence(at: .endOfData))]  // the second message that gets as far
        }
        defer { server.stop() }
        var configuration = try WithConnectionTests.client(for: server).configuration
        configuration.timeouts.dataTermination = 1
        let verdicts = try await SMTPClient(configuration: configuration).withConnection { connection in
            var verdicts: [RetryVerdict] = []
            for to in ["nosuch@example.org", "busy@example.org", "bob@example.org", "bob@example.org", "bob@example.org"] {
                do { _ = try await connection.send(try WithConnectionTests.message("v", to: to)) } catch {
                    verdicts.append(RetryVerdict(for: error))
                }
            }
            return verdicts
        }
        // 550 → permanent; 451 → retryable; the third is delivered; the fourth's final reply never
        // comes → unsafe; the fifth finds the connection unusable → retryable (nothing was sent).
        #expect(verdicts == [.permanent, .retryable, .unsafeToRetry, .retryable])
    }

    @Test func localProblemsArePermanent() throws {
        #expect(RetryVerdict(for: AuthenticationError.plaintextRefused) == .permanent)
        #expect(RetryVerdict(for: CancellationError()) == .retryable)
        let invalid = try #require(throws: MessageError.self) { try Mailbox("not an address") }
        #expect(RetryVerdict(for: invalid) == .permanent)
    }
}
