import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// `smtpkit probe`: greeting, EHLO capabilities before and after TLS, the TLS parameters and
/// certificate, without logging in or sending mail.
struct ProbeTests {
    @Test func probeAStartTLSServer() async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials))

        let info = try await client.probe()

        #expect(info.server == "127.0.0.1:\(server.port)")
        #expect(info.greeting.code == 220)
        #expect(info.greeting.text == "smtpkit.test ESMTP SMTPKitServer")
        #expect(info.supportsEHLO)
        #expect(info.capabilitiesBeforeTLS.startTLS)
        #expect(info.capabilitiesBeforeTLS.authMechanisms.isEmpty)  // AUTH only after TLS
        let after = try #require(info.capabilitiesAfterTLS)
        #expect(!after.startTLS)
        #expect(after.authMechanisms == ["PLAIN", "LOGIN"])
        #expect(after.pipelining)
        #expect(after.sizeLimit == 10_485_760)
        #expect(info.capabilities == after)
        let tls = try #require(info.tls)
        #expect(tls.protocolVersion.hasPrefix("TLSv1."))
        #expect(!tls.cipher.isEmpty && tls.cipher != "none")
        #expect(tls.verified)
        let certificate = try #require(tls.certificate)
        #expect(certificate.subjectAltNames.contains("DNS:localhost"))
        #expect(certificate.subjectAltNames.contains("IP:127.0.0.1"))
        #expect(certificate.subject.contains("CN=localhost"))
        #expect(certificate.issuer.contains("SMTPKit Test CA"))
        #expect(!certificate.notAfter.isEmpty)
        #expect(info.tlsFailure == nil)
        let lines = ClientFixture.allLines(server)
        #expect(!ClientFixture.sawCommand("AUTH", in: lines))  // probe never logs in
        #expect(!ClientFixture.sawCommand("MAIL", in: lines))
        #expect(lines.filter { $0.hasPrefix("EHLO ") }.count == 2)
    }

    @Test func probeAPlainOnlyServerReportsTheTLSFailure() async throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .startTLS))

        let info = try await client.probe()

        #expect(info.supportsEHLO)
        #expect(!info.capabilitiesBeforeTLS.startTLS)
        #expect(info.capabilitiesAfterTLS == nil)
        #expect(info.tls == nil)
        let failure = try #require(info.tlsFailure)
        #expect(failure.contains("does not offer STARTTLS"))
        #expect(!ClientFixture.sawCommand("STARTTLS", in: ClientFixture.allLines(server)))
    }

    @Test func probeWithTLSOffShowsOnlyThePlainCapabilities() async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext))

        let info = try await client.probe()

        #expect(info.capabilitiesBeforeTLS.startTLS)
        #expect(info.capabilitiesAfterTLS == nil)
        #expect(info.tls == nil)
        #expect(info.tlsFailure == nil)
        #expect(!ClientFixture.sawCommand("STARTTLS", in: ClientFixture.allLines(server)))
    }

    @Test func probeAnImplicitTLSServer() async throws {
        let server = try ClientFixture.startServer { $0.tls = .implicit }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .implicit))

        let info = try await client.probe()

        #expect(info.tls?.protocolVersion.hasPrefix("TLSv1.") == true)
        #expect(info.capabilitiesBeforeTLS.authMechanisms == ["PLAIN", "LOGIN"])
        #expect(info.capabilitiesAfterTLS == nil)
        #expect(info.capabilities.authMechanisms == ["PLAIN", "LOGIN"])
        #expect(info.tlsFailure == nil)
    }

    @Test func probeWithAnUntrustedCertificateReportsWhy() async throws {
        let server = try ClientFixture.startServer { $0.identity = try TestCertificateAuthority.selfSigned() }
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .startTLS)
        configuration.tls = TLSConfiguration()

        let info = try await SMTPClient(configuration: configuration).probe()

        #expect(info.capabilitiesBeforeTLS.startTLS)
        #expect(info.capabilitiesAfterTLS == nil)
        let failure = try #require(info.tlsFailure)
        #expect(failure.contains("self-signed") || failure.contains("self signed"))
    }

    @Test func probeWhereSTARTTLSIsRefusedReportsTheReply() async throws {
        let server = try ClientFixture.startServer {
            $0.faults = [.reply(to: .startTLS, lines: ["454 4.7.0 TLS not available due to local problem"])]
        }
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: .startTLS))

        let info = try await client.probe()

        #expect(info.capabilitiesBeforeTLS.startTLS)
        #expect(info.tls == nil)
        let failure = try #require(info.tlsFailure)
        #expect(failure.contains("454 4.7.0 TLS not available due to local problem"))
    }

    @Test(arguments: [TLSMode.plaintext, .startTLS])
    func probeAHELOOnlyServer(mode: TLSMode) async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.reply(to: .ehlo, lines: ["500 5.5.1 Command unrecognized"])]
        }
        defer { server.stop() }
        // In the default mode too: a probe reports a HELO-only server instead of refusing it.
        let client = SMTPClient(configuration: ClientFixture.configuration(for: server, tlsMode: mode))

        let info = try await client.probe()

        #expect(!info.supportsEHLO)
        #expect(info.capabilitiesBeforeTLS == .empty)
        #expect(ClientFixture.allLines(server).contains("HELO \(ClientFixture.heloName)"))
        if mode == .startTLS { #expect(info.tlsFailure?.contains("does not offer STARTTLS") == true) }
    }
}
