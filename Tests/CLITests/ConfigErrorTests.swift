import Foundation
import SMTPKitServer
import Testing

/// Exit 78 (EX_CONFIG): bad config files, unknown profiles, refused password sources, and
/// credentials that would travel in clear — each found before anything reaches a server.
@Suite("configuration errors (78)")
struct ConfigErrorTests {
    /// Runs `send` with the config file `text` (written to a temp dir) against `server`.
    static func send(config text: String, server: TestServer, extra: [String] = [], environment: [String: String] = [:])
        async throws -> (CLIResult, path: String) {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("config.toml", text)
        let result = try await CLI.run(
            ["send", "--config", path] + server.address + ["--tls", "none"] + Mail.basic() + extra, environment: environment)
        return (result, path)
    }

    static func expectConfigError(_ result: CLIResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 78, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("error"), "\(result)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(result)", sourceLocation: sourceLocation)
    }

    @Test("an unknown key: file:line and the key in stderr", arguments: [
        ("[defaults]\ntimeout = 30\n\n[profiles.work]\nhost = \"127.0.0.1\"\nhots = \"x\"\n", 6, "hots"),
        ("[defaults]\ntimeuot = 30\n", 2, "timeuot"),
        ("colour = \"blue\"\n[defaults]\n", 1, "colour"),
        ("[profiles.work]\nport = 25\npasword_env = \"PW\"\n", 3, "pasword_env"),
    ])
    func unknownKey(text: String, line: Int, key: String) async throws {
        let server = try TestServer { $0.tls = .none }
        let (result, path) = try await Self.send(config: text, server: server)
        let sessions = server.stop()
        Self.expectConfigError(result)
        #expect(result.stderr.contains("\(path):\(line)"), "file:line expected: \(result)")
        #expect(result.stderr.contains(key), "\(result)")
        #expect(sessions.isEmpty, "a bad config file stops everything before connecting")
    }

    @Test("a wrong type: file:line and the key")
    func wrongType() async throws {
        let server = try TestServer { $0.tls = .none }
        defer { server.stop() }
        let (result, path) = try await Self.send(config: "[defaults]\n\nport = \"587\"\n", server: server)
        Self.expectConfigError(result)
        #expect(result.stderr.contains("\(path):3"), "\(result)")
        #expect(result.stderr.contains("port"), "\(result)")
    }

    @Test("invalid TOML: file and line")
    func syntaxError() async throws {
        let server = try TestServer { $0.tls = .none }
        defer { server.stop() }
        let (result, path) = try await Self.send(config: "[defaults]\ntimeout = 30\nhost = \n", server: server)
        Self.expectConfigError(result)
        #expect(result.stderr.contains(path), "\(result)")
    }

    @Test("a literal password is refused, and its value never printed", arguments: [
        "[profiles.work]\nhost = \"127.0.0.1\"\npassword = \"hunter2-literal\"\n",
        "[defaults]\npassword = \"hunter2-literal\"\n",
    ])
    func literalPassword(text: String) async throws {
        let server = try TestServer { $0.tls = .none }
        let (result, path) = try await Self.send(config: text, server: server)
        let sessions = server.stop()
        Self.expectConfigError(result)
        #expect(result.stderr.contains(path), "\(result)")
        #expect(result.stderr.contains("password"), "\(result)")
        #expect(result.stderr.contains("password_env") || result.stderr.contains("password_command"), "the way out: \(result)")
        #expect(!result.allOutput.contains("hunter2-literal"), "the literal password was printed: \(result)")
        #expect(sessions.isEmpty)
    }

    @Test("an unknown --profile lists the available names")
    func unknownProfile() async throws {
        let server = try TestServer { $0.tls = .none }
        defer { server.stop() }
        let text = "[profiles.campus]\nhost = \"127.0.0.1\"\n\n[profiles.office]\nhost = \"127.0.0.1\"\n"
        let (result, _) = try await Self.send(config: text, server: server, extra: ["--profile", "ofice"])
        Self.expectConfigError(result)
        #expect(result.stderr.contains("ofice"), "\(result)")
        #expect(result.stderr.contains("campus"), "\(result)")
        #expect(result.stderr.contains("office"), "\(result)")
    }

    @Test("default_profile naming a missing profile")
    func unknownDefaultProfile() async throws {
        let server = try TestServer { $0.tls = .none }
        defer { server.stop() }
        let (result, path) = try await Self.send(
            config: "default_profile = \"nope\"\n[profiles.campus]\nhost = \"127.0.0.1\"\n", server: server)
        Self.expectConfigError(result)
        #expect(result.stderr.contains("\(path):1"), "\(result)")
        #expect(result.stderr.contains("campus"), "\(result)")
    }

    @Test("--profile without any config file")
    func profileWithoutConfigFile() async throws {
        let result = try await CLI.run(["send", "--profile", "work"] + Mail.basic())
        Self.expectConfigError(result)
        #expect(result.stderr.contains("work"), "\(result)")
    }

    @Test("--config naming a missing file, and $SMTPKIT_CONFIG naming one")
    func missingConfigFile() async throws {
        let flag = try await CLI.run(["send", "--config", "/nonexistent/smtpkit.toml", "--host", "127.0.0.1"] + Mail.basic())
        Self.expectConfigError(flag)
        #expect(flag.stderr.contains("/nonexistent/smtpkit.toml"), "\(flag)")
        let variable = try await CLI.run(
            ["send", "--host", "127.0.0.1"] + Mail.basic(), environment: ["SMTPKIT_CONFIG": "/nonexistent/env.toml"])
        Self.expectConfigError(variable)
        #expect(variable.stderr.contains("/nonexistent/env.toml"), "\(variable)")
    }

    @Test("--tls none + a login without --allow-plaintext-auth: 78, and the server saw no connection at all")
    func plaintextAuthRefused() async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.authRequiresTLS = false
        }
        let result = try await CLI.run(
            ["send"] + server.address + ["--tls", "none", "--user", "u", "--password-env", "P"] + Mail.basic(),
            environment: ["P": TestServer.password])
        let sessions = server.stop()
        Self.expectConfigError(result)
        #expect(result.stderr.contains("--allow-plaintext-auth"), "the way out: \(result)")
        #expect(sessions.isEmpty, "no connection may be made: \(sessions)")
        #expect(!result.allOutput.contains(TestServer.password))
    }

    @Test("the same refusal when the profile says tls = none and user = …")
    func plaintextAuthRefusedFromProfile() async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.authRequiresTLS = false
        }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("config.toml", """
            [profiles.relay]
            host = "127.0.0.1"
            port = \(server.port)
            tls = "none"
            user = "u"
            password_command = "touch \(files.file("ran")); printf x"
            """)
        let result = try await CLI.run(["send", "--config", path, "--profile", "relay"] + Mail.basic())
        let sessions = server.stop()
        Self.expectConfigError(result)
        #expect(sessions.isEmpty, "no connection may be made")
        #expect(!FileManager.default.fileExists(atPath: files.file("ran")), "the password command must not run for a password that will not be sent")
    }

    @Test("a password file in the profile readable by others → 78 with chmod 600")
    func insecurePasswordFileInProfile() async throws {
        let server = try TestServer()
        let files = try TemporaryDirectory()
        defer { files.remove() }
        try files.write("pw", TestServer.password + "\n", mode: 0o644)
        try files.write("ca.pem", server.server.caCertificatePEM ?? "", mode: 0o644)
        let path = try files.write("config.toml", """
            [profiles.sub]
            host = "127.0.0.1"
            port = \(server.port)
            ca_file = "ca.pem"
            user = "\(TestServer.user)"
            password_file = "pw"
            """)
        let result = try await CLI.run(["send", "--config", path, "--profile", "sub"] + Mail.basic())
        let sessions = server.stop()
        Self.expectConfigError(result)
        #expect(result.stderr.contains("chmod 600"), "\(result)")
        #expect(!result.allOutput.contains(TestServer.password))
        #expect(!sessions.contains { $0.lines.contains { $0.hasPrefix("AUTH") } }, "no AUTH without a password: \(sessions)")
    }

    @Test("a user name with no password source and no terminal → 78")
    func userWithoutPassword() async throws {
        let server = try TestServer()
        let result = try await CLI.run(["send"] + server.tlsAddress + ["--user", TestServer.user] + Mail.basic())
        let sessions = server.stop()
        Self.expectConfigError(result)
        #expect(result.stderr.contains("--password-env"), "the way out: \(result)")
        #expect(sessions.isEmpty)
    }

    @Test("a --ca-file that does not exist is a configuration error, not a certificate rejection")
    func missingCAFile() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.address + ["--ca-file", "/nonexistent/ca.pem"] + Mail.basic())
        #expect(result.status == 78, "\(result)")
        #expect(result.stderr.contains("/nonexistent/ca.pem"), "\(result)")
        #expect(server.messages.isEmpty)
    }
}
