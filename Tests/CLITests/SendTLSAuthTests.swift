import Foundation
import SMTPKitServer
import Testing

/// `smtpkit send` with STARTTLS (the default on any port but 465) or implicit TLS, the
/// server's test CA given with `--ca-file`, and AUTH with each password source.
@Suite("send with TLS and AUTH")
struct SendTLSAuthTests {
    static let login = ["--user", TestServer.user]
    static let passwordEnvironment = ["SMTPKIT_TEST_PW": TestServer.password]

    /// The checks every authenticated TLS delivery shares.
    static func expectDelivered(_ result: CLIResult, _ server: TestServer) throws {
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines.count == 1, "\(result)")
        #expect(result.stdout.hasPrefix("sent to 1 recipient "), "\(result)")
        #expect(result.stdout.contains("(TLSv1."), "the summary should name the TLS version: \(result)")
        let message = try #require(server.messages.first, "\(result)")
        #expect(message.overTLS)
        #expect(message.authenticatedUser == TestServer.user)
        #expect(Mail.body(message) == "I love computer networks!\r\n")
        for secret in Secrets.forms {
            #expect(!result.allOutput.contains(secret), "the password leaked (\(secret)): \(result)")
        }
    }

    @Test("STARTTLS + --password-env")
    func passwordEnv() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + Self.login + ["--password-env", "SMTPKIT_TEST_PW"] + Mail.basic(),
            environment: Self.passwordEnvironment)
        try Self.expectDelivered(result, server)
    }

    @Test("--tls starttls spelt out gives the same")
    func explicitStartTLS() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + ["--tls", "starttls"] + Self.login + ["--password-env", "SMTPKIT_TEST_PW"] + Mail.basic(),
            environment: Self.passwordEnvironment)
        try Self.expectDelivered(result, server)
    }

    @Test("STARTTLS + --password-command")
    func passwordCommand() async throws {
        let server = try TestServer { $0.users = [TestServer.user: "secret"] }
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + Self.login + ["--password-command", "printf secret"] + Mail.basic())
        #expect(result.status == 0, "\(result)")
        let message = try #require(server.messages.first, "\(result)")
        #expect(message.overTLS)
        #expect(message.authenticatedUser == TestServer.user)
    }

    @Test("--password-command: one trailing newline is not part of the password")
    func passwordCommandNewline() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + Self.login + ["--password-command", "echo \(TestServer.password)"] + Mail.basic())
        try Self.expectDelivered(result, server)
    }

    @Test("--password-command that fails → 78, nothing sent")
    func passwordCommandFails() async throws {
        let server = try TestServer()
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + Self.login + ["--password-command", "exit 3"] + Mail.basic())
        let sessions = server.stop()
        #expect(result.status == 78, "\(result)")
        #expect(server.messages.isEmpty)
        #expect(!sessions.flatMap(\.lines).contains { $0.uppercased().hasPrefix("AUTH") })
    }

    @Test("a failing --password-command: what it printed on stdout (maybe the password) is never shown")
    func passwordCommandOutputHidden() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + Self.login
                + ["--password-command", "printf '%s' \"$SMTPKIT_TEST_PW\"; exit 2"] + Mail.basic(),
            environment: Self.passwordEnvironment)
        #expect(result.status == 78, "\(result)")
        #expect(!result.allOutput.contains(TestServer.password), "\(result)")
        #expect(server.messages.isEmpty)
    }

    @Test("--password-env naming an unset variable → 78 naming it")
    func passwordEnvUnset() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + Self.login + ["--password-env", "SMTPKIT_NOT_SET"] + Mail.basic())
        #expect(result.status == 78, "\(result)")
        #expect(result.stderr.contains("SMTPKIT_NOT_SET"), "\(result)")
        #expect(server.messages.isEmpty)
    }

    @Test("--password-file with mode 0600 works (first line only)")
    func passwordFilePrivate() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("pw", TestServer.password + "\nsecond line ignored\n", mode: 0o600)
        let result = try await CLI.run(["send"] + server.tlsAddress + Self.login + ["--password-file", path] + Mail.basic())
        try Self.expectDelivered(result, server)
    }

    @Test("--password-file readable by others → 78 saying chmod 600; no AUTH sent", arguments: [0o644, 0o640, 0o604, 0o660])
    func passwordFileOpen(mode: Int) async throws {
        let server = try TestServer()
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("pw", TestServer.password + "\n", mode: mode)
        let result = try await CLI.run(["send"] + server.tlsAddress + Self.login + ["--password-file", path] + Mail.basic())
        let sessions = server.stop()
        #expect(result.status == 78, "\(result)")
        #expect(result.stderr.contains("chmod 600"), "\(result)")
        #expect(result.stderr.contains(path), "the file should be named: \(result)")
        #expect(!result.allOutput.contains(TestServer.password), "\(result)")
        #expect(server.messages.isEmpty)
        // The password is fetched right before AUTH (lazily); a refused source means no AUTH at all.
        #expect(!sessions.contains { $0.lines.contains { $0.hasPrefix("AUTH") } }, "\(sessions)")
        #expect(sessions.allSatisfy { $0.ending == "quit" }, "\(sessions)")
    }

    @Test("--password-file that does not exist → 78")
    func passwordFileMissing() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + Self.login + ["--password-file", "/nonexistent/smtpkit-pw"] + Mail.basic())
        #expect(result.status == 78, "\(result)")
        #expect(result.stderr.contains("/nonexistent/smtpkit-pw"), "\(result)")
    }

    @Test("--auth login: the LOGIN mechanism is used", arguments: [["PLAIN", "LOGIN"], ["LOGIN", "PLAIN"]])
    func authLogin(offered: [String]) async throws {
        let server = try TestServer { $0.authMechanisms = offered }
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + Self.login + ["--password-env", "SMTPKIT_TEST_PW", "--auth", "login"] + Mail.basic(),
            environment: Self.passwordEnvironment)
        let sessions = server.stop()
        try Self.expectDelivered(result, server)
        let lines = sessions.flatMap(\.lines)
        #expect(lines.contains { $0.uppercased() == "AUTH LOGIN" }, "lines: \(lines)")
        #expect(!lines.contains { $0.uppercased().hasPrefix("AUTH PLAIN") })
    }

    @Test("--auth plain: the PLAIN mechanism is used")
    func authPlain() async throws {
        let server = try TestServer { $0.authMechanisms = ["LOGIN", "PLAIN"] }
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + Self.login + ["--password-env", "SMTPKIT_TEST_PW", "--auth", "plain"] + Mail.basic(),
            environment: Self.passwordEnvironment)
        let sessions = server.stop()
        try Self.expectDelivered(result, server)
        #expect(sessions.flatMap(\.lines).contains { $0.uppercased().hasPrefix("AUTH PLAIN") })
    }

    @Test("--auth auto picks LOGIN when that is all the server offers")
    func authAutoLoginOnly() async throws {
        let server = try TestServer { $0.authMechanisms = ["LOGIN"] }
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + Self.login + ["--password-env", "SMTPKIT_TEST_PW"] + Mail.basic(),
            environment: Self.passwordEnvironment)
        let sessions = server.stop()
        try Self.expectDelivered(result, server)
        #expect(sessions.flatMap(\.lines).contains { $0.uppercased() == "AUTH LOGIN" })
    }

    @Test("--auth plain against a server that offers only LOGIN → 69")
    func mechanismNotOffered() async throws {
        let server = try TestServer { $0.authMechanisms = ["LOGIN"] }
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + Self.login + ["--password-env", "SMTPKIT_TEST_PW", "--auth", "plain"] + Mail.basic(),
            environment: Self.passwordEnvironment)
        #expect(result.status == 69, "\(result)")
        #expect(result.stderr.contains("LOGIN"), "\(result)")
        #expect(server.messages.isEmpty)
    }

    @Test("implicit TLS (--tls tls) with AUTH")
    func implicitTLS() async throws {
        let server = try TestServer { $0.tls = .implicit }
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + ["--tls", "tls"] + Self.login + ["--password-env", "SMTPKIT_TEST_PW"] + Mail.basic(),
            environment: Self.passwordEnvironment)
        try Self.expectDelivered(result, server)
    }

    @Test("STARTTLS without a login: encrypted, nobody authenticated")
    func startTLSNoAuth() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.tlsAddress + Mail.basic())
        #expect(result.status == 0, "\(result)")
        let message = try #require(server.messages.first, "\(result)")
        #expect(message.overTLS)
        #expect(message.authenticatedUser == nil)
    }

    @Test("--insecure-skip-verify: sent, with a warning on stderr")
    func insecureSkipVerify() async throws {
        let server = try TestServer { $0.identity = try TestCertificateAuthority.selfSigned() }
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.address + ["--insecure-skip-verify"] + Self.login + ["--password-env", "SMTPKIT_TEST_PW"] + Mail.basic(),
            environment: Self.passwordEnvironment)
        #expect(result.status == 0, "\(result)")
        let warning = result.stderr.lowercased()
        #expect(warning.contains("insecure") || warning.contains("not checked"), "\(result)")
        #expect(server.messages.first?.overTLS == true)
        #expect(!result.allOutput.contains(TestServer.password))
    }

    @Test("--tls none with --allow-plaintext-auth sends the login in clear (as asked)")
    func allowPlaintextAuth() async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.authRequiresTLS = false
        }
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.address + ["--tls", "none", "--allow-plaintext-auth"] + Self.login
                + ["--password-env", "SMTPKIT_TEST_PW"] + Mail.basic(),
            environment: Self.passwordEnvironment)
        #expect(result.status == 0, "\(result)")
        let message = try #require(server.messages.first, "\(result)")
        #expect(!message.overTLS)
        #expect(message.authenticatedUser == TestServer.user)
        #expect(!result.allOutput.contains(TestServer.password))
    }

    @Test("69: a login is asked for but the server offers no AUTH")
    func authNotOffered() async throws {
        let server = try TestServer { $0.authMechanisms = [] }
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + Self.login + ["--password-env", "SMTPKIT_TEST_PW"] + Mail.basic(),
            environment: Self.passwordEnvironment)
        #expect(result.status == 69, "\(result)")
        #expect(result.stderr.contains("AUTH"), "\(result)")
        #expect(server.messages.isEmpty, "never send unauthenticated when a login was asked for")
    }

    @Test("--auth none: no AUTH even with a user name and password source")
    func authNone() async throws {
        let server = try TestServer()
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + Self.login + ["--password-env", "SMTPKIT_TEST_PW", "--auth", "none"] + Mail.basic(),
            environment: Self.passwordEnvironment)
        let sessions = server.stop()
        #expect(result.status == 0, "\(result)")
        #expect(server.messages.first?.authenticatedUser == nil)
        #expect(!sessions.flatMap(\.lines).contains { $0.uppercased().hasPrefix("AUTH") })
    }
}
