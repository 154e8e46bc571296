import Foundation
import SMTPKitServer
import Testing

/// The library's error says what happened in its own words; the CLI adds, on a
/// `smtpkit: hint:` line, the flag or file that gets the user further (CLIAdvice).
@Suite("CLI advice: flags in the hint, never in the library's text")
struct CLIAdviceTests {
    struct Scenario: Sendable, CustomTestStringConvertible {
        let testDescription: String
        var server: @Sendable (inout ServerConfiguration) -> Void = { $0.tls = .none }
        /// Arguments after `send --host … --port …`, before the message.
        var arguments: [String] = []
        var withCA = false
        /// The library's own words, on the error line.
        let says: String
        /// The CLI's advice, on the hint line.
        let hint: String
    }

    @Test("the hint names the flag; the error line names none", arguments: [
        Scenario(testDescription: "STARTTLS not offered", says: "does not offer STARTTLS, and TLS is required",
                 hint: "use --tls none to send unencrypted (or --tls tls if it speaks implicit TLS, usually on port 465)"),
        Scenario(testDescription: "a password over plaintext",
                 arguments: ["--tls", "none", "--user", TestServer.user, "--password-env", "PW"],
                 says: "refusing to send the password over an unencrypted connection",
                 hint: "use --tls starttls or --tls tls, or pass --allow-plaintext-auth"),
        Scenario(testDescription: "a server that never greets",
                 server: { $0.tls = .none; $0.faults = [.silence(at: .greeting)] },
                 arguments: ["--tls", "none", "--timeout", "1"], says: "timed out after 1 s",
                 hint: "raise --timeout to wait longer"),
        Scenario(testDescription: "implicit TLS asked of a plain server", arguments: ["--tls", "tls", "--timeout", "5"],
                 says: "speak implicit TLS (RFC 8314 §3.3)? If the server greets in clear, use STARTTLS",
                 hint: "use --tls starttls (usually port 587) or --tls none"),
        Scenario(testDescription: "an untrusted certificate", server: { _ in },
                 says: "was rejected", hint: "pass its CA with --ca-file (or, insecurely, --insecure-skip-verify)"),
        Scenario(testDescription: "one refused recipient",
                 server: { $0.tls = .none; $0.refusedRecipients = ["nobody@example.net": "550 5.1.1 User unknown"] },
                 arguments: ["--tls", "none", "--to", "nobody@example.net"],
                 says: "1 of 2 recipients refused, so nothing was sent", hint: "use --allow-partial to send to the others"),
        Scenario(testDescription: "a --config file that does not exist",
                 arguments: ["--tls", "none", "--config", "/nonexistent/smtpkit.toml"],
                 says: "/nonexistent/smtpkit.toml: config file not found. Check the path.",
                 hint: "check the path given with --config; Configs/config.toml in the SMTPKit repository"),
    ])
    func hint(_ scenario: Scenario) async throws {
        let server = try TestServer(scenario.server)
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.address + scenario.arguments + Mail.basic(), environment: ["PW": TestServer.password])
        #expect(result.status != 0, "\(result)")
        let parts = result.stderr.components(separatedBy: "smtpkit: hint: ")
        try #require(parts.count == 2, "one hint line: \(result)")
        let error = parts[0]
        #expect(error.hasPrefix("smtpkit: error: "), "\(result)")
        #expect(error.contains(scenario.says), "the library's words: \(result)")
        #expect(!error.contains(" --") && !error.contains("Configs/"), "no flag or file in the library's text: \(result)")
        #expect(parts[1].contains(scenario.hint), "\(result)")
    }

    @Test("an error without CLI advice gets no hint line")
    func noHintWhenNoAdvice() async throws {
        let server = try TestServer { $0.tls = .none; $0.faults = [.reply(to: .mail, lines: ["554 5.7.1 Sender rejected"])] }
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.address + ["--tls", "none"] + Mail.basic())
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("smtpkit: error: the server rejected MAIL FROM:"), "\(result)")
        #expect(!result.stderr.contains("smtpkit: hint:"), "\(result)")
    }
}
