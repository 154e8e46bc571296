import Foundation
import SMTPKitServer
import Testing

/// Exit codes 65 (rejected: recipients, sender, message, size), 66 (input file), 68 (host
/// not found) and 69 (TLS or AUTH unavailable, certificate rejected), each from the real
/// failure it stands for, with the text a user needs on stderr and no "sent" on stdout.
@Suite("exit codes 65–69")
struct ExitCodeTests {
    static let plain = ["--tls", "none"]

    /// Common checks of a failed send: the code, an error line on stderr, no "sent" on stdout.
    static func expectFailure(_ result: CLIResult, _ code: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == code, "\(result)", sourceLocation: sourceLocation)
        #expect(!result.killed, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("error"), "\(result)", sourceLocation: sourceLocation)
        #expect(!result.stdout.contains("sent to"), "\(result)", sourceLocation: sourceLocation)
    }

    // MARK: 65

    @Test("65: one refused recipient → nothing delivered, the address listed")
    func refusedRecipient() async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.refusedRecipients = ["nobody@example.net": "550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown"]
        }
        let result = try await CLI.run(
            ["send"] + server.address + Self.plain + Mail.basic() + ["--to", "nobody@example.net"])
        let sessions = server.stop()
        Self.expectFailure(result, 65)
        #expect(result.stderr.contains("nobody@example.net"), "\(result)")
        #expect(result.stderr.contains("User unknown"), "the server's words: \(result)")
        #expect(result.stderr.contains("--allow-partial"), "the way out: \(result)")
        #expect(server.messages.isEmpty, "nothing may be delivered")
        // A pipelined DATA that got 354 can only be left by dropping the connection (no final
        // dot, so nothing is delivered); without a 354 the transaction is undone with RSET.
        let session = try #require(sessions.first)
        if session.lines.contains("DATA") && !session.lines.contains(where: { $0.uppercased() == "RSET" }) {
            #expect(session.ending == "closed during DATA", "session ended: \(session.ending)")
        }
    }

    @Test("--allow-partial: 0, delivered to the others, a warning naming the refused one")
    func allowPartial() async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.refusedRecipients = ["nobody@example.net": "550 5.1.1 User unknown"]
        }
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.address + Self.plain + Mail.basic() + ["--to", "nobody@example.net", "--allow-partial"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("sent to 1 recipient "), "\(result)")
        #expect(result.stderr.contains("warning"), "\(result)")
        #expect(result.stderr.contains("nobody@example.net"), "\(result)")
        let message = try #require(server.messages.first)
        #expect(message.recipients == ["bob@example.net"])
    }

    @Test("--allow-partial when every recipient is refused → 65")
    func allowPartialAllRefused() async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.refusedRecipients = ["bob@example.net": "550 5.1.1 User unknown"]
        }
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.address + Self.plain + Mail.basic() + ["--allow-partial"])
        Self.expectFailure(result, 65)
        #expect(server.messages.isEmpty)
    }

    @Test("a recipient refused only for now (450) → 75")
    func temporarilyRefusedRecipient() async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.refusedRecipients = ["later@example.net": "450 4.2.1 Mailbox busy"]
        }
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.address + Self.plain + Mail.basic() + ["--to", "later@example.net"])
        Self.expectFailure(result, 75)
        #expect(result.stderr.contains("later@example.net"), "\(result)")
        #expect(server.messages.isEmpty)
    }

    @Test("65: 5xx to MAIL FROM, or to the final dot", arguments: [
        (ServerEvent.mail, "550 5.7.1 Sender address rejected: not owned by user"),
        (ServerEvent.endOfData, "554 5.6.0 Message content rejected"),
        (ServerEvent.data, "554 5.5.1 No valid recipients"),
    ])
    func permanentRejection(event: ServerEvent, reply: String) async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.faults = [.reply(to: event, lines: [reply])]
        }
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.address + Self.plain + Mail.basic())
        Self.expectFailure(result, 65)
        #expect(result.stderr.contains(String(reply.dropFirst(4))), "the server's words: \(result)")
        #expect(server.messages.isEmpty)
    }

    @Test("65: a message larger than the server's SIZE limit is not sent at all")
    func messageTooLarge() async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.sizeLimit = 200
        }
        let result = try await CLI.run(
            ["send"] + server.address + Self.plain + Mail.basic(body: String(repeating: "0123456789\n", count: 100)))
        let sessions = server.stop()
        Self.expectFailure(result, 65)
        #expect(result.stderr.contains("200"), "the limit should be named: \(result)")
        #expect(!sessions.flatMap(\.lines).contains { $0.uppercased().hasPrefix("MAIL") }, "refused before MAIL")
    }

    @Test("65: a non-ASCII address when the server does not offer SMTPUTF8")
    func smtpUTF8Required() async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.smtpUTF8 = false
        }
        let result = try await CLI.run(
            ["send"] + server.address + Self.plain + ["--from", Mail.from, "--to", "bjørn@example.no", "--body", "x"])
        let sessions = server.stop()
        Self.expectFailure(result, 65)
        #expect(result.stderr.contains("bjørn@example.no"), "\(result)")
        #expect(result.stderr.contains("SMTPUTF8"), "\(result)")
        #expect(!sessions.flatMap(\.lines).contains { $0.uppercased().hasPrefix("MAIL") })
    }

    @Test("a --message-file line over 998 octets is refused (65) with its line number, never sent")
    func messageFileLineTooLong() async throws {
        let server = try TestServer { $0.tls = .none }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("long.eml", "Subject: long\n\nshort\n" + String(repeating: "y", count: 1200) + "\n")
        let result = try await CLI.run(
            ["send"] + server.address + Self.plain + ["--from", "alice@example.org", "--to", Mail.to, "--message-file", path])
        server.stop()
        Self.expectFailure(result, 65)
        #expect(result.stderr.contains("4"), "line 4 should be named: \(result)")
        #expect(server.messages.isEmpty)
    }

    @Test("65: the server requires AUTH (530 to MAIL) and no login was given; the server's words shown")
    func authenticationRequired() async throws {
        let server = try TestServer { $0.requireAuthentication = true }
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.tlsAddress + Mail.basic())
        Self.expectFailure(result, 65)
        #expect(result.stderr.contains("Authentication required"), "\(result)")
        #expect(server.messages.isEmpty)
    }
    // MARK: 66

    @Test("66: an unreadable --body-file or --message-file", arguments: ["--body-file", "--message-file"])
    func unreadableInput(flag: String) async throws {
        let server = try TestServer { $0.tls = .none }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        for path in [files.file("missing.txt"), files.path] {
            let result = try await CLI.run(
                ["send"] + server.address + Self.plain + ["--from", "alice@example.org", "--to", Mail.to, flag, path])
            Self.expectFailure(result, 66)
            #expect(result.stderr.contains(path), "the file should be named: \(result)")
        }
        let sessions = server.stop()
        #expect(server.messages.isEmpty)
        if flag == "--body-file" { #expect(sessions.isEmpty, "the body is read before connecting") }
    }

    // MARK: 68

    @Test("68: a host name that does not exist")
    func hostNotFound() async throws {
        let result = try await CLI.run(["send", "--host", "nonexistent.invalid", "--port", "2525"] + Self.plain + Mail.basic())
        Self.expectFailure(result, 68)
        #expect(result.stderr.contains("nonexistent.invalid"), "\(result)")
    }

    // MARK: 69

    @Test("69: STARTTLS required (the default) but not offered; stderr says --tls none")
    func startTLSNotOffered() async throws {
        let server = try TestServer { $0.tls = .none }
        let result = try await CLI.run(["send"] + server.address + Mail.basic())
        let sessions = server.stop()
        Self.expectFailure(result, 69)
        #expect(result.stderr.contains("--tls none"), "\(result)")
        #expect(result.stderr.contains("STARTTLS"), "\(result)")
        #expect(server.messages.isEmpty)
        #expect(!sessions.flatMap(\.lines).contains { $0.uppercased().hasPrefix("MAIL") }, "never continue in clear")
    }

    @Test("69: STARTTLS answered with a permanent error; never continue in clear")
    func startTLSRefusedPermanently() async throws {
        let server = try TestServer { $0.faults = [.reply(to: .startTLS, lines: ["554 5.7.3 TLS not available"])] }
        let result = try await CLI.run(["send"] + server.tlsAddress + Mail.basic())
        let sessions = server.stop()
        Self.expectFailure(result, 69)
        #expect(result.stderr.contains("TLS not available"), "\(result)")
        #expect(!sessions.flatMap(\.lines).contains { $0.uppercased().hasPrefix("MAIL") })
    }

    @Test("a 454 to STARTTLS (temporary) → 75 per CLIError's mapping; never continue in clear")
    func startTLSRefusedTemporarily() async throws {
        let server = try TestServer { $0.faults = [.reply(to: .startTLS, lines: ["454 4.7.0 TLS not available due to temporary reason"])] }
        let result = try await CLI.run(["send"] + server.tlsAddress + Mail.basic())
        let sessions = server.stop()
        Self.expectFailure(result, 75)
        #expect(!sessions.flatMap(\.lines).contains { $0.uppercased().hasPrefix("MAIL") })
    }

    @Test("69: a self-signed certificate without --ca-file; stderr names the certificate")
    func selfSigned() async throws {
        let server = try TestServer { $0.identity = try TestCertificateAuthority.selfSigned() }
        let result = try await CLI.run(
            ["send"] + server.address + ["--user", TestServer.user, "--password-env", "PW"] + Mail.basic(),
            environment: ["PW": TestServer.password])
        let sessions = server.stop()
        Self.expectFailure(result, 69)
        #expect(result.stderr.lowercased().contains("certificate"), "\(result)")
        #expect(result.stderr.contains("--ca-file"), "the way out: \(result)")
        #expect(!sessions.flatMap(\.lines).contains { $0.uppercased().hasPrefix("AUTH") }, "no AUTH after a failed handshake")
        #expect(server.messages.isEmpty)
    }

    @Test("69: the server's own test CA, not given with --ca-file, is not trusted")
    func untrustedCA() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.address + Mail.basic())
        Self.expectFailure(result, 69)
        #expect(result.stderr.lowercased().contains("certificate"), "\(result)")
    }

    @Test("69: a certificate for another host name")
    func wrongHostName() async throws {
        let authority = try TestCertificateAuthority()
        let identity = try authority.issue(names: ["mail.example.com"])
        let server = try TestServer { $0.identity = identity }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let ca = try files.write("ca.pem", authority.certificatePEM, mode: 0o644)
        let result = try await CLI.run(["send"] + server.address + ["--ca-file", ca] + Mail.basic())
        server.stop()
        Self.expectFailure(result, 69)
        #expect(result.stderr.lowercased().contains("certificate"), "\(result)")
        #expect(server.messages.isEmpty)
    }

    @Test("69: implicit TLS asked of a plain server fails the handshake")
    func implicitTLSAgainstPlain() async throws {
        let server = try TestServer { $0.tls = .none }
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.address + ["--tls", "tls", "--timeout", "5"] + Mail.basic())
        Self.expectFailure(result, 69)
        #expect(server.messages.isEmpty)
    }

}
