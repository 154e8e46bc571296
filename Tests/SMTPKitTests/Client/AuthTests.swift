import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// SMTP AUTH (RFC 4954) with PLAIN (RFC 4616) and LOGIN: success, rejection with the server's
/// words, mechanism choice, and the rule that a password never travels in clear unless allowed.
struct AuthTests {
    @Test(arguments: [AuthChoice.plain, .login, .auto])
    func wrongPasswordIsRejectedWithTheServersWords(choice: AuthChoice) async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS,
            credentials: Credentials(user: ClientFixture.user, secret: "wrong-password"), auth: choice))

        let error = try await #require(throws: AuthenticationError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .rejected)
        #expect(error.reply?.code == 535)
        #expect(error.reply?.enhancedStatus == EnhancedStatusCode("5.7.8"))
        #expect(!error.isTransient)
        #expect(error.description.contains("authentication failed: authentication failure"))
        #expect(error.description.contains(choice == .login ? "(LOGIN)" : "(PLAIN)"))
        #expect(error.description.contains("check the user name and password"))
        #expect(!error.description.contains("wrong-password"))
        let lines = ClientFixture.allLines(server)
        #expect(!ClientFixture.sawCommand("MAIL", in: lines))
        #expect(server.messages.isEmpty)
    }

    @Test func temporaryAuthFailureIsTransient() async throws {
        let server = try ClientFixture.startServer {
            $0.faults = [.reply(to: .auth, lines: ["454 4.7.0 Temporary authentication failure"])]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials))

        let error = try await #require(throws: AuthenticationError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .rejected)
        #expect(error.reply?.code == 454)
        #expect(error.isTransient)
        #expect(error.description.contains("Temporary authentication failure"))
        #expect(error.description.contains("try again later"))
    }

    @Test func plaintextAuthIsRefusedBeforeConnecting() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.authRequiresTLS = false
        }
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .plaintext, credentials: ClientFixture.credentials)
        configuration.allowPlaintextAuth = false

        let error = try await #require(throws: AuthenticationError.self) {
            try await SMTPClient(configuration: configuration).send(try ClientFixture.message())
        }

        #expect(error.kind == .plaintextRefused)
        #expect(error.description.contains("unencrypted"))
        #expect(error.description.contains("use STARTTLS or implicit TLS, or allow plaintext authentication"))
        #expect(!error.description.contains("--"), "flags are the CLI's words")
        // A later connection proves the server was reachable; it must be the only session.
        var plain = configuration
        plain.credentials = nil
        _ = try await SMTPClient(configuration: plain).send(try ClientFixture.message())
        let sessions = ClientFixture.finishedSessions(server)
        #expect(sessions.count == 1)
        #expect(sessions.allSatisfy { !ClientFixture.sawCommand("AUTH", in: $0.lines) })
    }

    @Test func plaintextAuthWhenExplicitlyAllowed() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.authRequiresTLS = false
        }
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .plaintext, credentials: ClientFixture.credentials)
        configuration.allowPlaintextAuth = true
        let message = try ClientFixture.message()

        let report = try await SMTPClient(configuration: configuration).send(message)

        #expect(report.authenticatedUser == ClientFixture.user)
        #expect(report.tls == nil)
        let received = try #require(server.messages.first)
        #expect(received.authenticatedUser == ClientFixture.user)
        #expect(!received.overTLS)
        #expect(received.data == (try message.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))))
    }

    @Test func forcedMechanismNotOffered() async throws {
        let server = try ClientFixture.startServer { $0.authMechanisms = ["LOGIN"] }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials, auth: .plain))

        let error = try await #require(throws: AuthenticationError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .mechanismNotOffered)
        #expect(error.description.contains("offers AUTH LOGIN"))
        #expect(error.description.contains("not PLAIN"))
        #expect(error.description.contains("choose a mechanism it offers"))
        #expect(error.wanted == ["PLAIN"] && error.offered == ["LOGIN"])
        let lines = ClientFixture.allLines(server)
        #expect(!ClientFixture.sawCommand("AUTH", in: lines))
        #expect(!ClientFixture.sawCommand("MAIL", in: lines))
    }

    @Test func autoPicksLoginWhenThatIsAllTheServerOffers() async throws {
        let server = try ClientFixture.startServer { $0.authMechanisms = ["LOGIN"] }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials, auth: .auto))

        let report = try await client.send(try ClientFixture.message())

        #expect(report.authenticatedUser == ClientFixture.user)
        #expect(ClientFixture.allLines(server).contains("AUTH LOGIN"))
    }

    @Test func credentialsButNoAuthOffered() async throws {
        let server = try ClientFixture.startServer { $0.authMechanisms = [] }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials))

        let error = try await #require(throws: AuthenticationError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .notOffered)
        #expect(error.description.contains("does not offer authentication"))
        #expect(error.description.contains("127.0.0.1:\(server.port)"))
        #expect(!ClientFixture.sawCommand("MAIL", in: ClientFixture.allLines(server)))
    }

    @Test func authNoneNeverLogsIn() async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials, auth: .disabled))

        let report = try await client.send(try ClientFixture.message())

        #expect(report.authenticatedUser == nil)
        #expect(server.messages.first?.authenticatedUser == nil)
        #expect(!ClientFixture.sawCommand("AUTH", in: ClientFixture.allLines(server)))
    }

    @Test func serverRequiringAuthenticationRefusesMail() async throws {
        let server = try ClientFixture.startServer { $0.requireAuthentication = true }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .startTLS))

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .rejected)
        #expect(error.reply?.code == 530)
        #expect(error.command?.hasPrefix("MAIL FROM:") == true)
        #expect(error.isPermanent)
        #expect(error.description.contains("Authentication required"))
        _ = ClientFixture.finishedSessions(server)
        #expect(server.messages.isEmpty)
    }

    @Test func xoauth2ErrorChallengeIsAnsweredWithAnEmptyLine() async throws {
        // XOAUTH2: on an error challenge the client sends an empty response and expects a
        // failure reply (RFC 7628 §3.2.3 for OAUTHBEARER, the same for Google's XOAUTH2).
        // The test server answers a token it does not know with the 334 JSON error challenge.
        let server = try ClientFixture.startServer { $0.authMechanisms = ["XOAUTH2"] }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: Credentials(user: ClientFixture.user, secret: "ya29.token"),
            auth: .xoauth2))

        let error = try await #require(throws: AuthenticationError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .rejected)
        #expect(error.oauthError?.status == "401")
        let lines = ClientFixture.allLines(server)
        let authIndex = try #require(lines.firstIndex { $0.hasPrefix("AUTH XOAUTH2 ") })
        let blob = String(lines[authIndex].dropFirst("AUTH XOAUTH2 ".count))
        let decoded = String(decoding: Data(base64Encoded: blob) ?? Data(), as: UTF8.self)
        #expect(decoded == "user=\(ClientFixture.user)\u{01}auth=Bearer ya29.token\u{01}\u{01}")
        #expect(lines.indices.contains(authIndex + 1) && lines[authIndex + 1] == "")
        #expect(!ClientFixture.sawCommand("MAIL", in: lines))
    }

    @Test func challengeThatIsNotBase64IsCancelled() async throws {
        let server = try ClientFixture.startServer { $0.faults = [.reply(to: .authChallenge, lines: ["334 !!not*base64!!"])] }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials, auth: .login))

        let error = try await #require(throws: AuthenticationError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .unexpectedChallenge)
        #expect(error.description.contains("not valid base64"))
        #expect(error.description.contains("!!not*base64!!"))
        let lines = ClientFixture.allLines(server)
        let authIndex = try #require(lines.firstIndex(of: "AUTH LOGIN"))
        #expect(lines.indices.contains(authIndex + 1) && lines[authIndex + 1] == "*")  // RFC 4954 §4 cancel
        #expect(!lines.contains(Data(ClientFixture.user.utf8).base64EncodedString()))
        #expect(!lines.contains(Data(ClientFixture.password.utf8).base64EncodedString()))
    }

    @Test func positiveReplyOtherThan235IsAProtocolError() async throws {
        let server = try ClientFixture.startServer { $0.faults = [.reply(to: .auth, lines: ["250 2.0.0 Ok"])] }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials))

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .unexpectedReply)
        #expect(error.command == "AUTH PLAIN")
        #expect(error.reply?.code == 250)
        #expect(!ClientFixture.sawCommand("MAIL", in: ClientFixture.allLines(server)))
    }

    @Test func loginWithAnExtraChallengeIsAborted() async throws {
        // Every AUTH reply becomes "334 " (an empty challenge): after the user name and the
        // password LOGIN has no third answer, so the client cancels with "*" (RFC 4954 §4).
        let server = try ClientFixture.startServer { $0.faults = [.reply(to: .auth, lines: ["334 "])] }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials, auth: .login))

        let error = try await #require(throws: AuthenticationError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .unexpectedChallenge)
        #expect(error.description.contains("LOGIN"))
        let lines = ClientFixture.allLines(server)
        #expect(lines.contains("*"))
        #expect(!ClientFixture.sawCommand("MAIL", in: lines))
    }
}
