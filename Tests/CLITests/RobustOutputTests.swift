import Foundation
import SMTPKitServer
import Testing

/// Output that cannot hurt: a closed or full standard error never turns a delivered message
/// into a crash, and server text never reaches the terminal as control sequences.
@Suite("robust output")
struct RobustOutputTests {
    @Test("-v with standard error on a full device: the message is delivered and the exit is 0")
    func fullStandardError() async throws {
        let server = try TestServer { $0.tls = .none }
        let path = try #require(CLI.executablePath)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["send", "-v", "--tls", "none"] + server.address + Mail.basic()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/full")
        try process.run()
        process.waitUntilExit()
        server.stop()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(server.messages.count == 1)
    }

    @Test("escape sequences in a server's reply are shown as text, not sent to the terminal")
    func escapeSequencesAreNeutralised() async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.refusedRecipients = [Mail.to: "550 \u{1B}[2J\u{1B}]0;pwned\u{07}\u{1B}[31mfake\u{1B}[0m"]
        }
        let result = try await CLI.run(["send", "-v", "--tls", "none"] + server.address + Mail.basic())
        server.stop()
        #expect(result.status == 65, "\(result)")
        #expect(!result.allOutput.contains("\u{1B}"), "\(result)")
        #expect(!result.allOutput.contains("\u{07}"), "\(result)")
        #expect(result.stderr.contains("\\x1B[2J"), "\(result)")
    }

    @Test("probe with a profile that names an AUTH mechanism works (probing never logs in)")
    func probeWithAuthProfile() async throws {
        let server = try TestServer()
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let config = try files.write("config.toml", """
            [profiles.work]
            host = "127.0.0.1"
            port = \(server.port)
            tls = "starttls"
            auth = "login"
            user = "\(TestServer.user)"
            password_env = "NOT_SET_ANYWHERE"
            ca_file = "\(server.caFile ?? "")"
            """)
        let result = try await CLI.run(["probe", "--config", config, "--profile", "work"])
        server.stop()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("AUTH"), "\(result)")
    }

    @Test("an unbounded --timeout is a usage error", arguments: ["1e10", "inf", "0", "-3"])
    func unboundedTimeout(value: String) async throws {
        let result = try await CLI.run(["send", "--host", "127.0.0.1", "--timeout", value] + Mail.basic())
        #expect(result.status == 64, "\(result)")
    }

    @Test("--timeout and a file's timeout get the same verdict from the one rule (64 for the flag, 78 for the file)")
    func oneTimeoutRule() async throws {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let config = try files.write("config.toml", "[profiles.p]\nhost = \"127.0.0.1\"\ntimeout = 1e10\n")
        let flag = try await CLI.run(["send", "--host", "127.0.0.1", "--timeout", "1e10"] + Mail.basic())
        let file = try await CLI.run(["send", "--config", config, "--profile", "p"] + Mail.basic())
        let rule = "10000000000 is not a number of seconds from more than 0 to 86400 (a day)"
        #expect(flag.status == 64, "\(flag)")
        #expect(flag.stderr.contains("--timeout: " + rule), "\(flag)")
        #expect(file.status == 78, "\(file)")
        #expect(file.stderr.contains(config + ":3: invalid timeout: " + rule), "\(file)")
    }
}
