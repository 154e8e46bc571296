import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// Cases from the security and outcome review: each asserts what a user would see.
@Suite struct HardeningTests {
    @Test func closeNotifyInsteadOfAHandshakeIsAFailureNotAVerifiedSession() async throws {
        let server = try ClientFixture.startServer { $0.faults = [.closeNotifyInHandshake] }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .startTLS, timeouts: .uniform(5)))

        let error = try await #require(throws: TransportError.self) { try await client.send(try ClientFixture.message()) }

        #expect(error.kind == .tlsHandshakeFailed, "\(error)")
        #expect(server.messages.isEmpty)
    }

    @Test func probeOfTheSameServerReportsTheFailureNotAVerifiedCertificate() async throws {
        let server = try ClientFixture.startServer { $0.faults = [.closeNotifyInHandshake] }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .startTLS, timeouts: .uniform(5)))

        let info = try await client.probe()

        #expect(info.tls == nil)
        #expect(info.tlsFailure?.contains("TLS handshake failed") == true, "\(String(describing: info.tlsFailure))")
    }

    @Test func aRejectionInTheMiddleOfTheDataIsReportedWithTheServersWords() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.sizeLimit = nil
            $0.faults = [.replyDuringData(afterBytes: 100_000, lines: ["552 5.3.4 Message size exceeds fixed limit"])]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let body = String(repeating: "a line of text that is long enough to matter\n", count: 400_000)

        let error = try await #require(throws: (any Error).self) { try await client.send(try ClientFixture.message(body: body)) }

        // Either the reply arrived before the reset and is reported (65), or the kernel dropped
        // it with the reset and the broken connection is reported; never success, never a hang.
        if let smtp = error as? SMTPError {
            #expect(smtp.kind == .rejected)
            #expect(smtp.reply?.code == 552)
            #expect(smtp.isPermanent)
        } else {
            let transport = try #require(error as? TransportError, "\(error)")
            #expect([TransportError.Kind.connectionClosed, .ioFailed].contains(transport.kind))
        }
        #expect(server.messages.isEmpty)
    }

    @Test func aPositiveButWrongReplyToTheFinalDotIsAProtocolError() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.reply(to: .endOfData, lines: ["354 keep going"])]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))

        let error = try await #require(throws: SMTPError.self) { try await client.send(try ClientFixture.message()) }

        #expect(error.kind == .unexpectedReply)
        // QUIT went with the final dot (RFC 2920 §3.1) and nothing follows it: the client hangs up.
        let session = try #require(ClientFixture.finishedSessions(server).first)
        #expect(String(decoding: session.received, as: UTF8.self).hasSuffix("\r\n.\r\nQUIT\r\n"))
    }

    @Test func eightBitRawDataIsNotSentToAServerWithout8BITMIME() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.eightBitMIME = false
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let raw = Array("From: a@example.org\r\nSubject: x\r\n\r\nBlåbærsyltetøy\r\n".utf8)

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(.bytes(raw), envelope: Envelope(sender: "a@example.org", recipients: ["b@example.org"]))
        }

        #expect(error.kind == .eightBitNotSupported)
        #expect(error.description.contains("8BITMIME"))
        #expect(!ClientFixture.sawCommand("MAIL", in: ClientFixture.allLines(server)))
    }

    @Test func anUnreadableCAFileFailsBeforeConnecting() async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .startTLS)
        configuration.tls = TLSConfiguration(caFile: "/nonexistent/ca.pem")

        let error = try await #require(throws: TransportError.self) { try await SMTPClient(configuration: configuration).send(try ClientFixture.message()) }

        #expect(error.kind == .tlsSetupFailed)
        #expect(ClientFixture.finishedSessions(server).isEmpty)
    }

    @Test(arguments: ["ali\u{0}ce", "alice\u{1}auth=Bearer x"])
    func controlCharactersInTheUserNameAreRefusedBeforeConnecting(user: String) async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: Credentials(user: user, secret: "x")))

        let error = try await #require(throws: SMTPProtocolError.self) { try await client.send(try ClientFixture.message()) }

        #expect(error.kind == .invalidArgument)
        #expect(error.description.contains("user name"))
        #expect(ClientFixture.finishedSessions(server).isEmpty)
    }

    @Test func plainNeverRepeatsThePasswordWhenChallengedAgain() async throws {
        let server = try ClientFixture.startServer { $0.faults = [.reply(to: .auth, lines: ["334 "])] }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials, auth: .plain))

        let error = try await #require(throws: AuthenticationError.self) { try await client.send(try ClientFixture.message()) }

        #expect(error.kind == .unexpectedChallenge)
        let lines = ClientFixture.allLines(server)
        let blob = Data(([0] + Array(ClientFixture.user.utf8) + [0] + Array(ClientFixture.password.utf8))).base64EncodedString()
        #expect(lines.filter { $0.contains(blob) }.count == 1, "\(lines)")
        #expect(lines.contains("*"))
    }

    @Test func credentialsDoNotShowTheSecretWhenDumped() {
        let credentials = Credentials(user: "alice", secret: "hunter2")
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(!String(reflecting: credentials).contains("hunter2"))
    }

    @Test func aLongRecipientListIsPipelinedInBoundedGroups() async throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let recipients = (1...250).map { "user\($0)@example.net" }

        let report = try await client.send(.bytes(Array("Subject: x\r\n\r\nhi\r\n".utf8)),
                                           envelope: Envelope(sender: ClientFixture.user, recipients: recipients))

        #expect(report.accepted.count == 250)
        #expect(server.messages.first?.recipients == recipients)
        let groups = try #require(ClientFixture.finishedSessions(server).first?.readGroups)
        #expect(groups.allSatisfy { $0.count <= SMTPSession.pipelineGroupLimit })
        #expect(groups.filter { $0.first?.hasPrefix("MAIL FROM") == true || $0.first?.hasPrefix("RCPT TO") == true }.count == 3)
    }

    @Test func aRefusedMessageInTheMiddleLeavesTheConnectionUsable() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.refusedRecipients = ["nosuch@example.net": "550 5.1.1 User unknown"]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))
        let first = try ClientFixture.message(to: ["bob@example.net"])
        let second = try ClientFixture.message(to: ["nosuch@example.net"])
        let third = try ClientFixture.message(to: ["carol@example.net"])
        let results = try await client.withConnection { connection in
            var results: [Result<DeliveryReport, any Error>] = []
            for message in [first, second, third] {
                do { results.append(.success(try await connection.send(message))) } catch { results.append(.failure(error)) }
            }
            return results
        }

        #expect(results.count == 3)
        #expect((try? results[0].get()) != nil)
        #expect(throws: SMTPError.self) { try results[1].get() }
        #expect((try? results[2].get()) != nil)
        #expect(server.messages.map(\.recipients) == [["bob@example.net"], ["carol@example.net"]])
        #expect(ClientFixture.finishedSessions(server).count == 1)
    }
}

@Suite struct WildcardTests {
    /// RFC 9525 §6.3: "f*.example.test" is not a wildcard for "foo.example.test".
    @Test func partialWildcardsDoNotMatch() throws {
        let authority = try TestCertificateAuthority()
        var settings = ServerConfiguration()
        settings.tls = .implicit
        settings.identity = try authority.issue(names: ["f*.example.test"])
        let server = try SMTPServer(configuration: settings)
        defer { server.stop() }
        let connection = try Connection.open(host: "127.0.0.1", port: server.port, deadline: .after(seconds: 5))
        defer { connection.close() }
        let context = try TLSContext.client(TLSConfiguration(caCertificatesPEM: authority.certificatePEM))

        let error = try #require(throws: TransportError.self) {
            try connection.startTLS(context: context, serverName: "foo.example.test", bufferedBytes: nil, deadline: .after(seconds: 5))
        }

        #expect(error.kind == .certificateRejected)
    }
}
