import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// Silence, drips and cancellation (RFC 5321 §4.5.3.2): every wait is bounded by a deadline per
/// whole reply, and a missing reply after the final dot is never success (§6.1). Short timeouts
/// keep the suite fast; no test asserts on elapsed time.
struct TimeoutTests {
    @Test func silentGreetingTimesOut() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.silence(at: .greeting)]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(1)))

        let error = try await #require(throws: TransportError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .timedOut)
        #expect(error.isTransient)
        #expect(error.description.contains("timed out after 1 s"))
        #expect(error.description.contains("greeting"))
        #expect(error.timeout == 1 && error.operation?.contains("greeting") == true)
        #expect(ClientFixture.allLines(server).isEmpty)
    }

    @Test func drippedGreetingHitsTheWholeReplyDeadline() async throws {
        // One byte every 0.25 s: each read succeeds, but the whole reply cannot arrive within
        // 1.5 s. A per-read timeout would wait ~10 s and then succeed; a per-reply deadline fails.
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.drip(at: .greeting, interval: 0.25)]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(1.5)))

        let error = try await #require(throws: TransportError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .timedOut)
        #expect(error.description.contains("timed out after 1.5 s"))
        #expect(error.description.contains("greeting"))
    }

    @Test func silentEHLOTimesOutNamingTheCommand() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.silence(at: .ehlo)]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(1)))

        let error = try await #require(throws: TransportError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .timedOut)
        #expect(error.description.contains("EHLO \(ClientFixture.heloName)"))
    }

    @Test func silenceAfterTheFinalDotIsDeliveryStatusUnknown() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.silence(at: .endOfData)]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(1)))

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .deliveryStatusUnknown)
        #expect(error.isTransient)
        #expect(error.description.contains("delivery status unknown"))
        #expect(error.description.contains("may or may not have been accepted"))
        #expect(error.description.contains("timed out"))
        let session = try #require(ClientFixture.finishedSessions(server).first)
        #expect(server.messages.isEmpty)
        // QUIT went in the same write as the final dot (RFC 2920 §3.1); nothing was sent after it.
        #expect(String(decoding: session.received, as: UTF8.self).hasSuffix("\r\n.\r\nQUIT\r\n"))
    }

    @Test func silenceAfterQuitStillCountsAsSent() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.silence(at: .quit)]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(1)))
        let message = try ClientFixture.message()

        let report = try await client.send(message)

        #expect(report.finalReply.code == 250)
        #expect(server.messages.first?.data == (try message.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))))
    }

    @Test func slowButSteadyServerWithinTheDeadlineIsFine() async throws {
        // Every reply to RCPT is dripped byte by byte; each whole reply still fits its deadline.
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.drip(at: .rcpt, interval: 0.002)]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(10)))
        let message = try ClientFixture.message(to: ["bob@example.net", "carol@example.net"])

        let report = try await client.send(message)

        #expect(report.accepted.count == 2)
        #expect(report.recipients.map(\.reply.text) == ["Ok", "Ok"])
        #expect(server.messages.first?.data == (try message.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))))
    }

    @Test func cancellingTheTaskEndsASessionWaitingOnASilentServer() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.silence(at: .greeting)]
        }
        defer { server.stop() }
        // A long timeout: if cancellation did not work, the error would be a timeout.
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(30)))
        let message = try ClientFixture.message()

        let task = Task { try await client.send(message) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.result

        let error = try #require(throws: (any Error).self) { try result.get() }
        #expect(error is CancellationError)
        #expect(server.messages.isEmpty)
    }

    @Test func cancellationIsReportedAsCancellation() async throws {
        // TransportError.Kind.cancelled exists for this; blaming the server ("the server closed
        // the connection") for the caller's own cancellation would mislead.
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.silence(at: .greeting)]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(30)))
        let message = try ClientFixture.message()

        let task = Task { try await client.send(message) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.result

        let error = try #require(throws: (any Error).self) { try result.get() }
        #expect((error as? TransportError)?.kind == .cancelled || error is CancellationError, "got \(error)")
    }

    @Test func failedImplicitHandshakeSendsNothingInClear() async throws {
        // A "server" that never answers the ClientHello: the handshake times out. The client must
        // not then talk plaintext SMTP (QUIT) on that connection, nor wait for a reply to it.
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.silence(at: .greeting)]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .implicit, timeouts: .uniform(1)))

        let error = try await #require(throws: TransportError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .timedOut)
        let lines = ClientFixture.allLines(server)
        #expect(!lines.contains { $0.hasSuffix("QUIT") }, "plaintext after a failed TLS handshake: \(lines.suffix(2))")
    }

    @Test func cancellingBeforeTheSessionStartsStillEndsIt() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.silence(at: .greeting)]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext, timeouts: .uniform(30)))
        let message = try ClientFixture.message()

        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.send(message)
        }
        let result = await task.result

        let error = try #require(throws: (any Error).self) { try result.get() }
        #expect((error as? TransportError)?.kind != .timedOut)
    }
}
