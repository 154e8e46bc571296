import Foundation
import SMTPKitServer
import Testing

/// `smtpkit send --repeat/--connections/--messages/--report`: many messages in one run, a
/// report line per message, the exit code of the most serious failure.
@Suite("send many messages")
struct BulkSendCLITests {
    static func folder(_ files: [String: String]) throws -> String {
        let path = NSTemporaryDirectory() + "smtpkit-bulk-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return path
    }

    static func reportLines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test("--repeat 50 --connections 2: every copy arrives once, one report line each, exit 0")
    func repeatWithReport() async throws {
        let server = try TestServer { $0.tls = .none }
        defer { server.stop() }
        let report = NSTemporaryDirectory() + "smtpkit-report-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: report) }

        let result = try await CLI.run(["send"] + server.address + ["--tls", "none"] + Mail.basic()
                                       + ["--repeat", "50", "--connections", "2", "--report", report])

        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("sent 50 of 50 messages via 127.0.0.1:\(server.port)"), "\(result)")
        #expect(server.messages.count == 50)
        #expect(result.stderr.isEmpty, "no progress line when standard error is not a terminal: \(result)")
        let lines = try Self.reportLines(report)
        #expect(lines.count == 50)
        #expect(Set(lines.compactMap { $0["index"] as? Int }) == Set(0..<50))
        #expect(lines.allSatisfy { $0["status"] as? String == "sent" && ($0["reply"] as? String)?.hasPrefix("250") == true })
    }

    @Test("--repeat with a raw message (-t): each copy read again from the file, Bcc removed from every one")
    func repeatRawMessage() async throws {
        let server = try TestServer { $0.tls = .none }
        defer { server.stop() }
        let folder = try Self.folder(["m.eml": "From: a@example.org\nTo: one@example.net\nBcc: hidden@example.net\nSubject: raw\n\nbody\n"])
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let result = try await CLI.run(["send"] + server.address + ["--tls", "none", "--message-file", folder + "/m.eml", "-t", "--repeat", "3"])

        #expect(result.status == 0, "\(result)")
        #expect(server.messages.count == 3)
        #expect(server.messages.allSatisfy { $0.recipients == ["one@example.net", "hidden@example.net"] && !$0.text.contains("Bcc:") })
        #expect(Set(server.messages.map(\.data)).count == 1, "every copy byte for byte the same")
    }

    @Test("--messages FOLDER: each .eml to its own recipients; a refused one is reported and sets the exit code")
    func folderWithARefusal() async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.refusedRecipients = ["nosuch@example.net": "550 5.1.1 User unknown"]
        }
        defer { server.stop() }
        let folder = try Self.folder([
            "1.eml": "From: a@example.org\nTo: one@example.net\nBcc: hidden@example.net\nSubject: one\n\nbody 1\n",
            "2.eml": "From: a@example.org\nTo: nosuch@example.net\nSubject: two\n\nbody 2\n",
            "3.eml": "From: a@example.org\nTo: three@example.net\nSubject: three\n\n.\nbody 3\n",
            "notes.txt": "not a message",
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = folder + "/report.jsonl"

        let result = try await CLI.run(["send"] + server.address + ["--tls", "none", "--messages", folder, "--report", report])

        #expect(result.status == 65, "a permanent refusal: \(result)")
        #expect(result.stdout.hasPrefix("sent 2 of 3 messages"), "\(result)")
        #expect(result.stderr.contains("message 2 (2.eml)"), "\(result)")
        #expect(result.stderr.contains("550 5.1.1"), "\(result)")
        #expect(server.messages.map(\.recipients) == [["one@example.net", "hidden@example.net"], ["three@example.net"]])
        #expect(!server.messages[0].text.contains("Bcc:"), "Bcc is removed, as with -t")
        #expect(server.messages[1].text.contains("\r\n.\r\nbody 3"), "a lone dot line arrives as it was")
        let statuses = try Self.reportLines(report).map { ($0["id"] as? String ?? "", $0["status"] as? String ?? "") }
        #expect(statuses.sorted { $0.0 < $1.0 }.map(\.1) == ["sent", "failed", "sent"])
    }

    @Test("--messages MBOX: messages split at From lines, >From unquoted")
    func mbox() async throws {
        let server = try TestServer { $0.tls = .none }
        defer { server.stop() }
        let folder = try Self.folder(["box": """
            From a@example.org Mon Dec  1 10:00:00 2026
            From: a@example.org
            To: b@example.net
            Subject: first

            >From the start
            line

            From a@example.org Mon Dec  1 10:01:00 2026
            From: a@example.org
            To: c@example.net
            Subject: second

            two

            """])
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let result = try await CLI.run(["send"] + server.address + ["--tls", "none", "--messages", folder + "/box"])

        #expect(result.status == 0, "\(result)")
        #expect(server.messages.map(\.recipients) == [["b@example.net"], ["c@example.net"]])
        #expect(server.messages.first?.text.contains("\r\nFrom the start\r\nline\r\n") == true)
        #expect(server.messages.first?.text.hasSuffix("line\r\n") == true, "the separator's blank line is not part of the message")
    }

    @Test("a server that is down: every message reported, exit 75, nothing claimed sent")
    func serverDown() async throws {
        let server = try TestServer { $0.tls = .none }
        let address = server.address
        server.stop()
        let result = try await CLI.run(["send"] + address + ["--tls", "none"] + Mail.basic() + ["--repeat", "3"])
        #expect(result.status == 75, "\(result)")
        #expect(result.stdout.hasPrefix("sent 0 of 3 messages"), "\(result)")
    }

    @Test("Ctrl-C: the message on the wire finishes, the rest is not sent, exit 130, what was sent is what arrived")
    func interrupted() async throws {
        // Each final reply comes slowly, one byte every 5 ms, so the run is still going when
        // the interrupt comes.
        let server = try TestServer {
            $0.tls = .none
            $0.faults = [.drip(at: .endOfData, interval: 0.005)]
        }
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.address + ["--tls", "none"] + Mail.basic() + ["--repeat", "200"],
                                       interruptWhen: { server.messages.count >= 2 })

        #expect(result.status == 130, "\(result)")
        #expect(result.stderr.contains("interrupted"), "\(result)")
        let sent = try #require(result.stdout.split(separator: " ").dropFirst().first.flatMap { Int($0) }, "\(result)")
        #expect(sent == server.messages.count, "reported sent = delivered: \(result)")
        #expect(sent < 200)
        #expect(result.stdout.contains("not sent"), "\(result)")
    }

    @Test("on a terminal: a progress line (sent, failed, msg/s), cleared before the summary",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs util-linux script for a terminal"))
    func progressOnATerminal() async throws {
        let server = try TestServer {
            $0.tls = .none
            $0.faults = [.drip(at: .endOfData, interval: 0.002)]  // slow enough for the line to be drawn
        }
        defer { server.stop() }
        let result = try await CLI.runOnTerminal(["send"] + server.address + ["--tls", "none"] + Mail.basic() + ["--repeat", "20"])

        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\r\u{1B}[Ksent "), "\(result)")
        #expect(result.stdout.contains("/20  failed 0"), "\(result)")
        #expect(result.stdout.contains(" msg/s"), "\(result)")
        #expect(result.stdout.contains("sent 20 of 20 messages via 127.0.0.1"), "\(result)")
        #expect(server.messages.count == 20)
    }

    @Test("--repeat 0 and --connections 0 are usage errors")
    func badCounts() async throws {
        for flags in [["--repeat", "0"], ["--connections", "0"]] {
            let result = try await CLI.run(["send", "--host", "127.0.0.1"] + Mail.basic() + flags)
            #expect(result.status == 64, "\(flags): \(result)")
        }
    }
}
