import Foundation
import SMTPKitServer
import Testing

/// `-v`: the dialogue on stderr in swaks' format, the password never shown in any form.
@Suite("-v transcript")
struct TranscriptTests {
    static let environment = ["SMTPKIT_TEST_PW": TestServer.password]

    static func verboseSend(_ server: TestServer, auth: String, flag: String = "-v") async throws -> CLIResult {
        try await CLI.run(
            ["send", flag] + server.tlsAddress
                + ["--user", TestServer.user, "--password-env", "SMTPKIT_TEST_PW", "--auth", auth] + Mail.basic(),
            environment: environment)
    }

    @Test("STARTTLS + AUTH PLAIN: the dialogue, masked", arguments: ["-v", "--verbose"])
    func plain(flag: String) async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try await Self.verboseSend(server, auth: "plain", flag: flag)
        #expect(result.status == 0, "\(result)")
        let lines = result.stderr.components(separatedBy: "\n")
        // In clear before STARTTLS …
        #expect(lines.contains { $0.hasPrefix("<-  220 ") }, "\(result)")
        #expect(lines.contains { $0.hasPrefix(" -> EHLO ") }, "\(result)")
        #expect(lines.contains { $0.hasPrefix(" -> STARTTLS") }, "\(result)")
        // … encrypted after it.
        #expect(lines.contains { $0.hasPrefix(" ~> EHLO ") }, "\(result)")
        #expect(lines.contains { $0.contains("~> AUTH PLAIN ****") }, "\(result)")
        #expect(lines.contains { $0.hasPrefix("<~  235") }, "\(result)")
        #expect(lines.contains { $0.hasPrefix(" ~> MAIL FROM:<alice@example.org>") }, "\(result)")
        #expect(lines.contains { $0.hasPrefix("<~  250") }, "\(result)")
        #expect(!lines.contains { $0.hasPrefix(" -> MAIL") || $0.hasPrefix(" -> AUTH") }, "nothing after STARTTLS may be in clear: \(result)")
        // Order: STARTTLS before the encrypted EHLO.
        let startTLS = try #require(lines.firstIndex { $0.hasPrefix(" -> STARTTLS") })
        let secondEHLO = try #require(lines.firstIndex { $0.hasPrefix(" ~> EHLO ") })
        #expect(startTLS < secondEHLO)
        // The summary stays alone on stdout.
        #expect(result.stdoutLines.count == 1 && result.stdout.hasPrefix("sent to 1 recipient "), "\(result)")
        for secret in Secrets.forms {
            #expect(!result.allOutput.contains(secret), "leaked \(secret): \(result)")
        }
    }

    @Test("AUTH LOGIN: neither the user's base64 response nor the password's is shown unmasked")
    func login() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try await Self.verboseSend(server, auth: "login")
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("~> AUTH LOGIN"), "\(result)")
        #expect(result.stderr.contains("<~  334 "), "\(result)")
        #expect(result.stderr.contains("****"), "\(result)")
        for secret in Secrets.forms {
            #expect(!result.allOutput.contains(secret), "leaked \(secret): \(result)")
        }
    }

    @Test("a failed login with -v still masks the password")
    func failedLogin() async throws {
        let server = try TestServer { $0.users = [TestServer.user: "a different password"] }
        defer { server.stop() }
        let result = try await Self.verboseSend(server, auth: "plain")
        #expect(result.status == 77, "\(result)")
        #expect(result.stderr.contains("<~  535"), "\(result)")
        for secret in Secrets.forms {
            #expect(!result.allOutput.contains(secret), "leaked \(secret): \(result)")
        }
    }

    @Test("probe -v shows the dialogue on stderr")
    func probeVerbose() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try await CLI.run(["probe", "-v"] + server.tlsAddress)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains(" -> EHLO "), "\(result)")
        #expect(result.stderr.contains(" -> STARTTLS"), "\(result)")
        #expect(result.stderr.contains(" ~> EHLO "), "\(result)")
        #expect(!result.stderr.contains("> AUTH"), "probe never logs in: \(result)")
        #expect(!result.stderr.contains("> MAIL"), "probe never sends: \(result)")
        #expect(result.stderr.contains(" ~> QUIT"), "\(result)")
    }
}
