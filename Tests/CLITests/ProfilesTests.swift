import Foundation
import SMTPKitServer
import Testing

/// `smtpkit profiles list|show` and `send --profile`: a config file with `[defaults]` and two
/// profiles, written to a temp dir; flags override the profile, the profile overrides `[defaults]`.
@Suite("profiles")
struct ProfilesTests {
    static let secretValue = "Sekrit-Value-9-Never-Shown"

    /// A config with `[defaults]`, a plain relay profile and a STARTTLS + AUTH profile,
    /// `default_profile = "relay"`. The relay's port is `relayPort`, the submission's `submissionPort`.
    static func config(relayPort: Int, submissionPort: Int, caFile: String = "ca.pem") -> String {
        """
        # test configuration
        default_profile = "relay"

        [defaults]
        timeout = 20
        from = "Alice <alice@example.org>"
        helo = "defaults.example.org"

        [profiles.relay]
        host = "127.0.0.1"
        port = \(relayPort)
        tls = "none"
        auth = "none"

        [profiles.submission]
        host = "127.0.0.1"
        port = \(submissionPort)
        tls = "starttls"
        ca_file = "\(caFile)"
        auth = "plain"
        user = "\(TestServer.user)"
        password_env = "SMTPKIT_PROFILE_PW"
        helo = "submission.example.org"
        """
    }

    @Test("profiles list --config F: both names, the default marked")
    func list() async throws {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("config.toml", Self.config(relayPort: 2525, submissionPort: 2587))
        let result = try await CLI.run(["profiles", "list", "--config", path])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdoutLines
        #expect(lines.contains("* relay"), "\(result)")
        #expect(lines.contains("  submission"), "\(result)")
        #expect(lines.firstIndex(of: "* relay")! < lines.firstIndex(of: "  submission")!, "file order: \(result)")
        #expect(result.stdout.contains(path), "the file in use should be named: \(result)")
    }

    @Test("profiles list with $SMTPKIT_CONFIG, and with the file in ~/.config/smtpkit of a HOME")
    func listFromEnvironmentAndHome() async throws {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("elsewhere.toml", Self.config(relayPort: 2525, submissionPort: 2587))
        let fromVariable = try await CLI.run(["profiles", "list"], environment: ["SMTPKIT_CONFIG": path])
        #expect(fromVariable.status == 0, "\(fromVariable)")
        #expect(fromVariable.stdoutLines.contains("* relay"), "\(fromVariable)")

        try FileManager.default.createDirectory(atPath: files.file("home/.config/smtpkit"), withIntermediateDirectories: true)
        try files.write("home/.config/smtpkit/config.toml", Self.config(relayPort: 2525, submissionPort: 2587))
        let fromHome = try await CLI.run(["profiles", "list"], environment: ["HOME": files.file("home")])
        #expect(fromHome.status == 0, "\(fromHome)")
        #expect(fromHome.stdoutLines.contains("  submission"), "\(fromHome)")
    }

    @Test("profiles list without any config file says so and exits 0")
    func listWithoutFile() async throws {
        let result = try await CLI.run(["profiles", "list"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("no config file"), "\(result)")
    }

    @Test("profiles list with a broken file → 78")
    func listBrokenFile() async throws {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("config.toml", "[profiles.a]\nhots = \"x\"\n")
        let result = try await CLI.run(["profiles", "list", "--config", path])
        #expect(result.status == 78, "\(result)")
        #expect(result.stderr.contains("\(path):2"), "\(result)")
    }

    @Test("SMTPKIT_CONFIG=F profiles show NAME: host, port, merged defaults; the secret hidden", arguments: [true, false])
    func show(passwordSet: Bool) async throws {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("config.toml", Self.config(relayPort: 2525, submissionPort: 2587))
        var environment = ["SMTPKIT_CONFIG": path]
        if passwordSet { environment["SMTPKIT_PROFILE_PW"] = Self.secretValue }
        let result = try await CLI.run(["profiles", "show", "submission"], environment: environment)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdoutLines
        #expect(lines.contains("host = 127.0.0.1"), "\(result)")
        #expect(lines.contains("port = 2587"), "\(result)")
        #expect(lines.contains("tls = starttls"), "\(result)")
        #expect(lines.contains("user = \(TestServer.user)"), "\(result)")
        #expect(lines.contains("timeout = 20"), "inherited from [defaults]: \(result)")
        #expect(lines.contains("helo = submission.example.org"), "the profile overrides [defaults]: \(result)")
        let passwordLine = try #require(lines.first { $0.hasPrefix("password_env = SMTPKIT_PROFILE_PW") }, "\(result)")
        if passwordSet {
            #expect(passwordLine.contains("set") && passwordLine.contains("hidden"), "\(passwordLine)")
        } else {
            #expect(passwordLine.contains("NOT set"), "\(passwordLine)")
        }
        #expect(!result.allOutput.contains(Self.secretValue), "the password was shown: \(result)")
        #expect(!result.allOutput.contains(Secrets.base64(Self.secretValue)), "\(result)")
    }

    @Test("profiles show with no name shows the default profile")
    func showDefault() async throws {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("config.toml", Self.config(relayPort: 2525, submissionPort: 2587))
        let result = try await CLI.run(["profiles", "show", "--config", path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines.contains("port = 2525"), "\(result)")
        #expect(result.stdoutLines.contains("tls = none"), "\(result)")
    }

    @Test("profiles show: a password command is shown, never run; a password file's mode is shown")
    func showOtherSources() async throws {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        try files.write("pw", Self.secretValue + "\n", mode: 0o644)
        let marker = files.file("command-ran")
        let path = try files.write("config.toml", """
            [profiles.cmd]
            host = "127.0.0.1"
            password_command = "touch \(marker); printf \(Self.secretValue)"

            [profiles.file]
            host = "127.0.0.1"
            password_file = "pw"
            """)
        let command = try await CLI.run(["profiles", "show", "cmd", "--config", path])
        #expect(command.status == 0, "\(command)")
        #expect(command.stdout.contains("password_command = touch"), "\(command)")
        #expect(!FileManager.default.fileExists(atPath: marker), "profiles show ran the password command")

        let file = try await CLI.run(["profiles", "show", "file", "--config", path])
        #expect(file.status == 0, "\(file)")
        #expect(file.stdout.contains("644"), "\(file)")
        #expect(file.stdout.contains("chmod 600"), "\(file)")
        #expect(!file.allOutput.contains(Self.secretValue), "\(file)")
    }

    @Test("profiles show: the default TLS mode follows the port (tls on 465, else starttls)", arguments: [
        (465, "tls"), (587, "starttls"), (25, "starttls"),
    ])
    func showDefaultTLS(port: Int, mode: String) async throws {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("config.toml", "[profiles.p]\nhost = \"mail.example.org\"\nport = \(port)\n")
        let result = try await CLI.run(["profiles", "show", "p", "--config", path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines.contains { $0.hasPrefix("tls = \(mode)") }, "\(result)")
    }

    @Test("profiles show resolves like send: the port for the mode, and why a profile cannot send as it is")
    func showResolves() async throws {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("config.toml", """
            [profiles.smtps]
            host = "mail.example.org"
            tls = "tls"

            [profiles.clear]
            host = "mail.example.org"
            tls = "none"
            user = "me"
            password_command = "touch \(files.file("ran"))"
            """)
        let smtps = try await CLI.run(["profiles", "show", "smtps", "--config", path])
        #expect(smtps.status == 0, "\(smtps)")
        #expect(smtps.stdoutLines.contains("port = 465  # default for tls tls"), "\(smtps)")
        #expect(!smtps.stdout.contains("cannot send"), "\(smtps)")
        let clear = try await CLI.run(["profiles", "show", "clear", "--config", path])
        #expect(clear.status == 0, "\(clear)")
        #expect(clear.stdout.contains("# cannot send as it is: refusing to send the password over an unencrypted connection"), "\(clear)")
        #expect(clear.stdout.contains("# hint: use --tls starttls or --tls tls"), "\(clear)")
        #expect(!FileManager.default.fileExists(atPath: files.file("ran")), "showing a profile runs no password command")
    }

    @Test("profiles show of an unknown name → 78 listing the names")
    func showUnknown() async throws {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("config.toml", Self.config(relayPort: 2525, submissionPort: 2587))
        let result = try await CLI.run(["profiles", "show", "nope", "--config", path])
        #expect(result.status == 78, "\(result)")
        #expect(result.stderr.contains("relay") && result.stderr.contains("submission"), "\(result)")
    }

    @Test("send --profile relay: the profile's host, port, tls and [defaults] from/helo are used")
    func sendWithProfile() async throws {
        let relay = try TestServer { $0.tls = .none }
        defer { relay.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("config.toml", Self.config(relayPort: relay.port, submissionPort: try deadPort()))
        let result = try await CLI.run(["send", "--profile", "relay", "--config", path, "--to", Mail.to, "--body", "via profile"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("127.0.0.1:\(relay.port)"), "\(result)")
        let message = try #require(relay.messages.first)
        #expect(message.mailFrom == "alice@example.org", "from comes from [defaults]")
        #expect(message.heloName == "defaults.example.org")
        #expect(Mail.body(message) == "via profile\r\n")
    }

    @Test("send with no --profile uses default_profile (from $SMTPKIT_CONFIG)")
    func sendWithDefaultProfile() async throws {
        let relay = try TestServer { $0.tls = .none }
        defer { relay.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("config.toml", Self.config(relayPort: relay.port, submissionPort: try deadPort()))
        let result = try await CLI.run(["send", "--to", Mail.to, "--body", "x"], environment: ["SMTPKIT_CONFIG": path])
        #expect(result.status == 0, "\(result)")
        #expect(relay.messages.count == 1)
    }

    @Test("--port on the command line overrides the profile's port")
    func flagOverridesProfile() async throws {
        let relay = try TestServer { $0.tls = .none }
        defer { relay.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        // The profile points at a port where nothing listens; only the flag can make this work.
        let path = try files.write("config.toml", Self.config(relayPort: try deadPort(), submissionPort: try deadPort()))
        let result = try await CLI.run(
            ["send", "--profile", "relay", "--config", path, "--port", String(relay.port), "--to", Mail.to, "--body", "x",
             "--from", "Override <override@example.org>", "--helo", "flag.example.org"])
        #expect(result.status == 0, "\(result)")
        let message = try #require(relay.messages.first)
        #expect(message.mailFrom == "override@example.org", "--from overrides [defaults]")
        #expect(message.heloName == "flag.example.org", "--helo overrides [defaults]")
    }

    @Test("send --profile submission: STARTTLS, the profile's CA file (relative to the config) and AUTH")
    func sendWithSubmissionProfile() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        try files.write("ca.pem", server.server.caCertificatePEM ?? "", mode: 0o644)
        let path = try files.write("config.toml", Self.config(relayPort: try deadPort(), submissionPort: server.port))
        let result = try await CLI.run(
            ["send", "--profile", "submission", "--config", path, "--to", Mail.to, "--body", "I love computer networks!"],
            environment: ["SMTPKIT_PROFILE_PW": TestServer.password])
        try SendTLSAuthTests.expectDelivered(result, server)
        #expect(server.messages.first?.heloName == "submission.example.org")
    }

    @Test("a relative --config: the profile's relative ca_file is found next to the config, not in the working directory")
    func relativeConfigPath() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        try FileManager.default.createDirectory(atPath: files.file("etc"), withIntermediateDirectories: true)
        try files.write("etc/ca.pem", server.server.caCertificatePEM ?? "", mode: 0o644)
        try files.write("etc/config.toml", Self.config(relayPort: try deadPort(), submissionPort: server.port))
        let result = try await CLI.run(
            ["send", "--config", "etc/config.toml", "--profile", "submission", "--to", Mail.to, "--body", "I love computer networks!"],
            environment: ["SMTPKIT_PROFILE_PW": TestServer.password], directory: files.path)
        try SendTLSAuthTests.expectDelivered(result, server)
    }

    @Test("--port 465 without --tls means implicit TLS (RFC 8314)", .enabled(if: getuid() == 0, "binding port 465 needs root"))
    func port465DefaultsToImplicitTLS() async throws {
        let server: TestServer
        do {
            server = try TestServer(port: 465) { $0.tls = .implicit }
        } catch {
            // Another run of this suite (or a real server) holds the port: skip, not fail.
            try Test.cancel("cannot listen on 127.0.0.1:465 (in use?): \(error)")
        }
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.tlsAddress + Mail.basic())
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("127.0.0.1:465 (TLSv1."), "\(result)")
        #expect(server.messages.first?.overTLS == true)
    }

    @Test("a flag password source replaces the profile's (--password-file over password_env)")
    func flagPasswordSourceOverridesProfile() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        try files.write("ca.pem", server.server.caCertificatePEM ?? "", mode: 0o644)
        let passwordFile = try files.write("pw", TestServer.password + "\n", mode: 0o600)
        let path = try files.write("config.toml", Self.config(relayPort: try deadPort(), submissionPort: server.port))
        // SMTPKIT_PROFILE_PW is not set: only the flag's source can give the password.
        let result = try await CLI.run(
            ["send", "--profile", "submission", "--config", path, "--password-file", passwordFile,
             "--to", Mail.to, "--body", "I love computer networks!"])
        try SendTLSAuthTests.expectDelivered(result, server)
    }

    @Test("--config wins over $SMTPKIT_CONFIG")
    func configFlagWinsOverVariable() async throws {
        let relay = try TestServer { $0.tls = .none }
        defer { relay.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let good = try files.write("good.toml", Self.config(relayPort: relay.port, submissionPort: try deadPort()))
        let bad = try files.write("bad.toml", "this is = not [valid toml\n")
        let result = try await CLI.run(
            ["send", "--config", good, "--to", Mail.to, "--body", "x"], environment: ["SMTPKIT_CONFIG": bad])
        #expect(result.status == 0, "\(result)")
        #expect(relay.messages.count == 1)
    }

    @Test("the user's real config is never read: a HOME without one gives no profile")
    func homeIsolated() async throws {
        let result = try await CLI.run(["profiles", "list"])
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("* "), "\(result)")
    }
}
