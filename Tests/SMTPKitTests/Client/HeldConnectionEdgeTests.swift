import Foundation
import Testing
import SMTPKit
import SMTPKitServer

/// Runs every job `delay` seconds late, so a task that prefers it resumes late: the gap between
/// an operation finishing on the I/O thread and its task running again, made wide.
private final class SlowExecutor: TaskExecutor, @unchecked Sendable {
    let queue = DispatchQueue(label: "slow executor")
    let delay: Double
    init(delay: Double) { self.delay = delay }
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.asyncAfter(deadline: .now() + delay) { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Transcript lines, collected from the I/O thread.
private final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ line: String) { lock.withLock { stored.append(line) } }
    func count(_ matching: (String) -> Bool) -> Int { lock.withLock { stored.filter(matching).count } }
}

/// Edge cases of a held connection found in review: each asserts what a program would see.
@Suite struct HeldConnectionEdgeTests {
    /// Task A's send has finished but A has not resumed when it is cancelled; that late
    /// cancellation must not reach the connection, which by then carries task B's send.
    @Test func aLateCancellationOfAFinishedSendLeavesAnotherTasksSendAlone() async throws {
        let server = try WithConnectionTests.relay { $0.faults = [.onOccurrence(2, .drip(at: .endOfData, interval: 0.05))] }
        defer { server.stop() }
        let lines = Lines()
        let client = SMTPClient(configuration: try WithConnectionTests.client(for: server).configuration,
                                transcript: { lines.add("\($0.direction) \($0.text)") })
        let slow = SlowExecutor(delay: 3)
        let (a, b, usable) = try await client.withConnection { connection in
            let a = Task(executorPreference: slow) { try await connection.send(try WithConnectionTests.message("A")) }
            try await WithConnectionTests.waitUntil { lines.count { $0.contains("queued as") } >= 1 }
            let b = Task { try await connection.send(try WithConnectionTests.message("B")) }
            try await WithConnectionTests.waitUntil { lines.count { $0 == "client ." } >= 2 }
            a.cancel()
            let results = (await a.result, await b.result)
            return (results.0, results.1, connection.isUsable)
        }
        #expect(throws: Never.self) { try a.get() }
        #expect(throws: Never.self) { try b.get() }
        #expect(usable)
        #expect(server.messages.count == 2)
        #expect(WithConnectionTests.finished(server).first?.ending == "quit")
    }

    /// With PIPELINING and several recipients, a refused one must not cost the connection:
    /// DATA waits for the RCPT replies, so there is no 354 to abandon by hanging up.
    @Test func onePartlyRefusedEnvelopeIsResetAndTheConnectionGoesOn() async throws {
        let server = try WithConnectionTests.relay { $0.refusedRecipients = ["nosuch@example.org": "550 5.1.1 User unknown"] }
        defer { server.stop() }
        var message = try WithConnectionTests.message("two")
        message.to.append(try Mailbox("nosuch@example.org"))
        let (error, usable, third) = try await WithConnectionTests.client(for: server).withConnection { connection in
            let error = await #expect(throws: SMTPError.self) { try await connection.send(message) }
            return (error, connection.isUsable, try await connection.send(try WithConnectionTests.message("three")))
        }
        #expect(error?.kind == .recipientsRefused)
        #expect(usable, "a refused transaction is reset with RSET and the connection stays usable")
        #expect(third.finalReply.code == 250)
        let session = try #require(WithConnectionTests.finished(server).first)
        #expect(session.readGroups.first { $0.first?.hasPrefix("MAIL FROM:") == true } == [
            "MAIL FROM:<alice@example.test> SIZE=\(try message.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: false)).count)",
            "RCPT TO:<bob@example.org>", "RCPT TO:<nosuch@example.org>",
        ], "DATA is not pipelined when a refusal would leave only a hang-up")
        #expect(session.lines.filter { $0 == "DATA" }.count == 1, "only the third message's")
        #expect(session.lines.contains("RSET"))
        #expect(server.messages.map(\.recipients) == [["bob@example.org"]])
    }

    @Test func parametersTheSessionOwnsOrThatNameOneRecipientAreRefusedBeforeMAIL() async throws {
        let server = try WithConnectionTests.relay { $0.dsn = true }
        defer { server.stop() }
        let client = try WithConnectionTests.client(for: server)
        let message = try WithConnectionTests.message("p")
        var sized = Envelope(for: message)
        sized.mailParameters = [.size(10)]
        var orcpt = try Envelope(sender: "alice@example.test", recipients: ["bob@example.org", "carol@example.org"])
        orcpt.recipientParameters = [.originalRecipient("bob@example.org")]
        for envelope in [sized, orcpt] {
            let error = await #expect(throws: SMTPProtocolError.self) { try await client.send(.message(message), envelope: envelope) }
            #expect(error?.kind == .invalidArgument)
        }
        #expect(!(WithConnectionTests.finished(server).flatMap(\.lines)).contains { $0.hasPrefix("MAIL") })
    }

    @Test func bodySevenBitNeedsEightBitMIMEOfferedToo() async throws {
        let server = try WithConnectionTests.relay { $0.eightBitMIME = false }
        defer { server.stop() }
        let message = try WithConnectionTests.message("p")
        var envelope = Envelope(for: message)
        envelope.mailParameters = [.other(keyword: "X-TEST", value: nil)]
        _ = try await WithConnectionTests.client(for: server).send(.message(message), envelope: envelope)
        #expect(MailParameter.body(.sevenBit).requiredExtension == "8BITMIME", "BODY= is RFC 6152's, whichever value")
        #expect(server.messages.first?.mailParameters.contains("X-TEST") == true, "a parameter of no known extension is sent as given")
    }

    @Test func aPasswordTheServerRejectsIsFetchedAgainForTheNextConnection() async throws {
        var settings = ServerConfiguration()
        settings.users = ["alice@example.org": "the-right-one"]
        settings.idleTimeout = 120
        let server = try SMTPServer(configuration: settings)
        defer { server.stop() }
        let directory = NSTemporaryDirectory() + "/smtpkit-forget-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = directory + "/runs"
        var configuration = SMTPClientConfiguration(
            host: "127.0.0.1", port: server.port, tlsMode: .startTLS,
            tls: TLSConfiguration(caCertificatesPEM: server.caCertificatePEM),
            credentials: CredentialProvider(user: "alice@example.org", source: .command("echo run >> '\(log)'; echo wrong")))
        configuration.timeouts = .uniform(10)
        let client = SMTPClient(configuration: configuration)
        for _ in 0..<2 {
            let error = await #expect(throws: AuthenticationError.self) { try await client.send(try WithConnectionTests.message("x")) }
            #expect(error?.kind == .rejected)
        }
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "run\nrun\n", "a rejected secret is not reused")
    }
}
