import Foundation
import SMTPKitServer
import Testing

/// `smtpkit probe` (what a server offers, no login, no mail) and `smtpkit demo` (the whole
/// path against the built-in server, offline).
@Suite("probe and demo")
struct ProbeDemoTests {
    @Test("probe a STARTTLS server with its CA: greeting, STARTTLS, AUTH after TLS, TLS version")
    func probeStartTLS() async throws {
        let server = try TestServer()
        let result = try await CLI.run(["probe"] + server.tlsAddress)
        let sessions = server.stop()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("STARTTLS"), "\(result)")
        #expect(result.stdout.contains("AUTH"), "\(result)")
        #expect(result.stdout.contains("PLAIN") && result.stdout.contains("LOGIN"), "\(result)")
        #expect(result.stdout.contains("TLSv1."), "\(result)")
        #expect(result.stdout.contains("220 "), "the greeting: \(result)")
        #expect(result.stdout.contains("certificate"), "\(result)")
        #expect(result.stdout.contains("verified"), "\(result)")
        let lines = sessions.flatMap(\.lines)
        #expect(!lines.contains { $0.uppercased().hasPrefix("AUTH") || $0.uppercased().hasPrefix("MAIL") },
                "probe never logs in or sends: \(lines)")
        #expect(server.messages.isEmpty)
    }

    @Test("probe never fetches a password, even with --user and a password command")
    func probeFetchesNoPassword() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let marker = files.file("ran")
        let result = try await CLI.run(
            ["probe"] + server.tlsAddress + ["--user", TestServer.user, "--password-command", "touch \(marker); printf x"])
        #expect(result.status == 0, "\(result)")
        #expect(!FileManager.default.fileExists(atPath: marker), "probe ran the password command")
    }

    @Test("probe an implicit-TLS server with --tls tls")
    func probeImplicit() async throws {
        let server = try TestServer { $0.tls = .implicit }
        defer { server.stop() }
        let result = try await CLI.run(["probe"] + server.tlsAddress + ["--tls", "tls"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("TLSv1."), "\(result)")
        #expect(result.stdout.contains("PLAIN"), "\(result)")
    }

    @Test("probe a plain-only server with the default TLS mode → 69, capabilities still shown")
    func probePlainOnlyDefaultTLS() async throws {
        let server = try TestServer { $0.tls = .none }
        defer { server.stop() }
        let result = try await CLI.run(["probe"] + server.address)
        #expect(result.status == 69, "\(result)")
        #expect(result.stderr.contains("does not offer STARTTLS"), "\(result)")
        #expect(result.stderr.contains("smtpkit: hint: use --tls none"), "\(result)")
    }

    @Test("probe a plain-only server with --tls none → 0, its extensions listed")
    func probePlainOnly() async throws {
        let server = try TestServer { $0.tls = .none }
        defer { server.stop() }
        let result = try await CLI.run(["probe"] + server.address + ["--tls", "none"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("PIPELINING"), "\(result)")
        #expect(!result.stdout.contains("TLSv1."), "\(result)")
    }

    @Test("probe with an untrusted certificate → 69 naming the certificate")
    func probeUntrusted() async throws {
        let server = try TestServer { $0.identity = try TestCertificateAuthority.selfSigned() }
        defer { server.stop() }
        let result = try await CLI.run(["probe"] + server.address)
        #expect(result.status == 69, "\(result)")
        #expect(result.allOutput.lowercased().contains("certificate"), "\(result)")
    }

    @Test("probe: connection refused → 75, unknown host → 68")
    func probeUnreachable() async throws {
        let refused = try await CLI.run(["probe", "--host", "127.0.0.1", "--port", String(try deadPort())])
        #expect(refused.status == 75, "\(refused)")
        let unknown = try await CLI.run(["probe", "--host", "nonexistent.invalid", "--port", "25"])
        #expect(unknown.status == 68, "\(unknown)")
    }

    @Test("demo: exit 0, the dialogue with the password masked, the message received")
    func demo() async throws {
        let result = try await CLI.run(["demo"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("I love computer networks!"), "\(result)")
        #expect(result.stdout.contains("~> AUTH PLAIN ****"), "\(result)")
        #expect(result.stdout.contains("250"), "\(result)")
        #expect(result.stdout.contains(" -> STARTTLS"), "\(result)")
        #expect(result.stdout.contains("over TLS"), "\(result)")
        #expect(result.stdout.contains("Subject: SMTPKit demo"), "\(result)")
        // The demo's password is random: no AUTH PLAIN line may carry anything but the mask.
        let authLines = result.stdout.components(separatedBy: "\n").filter { $0.contains("> AUTH") }
        #expect(!authLines.isEmpty && authLines.allSatisfy { $0.hasSuffix("AUTH PLAIN ****") }, "\(authLines)")
    }

    @Test("demo --oauth: a device-code login approved by the built-in identity provider, then OAUTHBEARER")
    func demoOAuth() async throws {
        let result = try await CLI.run(["demo", "--oauth"], limit: 60)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("enter the code MOCK-"), "\(result)")
        #expect(result.stdout.contains("=== logged in as student@smtpkit.test"), "\(result)")
        #expect(result.stdout.contains(" ~> AUTH OAUTHBEARER ****"), "\(result)")
        #expect(result.stdout.contains("<~  235 2.7.0"), "\(result)")
        #expect(result.stdout.contains("(OAUTHBEARER)"), "\(result)")
    }

    @Test("demo --quiet: no transcript, still the message; demo --body sends that body")
    func demoOptions() async throws {
        let quiet = try await CLI.run(["demo", "--quiet", "--body", "Hello from the test"])
        #expect(quiet.status == 0, "\(quiet)")
        #expect(quiet.stdout.contains("Hello from the test"), "\(quiet)")
        #expect(!quiet.stdout.contains(" -> EHLO"), "\(quiet)")
    }
}
