import Foundation
import Testing

/// Exit 64 (EX_USAGE): what is wrong with the command line is found before any connection,
/// so none of these needs a server — the host is a port where nothing listens, and a run that
/// got as far as connecting would exit 75 instead.
@Suite("usage errors (64)")
struct UsageTests {
    /// A server address where nothing listens: reaching the network would give 75, not 64.
    static func unreachable() throws -> [String] {
        ["--host", "127.0.0.1", "--port", String(try deadPort()), "--tls", "none"]
    }

    @Test("no recipient at all")
    func noRecipient() async throws {
        let result = try await CLI.run(["send"] + (try Self.unreachable()) + ["--from", Mail.from, "--body", "x"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("recipient"), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }

    @Test("bad numbers and combinations", arguments: [
        (["--port", "0"], "--port"),
        (["--port", "65536"], "--port"),
        (["--port", "-5"], "port"),
        (["--port", "abc"], "port"),
        (["--timeout", "-1"], "--timeout"),
        (["--timeout", "0"], "--timeout"),
        (["--tls", "ssl"], "tls"),
        (["--auth", "cram-md5"], "auth"),
        (["--body", "x", "--body-file", "y"], "--body"),
        (["--body", "x", "--message-file", "y"], "--message-file"),
        (["--password-env", "A", "--password-file", "B"], "--password"),
        (["--subject", "Hi", "--message-file", "m.eml"], "--subject"),
        (["--no-such-flag"], "no-such-flag"),
    ])
    func badArguments(extra: [String], mentioned: String) async throws {
        // Put the extra flags last so that "--port 0" overrides the unreachable port.
        var arguments = ["send", "--host", "127.0.0.1", "--tls", "none", "--from", Mail.from, "--to", Mail.to]
        if !extra.contains("--body") && !extra.contains("--message-file") && !extra.contains("--body-file") {
            arguments += ["--body", "x"]
        }
        arguments += ["--port", String(try deadPort())] + extra
        let result = try await CLI.run(arguments)
        #expect(result.status == 64, "\(extra): \(result)")
        #expect(result.stderr.contains(mentioned), "\(extra) should be named: \(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }

    @Test("an invalid address is shown back", arguments: [
        ("--to", "not an address"),
        ("--to", "bob@"),
        ("--cc", "carol at example.com"),
        ("--bcc", "<dave@example.net"),
        ("--from", "alice@@example.org"),
    ])
    func invalidAddress(flag: String, address: String) async throws {
        var arguments = ["send"] + (try Self.unreachable()) + ["--body", "x"]
        arguments += flag == "--from" ? ["--from", address, "--to", Mail.to] : ["--from", Mail.from, flag, address]
        let result = try await CLI.run(arguments)
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains(address), "the bad address should be quoted back: \(result)")
        #expect(result.stderr.contains(flag), "the flag should be named: \(result)")
    }

    /// `--to ""` (or a list with no address in it) leaves the envelope empty: that is the
    /// "missing --to" usage error, and like every usage error it must stop the run before
    /// anything is sent to a server (and before a password is fetched).
    @Test("--to with no address in it → 64 before connecting", arguments: ["", ",", " , ", "Undisclosed recipients:;"])
    func emptyRecipientList(to: String) async throws {
        let server = try TestServer { $0.tls = .none }
        let result = try await CLI.run(["send"] + server.address + ["--tls", "none", "--from", Mail.from, "--to", to, "--body", "x"])
        let sessions = server.stop()
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("recipient"), "\(result)")
        #expect(server.messages.isEmpty)
        #expect(sessions.isEmpty, "a usage error must be found before connecting; the server saw: \(sessions.map(\.lines))")
    }

    @Test("no sender: neither --from nor a profile's from")
    func noSender() async throws {
        let result = try await CLI.run(["send"] + (try Self.unreachable()) + ["--to", Mail.to, "--body", "x"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("--from"), "\(result)")
    }

    @Test("no server: neither --host nor a profile")
    func noHost() async throws {
        let result = try await CLI.run(["send", "--from", Mail.from, "--to", Mail.to, "--body", "x"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("--host"), "\(result)")
    }

    @Test("a CR LF in the subject is refused, not turned into a header")
    func headerInjection() async throws {
        let server = try TestServer { $0.tls = .none }
        let result = try await CLI.run(
            ["send"] + server.address + ["--tls", "none", "--from", Mail.from, "--to", Mail.to,
                                          "--subject", "Hi\r\nBcc: evil@example.com", "--body", "x"])
        let sessions = server.stop()
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.lowercased().contains("subject"), "the field should be named: \(result)")
        #expect(server.messages.isEmpty)
        #expect(!sessions.flatMap(\.lines).contains { $0.lowercased().contains("evil@example.com") })
    }

    @Test("a CR LF in an address is refused before anything is sent")
    func addressInjection() async throws {
        let server = try TestServer { $0.tls = .none }
        let result = try await CLI.run(
            ["send"] + server.address + ["--tls", "none", "--from", Mail.from,
                                          "--to", "bob@example.net>\r\nRCPT TO:<evil@example.com", "--body", "x"])
        let sessions = server.stop()
        #expect(result.status == 64, "\(result)")
        #expect(server.messages.isEmpty)
        #expect(!sessions.flatMap(\.lines).contains { $0.contains("evil@example.com") })
    }

    @Test("--auth plain without a user name")
    func authWithoutUser() async throws {
        let result = try await CLI.run(["send"] + (try Self.unreachable()) + Mail.basic() + ["--auth", "plain"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("--user"), "\(result)")
    }

    @Test("probe rejects send-only flags")
    func probeRejectsSendFlags() async throws {
        let result = try await CLI.run(["probe"] + (try Self.unreachable()) + ["--to", Mail.to])
        #expect(result.status == 64, "\(result)")
    }

    @Test("an unknown subcommand")
    func unknownSubcommand() async throws {
        let result = try await CLI.run(["sned", "--to", Mail.to])
        #expect(result.status == 64, "\(result)")
    }
}

/// `--help` for the tool and each subcommand: exit 0 and the flags the contract names.
@Suite("help")
struct HelpTests {
    @Test("smtpkit --help lists the subcommands and the exit codes")
    func topLevel() async throws {
        let result = try await CLI.run(["--help"])
        #expect(result.status == 0, "\(result)")
        for word in ["send", "probe", "profiles", "demo", "64", "78"] {
            #expect(result.stdout.contains(word), "\(word) missing: \(result)")
        }
    }

    @Test("smtpkit send --help lists every send flag")
    func send() async throws {
        let result = try await CLI.run(["send", "--help"])
        #expect(result.status == 0, "\(result)")
        let flags = [
            "--profile", "--config", "--host", "--port", "--tls", "--ca-file", "--insecure-skip-verify",
            "--auth", "--user", "--password-env", "--password-command", "--password-file",
            "--allow-plaintext-auth", "--helo", "--timeout", "--verbose", "-v",
            "--from", "--to", "--cc", "--bcc", "--subject", "--body", "--body-file", "--message-file",
            "--allow-partial",
        ]
        for flag in flags {
            #expect(result.stdout.contains(flag), "\(flag) missing from send --help: \(result)")
        }
    }

    @Test("smtpkit probe --help lists the connection flags only")
    func probe() async throws {
        let result = try await CLI.run(["probe", "--help"])
        #expect(result.status == 0, "\(result)")
        for flag in ["--host", "--port", "--tls", "--ca-file", "--timeout", "--profile"] {
            #expect(result.stdout.contains(flag), "\(flag) missing: \(result)")
        }
        #expect(!result.stdout.contains("--subject"), "\(result)")
    }

    @Test("help for profiles and demo", arguments: [["profiles", "--help"], ["profiles", "show", "--help"], ["demo", "--help"]])
    func others(arguments: [String]) async throws {
        let result = try await CLI.run(arguments)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.uppercased().contains("USAGE"), "\(result)")
    }
}

/// The runner itself: a child that hangs is killed at the limit, so a hang fails one test
/// instead of hanging the suite.
@Suite("runner")
struct RunnerTests {
    @Test("a hanging smtpkit is killed at the limit and reported")
    func hangIsKilled() async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.faults = [.silence(at: .greeting)]
        }
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.address + ["--tls", "none", "--timeout", "600"] + Mail.basic(), limit: 2)
        #expect(result.killed)
        #expect(result.status == 128 + SIGKILL)
    }

    @Test("the child gets a fresh HOME and no SMTPKIT_CONFIG")
    func isolatedEnvironment() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try await CLI.run(["send", "--password-command", "echo HOME=$HOME CONFIG=${SMTPKIT_CONFIG-unset} >&2; exit 1"]
                                       + server.tlsAddress + ["--user", "u", "--from", Mail.from, "--to", Mail.to, "--body", "x"])
        #expect(result.status == 78, "\(result)")
        #expect(result.stderr.contains("CONFIG=unset"), "\(result)")
        #expect(result.stderr.contains("HOME=" + NSTemporaryDirectory().replacingOccurrences(of: "//", with: "/"))
                || result.stderr.contains("HOME=/tmp/"), "\(result)")
        #expect(!result.stderr.contains("HOME=\(NSHomeDirectory()) "), "\(result)")
    }
}
