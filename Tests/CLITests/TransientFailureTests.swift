import Foundation
import SMTPKitServer
import Testing

/// Exit codes 75 (temporary: network, timeouts, 4xx, delivery status unknown), 76 (protocol
/// error) and 77 (authentication failed), each from the real failure it stands for.
@Suite("exit codes 75–77")
struct TransientFailureTests {
    static let plain = ExitCodeTests.plain

    static func expectFailure(_ result: CLIResult, _ code: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
        ExitCodeTests.expectFailure(result, code, sourceLocation: sourceLocation)
    }

    // MARK: 75

    /// A server that fails in a way that may pass: each is exit 75, nothing delivered.
    struct Temporary: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let fault: ServerFault
        var timeout = "5"
        var mentions: String?
    }

    @Test("75: temporary failures", arguments: [
        Temporary(testDescription: "a server that never greets (--timeout 1)", fault: .silence(at: .greeting), timeout: "1", mentions: "timed out"),
        Temporary(testDescription: "--timeout bounds the whole reply, not each byte (a dripping server)", fault: .drip(at: .ehlo, interval: 0.4), timeout: "2"),
        Temporary(testDescription: "a 451 to MAIL FROM", fault: .reply(to: .mail, lines: ["451 4.3.0 Temporary lookup failure"]), mentions: "Temporary lookup failure"),
        Temporary(testDescription: "the connection drops after the final dot: delivery status unknown", fault: .drop(at: .endOfData), mentions: "unknown"),
        Temporary(testDescription: "a 421 greeting", fault: .reply(to: .greeting, lines: ["421 4.3.2 Too busy, try later"]), mentions: "Too busy"),
        Temporary(testDescription: "no reply to the final dot within --timeout: delivery status unknown", fault: .silence(at: .endOfData), timeout: "1", mentions: "unknown"),
        Temporary(testDescription: "the server hangs up right after its greeting", fault: .drop(at: .ehlo)),
    ])
    func temporary(_ scenario: Temporary) async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.faults = [scenario.fault]
        }
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.address + Self.plain + ["--timeout", scenario.timeout] + Mail.basic())
        Self.expectFailure(result, 75)
        if let words = scenario.mentions { #expect(result.stderr.contains(words), "\(result)") }
        #expect(server.messages.isEmpty)
    }

    @Test("75: connection refused (nothing listening)")
    func connectionRefused() async throws {
        let port = try deadPort()
        let result = try await CLI.run(["send", "--host", "127.0.0.1", "--port", String(port)] + Self.plain + Mail.basic())
        Self.expectFailure(result, 75)
        #expect(result.stderr.contains("127.0.0.1"), "\(result)")
    }

    @Test("75: the server never answers STARTTLS")
    func silentStartTLS() async throws {
        let server = try TestServer { $0.faults = [.silence(at: .startTLS)] }
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.tlsAddress + ["--timeout", "1"] + Mail.basic())
        Self.expectFailure(result, 75)
        #expect(result.stderr.contains("timed out"), "\(result)")
    }

    @Test("the profile's timeout applies when no --timeout is given")
    func profileTimeout() async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.faults = [.silence(at: .greeting)]
        }
        defer { server.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("config.toml", """
            [defaults]
            timeout = 1

            [profiles.slow]
            host = "127.0.0.1"
            port = \(server.port)
            tls = "none"
            """)
        // Were the profile's 1 s ignored, RFC 5321's 5-minute greeting wait would run into the runner's limit.
        let result = try await CLI.run(["send", "--config", path, "--profile", "slow"] + Mail.basic(), limit: 20)
        Self.expectFailure(result, 75)
        #expect(result.stderr.contains("timed out"), "\(result)")
    }

    @Test("allow_partial = true in the profile works like --allow-partial")
    func profileAllowPartial() async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.refusedRecipients = ["nobody@example.net": "550 5.1.1 User unknown"]
        }
        defer { server.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("config.toml", """
            [profiles.relay]
            host = "127.0.0.1"
            port = \(server.port)
            tls = "none"
            allow_partial = true
            """)
        let result = try await CLI.run(
            ["send", "--config", path, "--profile", "relay"] + Mail.basic() + ["--to", "nobody@example.net"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("nobody@example.net"), "\(result)")
        #expect(server.messages.first?.recipients == ["bob@example.net"])
    }

    // MARK: 76

    @Test("76: a malformed EHLO reply", arguments: [
        ["250-smtpkit.test", "this is not a reply line"],
        ["250-smtpkit.test", "220 mixed codes"],
        ["25O smtpkit.test"],
        ["250-smtpkit.test", String(repeating: "x", count: 70_000)],
    ])
    func malformedEHLO(lines: [String]) async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.faults = [.reply(to: .ehlo, lines: lines)]
        }
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.address + Self.plain + ["--timeout", "5"] + Mail.basic())
        Self.expectFailure(result, 76)
        #expect(server.messages.isEmpty)
    }

    /// RFC 5321 §4.3.2 allows 250, 504, 550 and (old servers) 502 for EHLO: a 220 or a 354 is
    /// not a refusal but a reply that makes no sense here, a protocol error (contract: 76).
    @Test("76: a reply to EHLO that is not an error but makes no sense there", arguments: [
        ["354 go ahead"],
        ["220 smtpkit.test ESMTP again"],
        ["235 2.7.0 Authentication successful"],
    ])
    func unexpectedEHLOReply(lines: [String]) async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.faults = [.reply(to: .ehlo, lines: lines)]
        }
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.address + Self.plain + ["--timeout", "5"] + Mail.basic())
        Self.expectFailure(result, 76)
        #expect(!result.stderr.contains("rejected"), "a 2xx/3xx reply is not a rejection: \(result)")
        #expect(server.messages.isEmpty)
    }

    @Test("76: bytes injected after the STARTTLS reply")
    func startTLSInjection() async throws {
        let server = try TestServer { $0.faults = [.injectAfterStartTLS("250-injected\r\n")] }
        let result = try await CLI.run(["send"] + server.tlsAddress + Mail.basic())
        let sessions = server.stop()
        Self.expectFailure(result, 76)
        #expect(result.stderr.contains("STARTTLS"), "\(result)")
        #expect(!sessions.flatMap(\.lines).contains { $0.uppercased().hasPrefix("MAIL") })
    }

    // MARK: 77

    @Test("77: a wrong password, with the server's words", arguments: ["auto", "plain", "login"])
    func wrongPassword(auth: String) async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.tlsAddress + ["--user", TestServer.user, "--password-env", "PW", "--auth", auth] + Mail.basic(),
            environment: ["PW": "wrong-password-123"])
        Self.expectFailure(result, 77)
        #expect(result.stderr.contains("535"), "\(result)")
        #expect(result.stderr.contains("authentication failed: authentication failure"), "the server's words: \(result)")
        #expect(!result.allOutput.contains("wrong-password-123"), "\(result)")
        #expect(server.messages.isEmpty)
    }

}
