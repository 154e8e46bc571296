import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// STARTTLS required, refused, stripped and injected (RFC 3207, CVE-2011-0411), and
/// certificate verification (RFC 8314 §4.1, RFC 9525): the client stops, never sends in clear.
struct TLSTests {
    // MARK: STARTTLS

    @Test func startTLSNotOfferedStopsBeforeMail() async throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials))

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .startTLSNotOffered)
        #expect(error.description.contains("does not offer STARTTLS"))
        #expect(error.description.contains("TLS is required; not continuing without encryption"))
        #expect(error.description.contains("127.0.0.1:\(server.port)"))
        let lines = ClientFixture.allLines(server)
        #expect(!ClientFixture.sawCommand("MAIL", in: lines))
        #expect(!ClientFixture.sawCommand("AUTH", in: lines))
        #expect(!ClientFixture.sawCommand("STARTTLS", in: lines))
        #expect(server.messages.isEmpty)
    }

    @Test(arguments: [
        ["454 4.7.0 TLS not available due to local problem"],
        ["502 5.5.1 STARTTLS not available"],
    ])
    func startTLSRefusedStopsBeforeMail(refusal: [String]) async throws {
        let server = try ClientFixture.startServer { $0.faults = [.reply(to: .startTLS, lines: refusal)] }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials))

        let error = try await #require(throws: SMTPError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .startTLSRefused)
        #expect(error.command == "STARTTLS")
        #expect(error.reply?.code == Int(refusal[0].prefix(3)))
        #expect(error.description.contains("refused STARTTLS"))
        #expect(error.description.contains("not continuing without encryption"))
        let lines = ClientFixture.allLines(server)
        #expect(!ClientFixture.sawCommand("MAIL", in: lines))
        #expect(!ClientFixture.sawCommand("AUTH", in: lines))
        #expect(lines.filter { $0.hasPrefix("EHLO") }.count == 1)
    }

    @Test func startTLSInjectionIsDetected() async throws {
        let server = try ClientFixture.startServer {
            $0.faults = [.injectAfterStartTLS("250-PIPELINING\r\n250 AUTH PLAIN\r\n")]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials))

        let error = try await #require(throws: TransportError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .startTLSInjection)
        #expect(error.description.contains("CVE-2011-0411"))
        #expect(error.description.contains("STARTTLS"))
        let lines = ClientFixture.allLines(server)
        #expect(!ClientFixture.sawCommand("MAIL", in: lines))
        #expect(!ClientFixture.sawCommand("AUTH", in: lines))
        #expect(server.messages.isEmpty)
    }

    @Test func startTLSForgetsCapabilitiesAndSaysEHLOAgain() async throws {
        // Before TLS the server offers no AUTH (authRequiresTLS); after it, PLAIN and LOGIN.
        // The client must log in, so it must have read the second EHLO (RFC 3207 §4.2).
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let recorder = TranscriptRecorder()
        let client = SMTPClient(
            configuration: ClientFixture.configuration(for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials),
            transcript: recorder.handler)

        _ = try await client.send(try ClientFixture.message())

        let ehlos = recorder.entries.filter { $0.direction == .client && $0.text.hasPrefix("EHLO ") }
        #expect(ehlos.map(\.encrypted) == [false, true])
        #expect(server.messages.first?.authenticatedUser == ClientFixture.user)
    }

    // MARK: Wrong TLS mode for the port

    @Test func implicitTLSAgainstAPlaintextServerIsAHandshakeFailure() async throws {
        // A common mistake: --tls tls on a port that speaks plaintext SMTP first (25, 587).
        // No STARTTLS was ever sent, so this is not an injection: the server does not speak TLS.
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .implicit, credentials: ClientFixture.credentials, timeouts: .uniform(3)))

        let error = try await #require(throws: TransportError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .tlsHandshakeFailed)
        #expect(error.isImplicitTLS && error.port == server.port)
        #expect(error.description.contains("does port \(server.port) speak implicit TLS"))
        #expect(!error.description.contains("CVE-2011-0411"))
        #expect(!ClientFixture.sawCommand("AUTH", in: ClientFixture.allLines(server)))
    }

    @Test func startTLSAgainstAnImplicitTLSServerTimesOutOnTheGreeting() async throws {
        // The server waits for a ClientHello, the client for a plaintext greeting.
        let server = try ClientFixture.startServer { $0.tls = .implicit }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials, timeouts: .uniform(1)))

        let error = try await #require(throws: TransportError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .timedOut)
        #expect(error.description.contains("greeting"))
        #expect(server.messages.isEmpty)
    }

    @Test func serverHangingUpOnSTARTTLSStopsTheSession() async throws {
        let server = try ClientFixture.startServer { $0.faults = [.drop(at: .startTLS)] }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials, timeouts: .uniform(2)))

        let error = try await #require(throws: TransportError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(error.kind == .connectionClosed)
        #expect(error.description.contains("before replying to STARTTLS"))
        #expect(!ClientFixture.sawCommand("AUTH", in: ClientFixture.allLines(server)))
    }

    // MARK: Certificates

    @Test func selfSignedCertificateIsRejectedByDefault() async throws {
        let server = try ClientFixture.startServer { $0.identity = try TestCertificateAuthority.selfSigned() }
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials)
        configuration.tls = TLSConfiguration()  // the system trust store

        let error = try await #require(throws: TransportError.self) {
            try await SMTPClient(configuration: configuration).send(try ClientFixture.message())
        }

        #expect(error.kind == .certificateRejected)
        #expect(error.description.contains("self-signed") || error.description.contains("self signed"))
        #expect(error.description.contains("if you trust this server, trust its CA certificate"))
        #expect(error.host == "127.0.0.1" && error.reason?.contains("self") == true)
        let lines = ClientFixture.allLines(server)
        #expect(!ClientFixture.sawCommand("AUTH", in: lines))
        #expect(!ClientFixture.sawCommand("MAIL", in: lines))
        #expect(server.messages.isEmpty)
    }

    @Test func selfSignedCertificateIsRejectedOverImplicitTLS() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .implicit
            $0.identity = try TestCertificateAuthority.selfSigned()
        }
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .implicit, credentials: ClientFixture.credentials)
        configuration.tls = TLSConfiguration()

        let error = try await #require(throws: TransportError.self) {
            try await SMTPClient(configuration: configuration).send(try ClientFixture.message())
        }

        #expect(error.kind == .certificateRejected)
        #expect(ClientFixture.allLines(server).isEmpty)
    }

    @Test func certificateForAnotherNameIsRejected() async throws {
        let authority = try TestCertificateAuthority()
        let identity = try authority.issue(names: ["other.example"])
        let server = try ClientFixture.startServer { $0.identity = identity }
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials)
        configuration.tls = TLSConfiguration(caCertificatesPEM: authority.certificatePEM)

        let error = try await #require(throws: TransportError.self) {
            try await SMTPClient(configuration: configuration).send(try ClientFixture.message())
        }

        #expect(error.kind == .certificateRejected)
        #expect(error.description.lowercased().contains("mismatch"))
        #expect(error.description.contains("127.0.0.1"))
        #expect(!ClientFixture.sawCommand("AUTH", in: ClientFixture.allLines(server)))
    }

    @Test func certificateFromAnUntrustedCAIsRejected() async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .startTLS)
        configuration.tls = TLSConfiguration(caCertificatesPEM: try TestCertificateAuthority().certificatePEM)

        let error = try await #require(throws: TransportError.self) {
            try await SMTPClient(configuration: configuration).send(try ClientFixture.message())
        }

        #expect(error.kind == .certificateRejected)
        #expect(error.description.contains("certificate"))
        #expect(server.messages.isEmpty)
    }

    @Test func caFileOnDiskIsTrusted() async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("smtpkit-ca-\(UUID().uuidString).pem").path
        try #require(server.caCertificatePEM).write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials)
        configuration.tls = TLSConfiguration(caFile: path)

        let report = try await SMTPClient(configuration: configuration).send(try ClientFixture.message())

        #expect(report.tls?.verified == true)
        #expect(server.messages.count == 1)
    }

    @Test func skippingVerificationDelivers() async throws {
        let server = try ClientFixture.startServer { $0.identity = try TestCertificateAuthority.selfSigned() }
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials)
        configuration.tls = TLSConfiguration(verifiesCertificate: false)
        let message = try ClientFixture.message()

        let report = try await SMTPClient(configuration: configuration).send(message)

        let tls = try #require(report.tls)
        #expect(!tls.verified)
        #expect(tls.description.contains("NOT verified"))
        let received = try #require(server.messages.first)
        #expect(received.overTLS)
        #expect(received.data == (try message.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))))
    }

    @Test func unreadableCAFileIsASetupErrorNamingThePath() async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let path = "/nonexistent-\(UUID().uuidString)/ca.pem"
        var configuration = ClientFixture.configuration(for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials)
        configuration.tls = TLSConfiguration(caFile: path)

        let error = try await #require(throws: TransportError.self) {
            try await SMTPClient(configuration: configuration).send(try ClientFixture.message())
        }

        #expect(error.kind == .tlsSetupFailed)
        #expect(error.description.contains(path))
        #expect(error.description.contains("CA file"))
        #expect(!ClientFixture.sawCommand("AUTH", in: ClientFixture.allLines(server)))
    }

    @Test func caPEMThatIsNotACertificateIsASetupError() async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .startTLS)
        configuration.tls = TLSConfiguration(caCertificatesPEM: "not a certificate")

        let error = try await #require(throws: TransportError.self) {
            try await SMTPClient(configuration: configuration).send(try ClientFixture.message())
        }

        #expect(error.kind == .tlsSetupFailed)
        #expect(error.description.contains("not PEM certificates"))
    }

    @Test func connectingByHostNameVerifiesTheName() async throws {
        // "localhost" may resolve to ::1 first, where the server does not listen; the client
        // tries every address (issue 2, part 2) and checks the DNS name in the certificate.
        let server = try ClientFixture.startServer { $0.tls = .implicit }
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .implicit, credentials: ClientFixture.credentials)
        configuration.host = "localhost"

        let report = try await SMTPClient(configuration: configuration).send(try ClientFixture.message())

        #expect(report.tls?.verified == true)
        #expect(report.tls?.certificate?.subjectAltNames.contains("DNS:localhost") == true)
        #expect(report.server == "127.0.0.1:\(server.port)")
        #expect(server.messages.count == 1)
    }
}
