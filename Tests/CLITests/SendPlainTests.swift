import Foundation
import SMTPKitServer
import Testing

/// `smtpkit send` over plain TCP (`--tls none` against a server without TLS): exit 0, the
/// one-line summary, and the message as the server received it.
@Suite("send over plain TCP")
struct SendPlainTests {
    static func plainServer(_ configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> TestServer {
        try TestServer {
            $0.tls = .none
            configure(&$0)
        }
    }

    @Test("--body: exit 0, one summary line, headers and body as given")
    func body() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.address + ["--tls", "none"] + Mail.basic())
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines.count == 1, "\(result)")
        #expect(result.stdout.hasPrefix("sent to 1 recipient "), "\(result)")
        #expect(result.stdout.contains("127.0.0.1:\(server.port)"), "\(result)")
        #expect(result.stdout.contains("unencrypted"), "\(result)")
        #expect(result.stdout.contains("250"), "the final reply belongs in the summary: \(result)")
        #expect(result.stderr.isEmpty, "\(result)")

        let message = try #require(server.messages.first)
        #expect(server.messages.count == 1)
        #expect(message.mailFrom == "alice@example.org")
        #expect(message.recipients == ["bob@example.net"])
        #expect(!message.overTLS)
        #expect(message.authenticatedUser == nil)
        #expect(Mail.fields("From", in: message) == ["Alice <alice@example.org>"])
        #expect(Mail.fields("To", in: message) == ["bob@example.net"])
        #expect(Mail.fields("Subject", in: message) == ["Hi"])
        #expect(Mail.fields("Date", in: message).count == 1)
        #expect(Mail.fields("Message-ID", in: message).count == 1)
        #expect(Mail.fields("MIME-Version", in: message) == ["1.0"])
        #expect(Mail.fields("Content-Type", in: message).first?.lowercased() == "text/plain; charset=utf-8")
        #expect(Mail.body(message) == "I love computer networks!\r\n")
    }

    @Test("the Date header is RFC 5322 with English names whatever the locale")
    func dateHeader() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.address + ["--tls", "none"] + Mail.basic(),
            environment: ["LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8", "TZ": "Europe/Oslo"])
        #expect(result.status == 0, "\(result)")
        let message = try #require(server.messages.first)
        let date = try #require(Mail.fields("Date", in: message).first)
        // e.g. "Sat, 29 Nov 2025 05:40:00 +0100" (RFC 5322 §3.3).
        let pattern = #/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/#
        #expect(date.wholeMatch(of: pattern) != nil, "Date: \(date)")
    }

    @Test("--body-file: bare LF line ends arrive as CRLF")
    func bodyFile() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("note.txt", "first line\nsecond line\n.starts with a dot\nlast")
        let result = try await CLI.run(
            ["send"] + server.address + ["--tls", "none", "--from", Mail.from, "--to", Mail.to, "--subject", "File",
                                          "--body-file", path])
        #expect(result.status == 0, "\(result)")
        let message = try #require(server.messages.first)
        #expect(Mail.body(message) == "first line\r\nsecond line\r\n.starts with a dot\r\nlast\r\n")
        #expect(Mail.fields("Subject", in: message) == ["File"])
    }

    @Test("standard input (a pipe) is the body when neither --body nor --body-file is given")
    func standardInput() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.address + ["--tls", "none", "--from", Mail.from, "--to", Mail.to, "--subject", "Piped"],
            stdin: Array("piped body\nline two\n.\nafter a lone dot\n".utf8))
        #expect(result.status == 0, "\(result)")
        let message = try #require(server.messages.first)
        // A line holding only "." is dot-stuffed on the wire and arrives intact: it cannot end the data early.
        #expect(Mail.body(message) == "piped body\r\nline two\r\n.\r\nafter a lone dot\r\n")
    }

    @Test("--message-file: the file is sent as it is, bare LF turned into CRLF")
    func messageFile() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let raw = "From: Carol <carol@example.com>\nTo: Someone Else <else@example.com>\nSubject: Prepared\nX-Custom: kept\n\nPrepared body\n..two dots\n\nend\n"
        let path = try files.write("message.eml", raw)
        let result = try await CLI.run(
            ["send"] + server.address + ["--tls", "none", "--from", "alice@example.org", "--to", Mail.to,
                                          "--message-file", path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("sent to 1 recipient "), "\(result)")
        let message = try #require(server.messages.first)
        #expect(message.text == raw.replacingOccurrences(of: "\n", with: "\r\n"))
        // The envelope comes from the flags, not from the file's header.
        #expect(message.mailFrom == "alice@example.org")
        #expect(message.recipients == ["bob@example.net"])
    }

    @Test("--message-file with CRLF, bare CR and a missing final newline")
    func messageFileMixedLineEnds() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("mixed.eml", bytes: Array("Subject: mixed\r\n\r\na\rb\r\nc\n.\r\nlast".utf8))
        let result = try await CLI.run(
            ["send"] + server.address + ["--tls", "none", "--from", "alice@example.org", "--to", Mail.to,
                                          "--message-file", path])
        #expect(result.status == 0, "\(result)")
        let message = try #require(server.messages.first)
        #expect(message.text == "Subject: mixed\r\n\r\na\r\nb\r\nc\r\n.\r\nlast\r\n")
    }

    @Test("a large body through standard input arrives byte for byte (streamed, dot-stuffed)")
    func largeBody() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        var body = ""
        for index in 0..<20_000 {
            body += index % 7 == 0 ? ".line \(index) starts with a dot\n" : "line \(index) of a long message body\n"
        }
        let result = try await CLI.run(
            ["send"] + server.address + ["--tls", "none", "--from", Mail.from, "--to", Mail.to, "--subject", "Big"],
            stdin: Array(body.utf8))
        #expect(result.status == 0, "\(result)")
        let message = try #require(server.messages.first)
        #expect(Mail.body(message) == body.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test("a non-ASCII display name arrives RFC 2047-encoded, the address untouched")
    func encodedDisplayName() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.address + ["--tls", "none", "--from", "Åse Øvrebø <ase@example.no>", "--to", Mail.to, "--body", "x"])
        #expect(result.status == 0, "\(result)")
        let message = try #require(server.messages.first)
        let from = try #require(Mail.fields("From", in: message).first)
        #expect(from.utf8.allSatisfy { $0 < 0x80 }, "From: \(from)")
        #expect(from.hasSuffix("<ase@example.no>"), "From: \(from)")
        let name = String(from.dropLast("<ase@example.no>".count)).trimmingCharacters(in: .whitespaces)
        #expect(Mail.decodeEncodedWords(name) == "Åse Øvrebø", "From: \(from)")
        #expect(message.mailFrom == "ase@example.no")
    }

    /// The body is declared `charset=utf-8`; a file that is not UTF-8 must not be silently
    /// altered (invalid bytes replaced by U+FFFD): either its bytes arrive as they are, or
    /// the run fails and says why.
    @Test("a body that is not UTF-8 (--body-file or stdin) is not silently altered", arguments: [false, true])
    func nonUTF8Body(viaStandardInput: Bool) async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let latin1 = Array("caf".utf8) + [0xE9] + Array(" cr\u{E8}me\n".utf8)
        let path = try files.write("latin1.txt", bytes: latin1)
        let result = try await CLI.run(
            ["send"] + server.address + ["--tls", "none", "--from", Mail.from, "--to", Mail.to]
                + (viaStandardInput ? [] : ["--body-file", path]),
            stdin: viaStandardInput ? latin1 : nil)
        if result.status == 0 {
            let message = try #require(server.messages.first)
            #expect(!message.text.contains("\u{FFFD}"), "invalid bytes were replaced with U+FFFD: \(Mail.body(message))")
        } else {
            #expect(result.stderr.contains("UTF-8"), "\(result)")
            #expect(server.messages.isEmpty)
        }
    }

    @Test("a --body-file that is not UTF-8 exits 65 before MAIL, saying how to convert it")
    func nonUTF8BodyFileIsADataError() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let path = try files.write("latin1.txt", bytes: Array("caf".utf8) + [0xE9, 0x0A])
        let result = try await CLI.run(["send"] + server.address + ["--tls", "none", "--from", Mail.from, "--to", Mail.to, "--body-file", path])
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("is not UTF-8 text"), "\(result)")
        #expect(result.stderr.contains("iconv"), "\(result)")
        #expect(!server.stop().flatMap(\.lines).contains { $0.hasPrefix("MAIL") })
    }

    @Test("a long ASCII subject is folded, not cut, and unfolds to the original")
    func longSubject() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let subject = (1...40).map { "word\($0)" }.joined(separator: " ")
        let result = try await CLI.run(["send"] + server.address + ["--tls", "none"] + Mail.basic(subject: subject))
        #expect(result.status == 0, "\(result)")
        let message = try #require(server.messages.first)
        #expect(Mail.header(message).utf8.split(separator: 0x0A).allSatisfy { $0.count <= 998 })
        #expect(Mail.fields("Subject", in: message) == [subject])
    }

    @Test("--bcc: in the envelope, in no header")
    func bcc() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.address + ["--tls", "none"] + Mail.basic() + ["--bcc", "Secret <hidden@example.com>"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("sent to 2 recipients "), "\(result)")
        let message = try #require(server.messages.first)
        #expect(message.recipients == ["bob@example.net", "hidden@example.com"])
        #expect(Mail.fields("Bcc", in: message).isEmpty)
        #expect(!message.text.contains("hidden@example.com"), "the Bcc address leaked into the message")
        #expect(!message.text.contains("Secret"), "the Bcc display name leaked into the message")
    }

    @Test("--cc: a Cc header and an envelope recipient")
    func cc() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.address + ["--tls", "none"] + Mail.basic() + ["--cc", "Carol <carol@example.com>"])
        #expect(result.status == 0, "\(result)")
        let message = try #require(server.messages.first)
        #expect(Mail.fields("Cc", in: message) == ["Carol <carol@example.com>"])
        #expect(message.recipients == ["bob@example.net", "carol@example.com"])
    }

    /// Duplicates are the same local part at the same domain in any case: the local part is
    /// the receiving server's to interpret (RFC 5321 §2.4), so BOB@ and bob@ stay two.
    @Test("--to takes comma lists and repeats; duplicates go once into the envelope")
    func recipientLists() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let result = try await CLI.run(
            ["send"] + server.address + ["--tls", "none", "--from", Mail.from, "--body", "x",
                                          "--to", "bob@example.net, \"Doe, Jane\" <jane@example.net>",
                                          "--to", "zed@example.net", "--cc", "bob@EXAMPLE.NET"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("sent to 3 recipients "), "\(result)")
        let message = try #require(server.messages.first)
        #expect(message.recipients == ["bob@example.net", "jane@example.net", "zed@example.net"])
        let to = try #require(Mail.fields("To", in: message).first)
        #expect(to.contains("\"Doe, Jane\" <jane@example.net>"), "To: \(to)")
        #expect(to.contains("zed@example.net"), "To: \(to)")
    }

    @Test("a non-ASCII subject arrives RFC 2047-encoded and decodes back", arguments: [
        "Grüße aus Trondheim",
        "Привет, мир",
        "日本語の件名 with some ASCII",
        "emoji 📬 at the end 🎉",
        String(repeating: "Æøå ", count: 30),
    ])
    func encodedSubject(subject: String) async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.address + ["--tls", "none"] + Mail.basic(subject: subject))
        #expect(result.status == 0, "\(result)")
        let message = try #require(server.messages.first)
        let header = Mail.header(message)
        #expect(header.utf8.allSatisfy { $0 < 0x80 }, "the header must be ASCII only:\n\(header)")
        #expect(header.utf8.split(separator: 0x0A).allSatisfy { $0.count <= 78 }, "header lines longer than 78:\n\(header)")
        let field = try #require(Mail.fields("Subject", in: message).first)
        #expect(field.contains("=?"), "Subject: \(field)")
        #expect(Mail.decodeEncodedWords(field) == subject, "Subject: \(field)")
    }

    @Test("a non-ASCII body arrives as UTF-8 text")
    func unicodeBody() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let body = "Blåbærsyltetøy 🫐"
        let result = try await CLI.run(["send"] + server.address + ["--tls", "none"] + Mail.basic(body: body))
        #expect(result.status == 0, "\(result)")
        let message = try #require(server.messages.first)
        let encoding = Mail.fields("Content-Transfer-Encoding", in: message).first?.lowercased()
        if encoding == "8bit" {
            #expect(Mail.body(message) == body + "\r\n")
            #expect(message.mailParameters.contains { $0.uppercased() == "BODY=8BITMIME" })
        } else {
            #expect(encoding == "quoted-printable" || encoding == "base64", "encoding: \(encoding ?? "none")")
        }
    }

    @Test("--helo names the client in EHLO")
    func helo() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let result = try await CLI.run(["send"] + server.address + ["--tls", "none", "--helo", "client.example.org"] + Mail.basic())
        #expect(result.status == 0, "\(result)")
        #expect(server.messages.first?.heloName == "client.example.org")
    }

    @Test("the envelope is pipelined when the server offers PIPELINING")
    func pipelined() async throws {
        let server = try Self.plainServer()
        let result = try await CLI.run(["send"] + server.address + ["--tls", "none"] + Mail.basic())
        let sessions = server.stop()
        #expect(result.status == 0, "\(result)")
        let groups = try #require(sessions.first).readGroups
        #expect(groups.contains { group in
            group.count == 3 && group[0].hasPrefix("MAIL FROM:") && group[1].hasPrefix("RCPT TO:") && group[2] == "DATA"
        }, "read groups: \(groups)")
    }

    @Test("a server without EHLO is spoken to with HELO when neither TLS nor AUTH is needed")
    func heloFallback() async throws {
        let server = try Self.plainServer { $0.faults = [.reply(to: .ehlo, lines: ["502 5.5.1 EHLO not implemented"])] }
        let result = try await CLI.run(["send"] + server.address + ["--tls", "none"] + Mail.basic())
        let sessions = server.stop()
        #expect(result.status == 0, "\(result)")
        #expect(server.messages.count == 1)
        #expect(sessions.flatMap(\.lines).contains { $0.uppercased().hasPrefix("HELO ") })
    }

    @Test("-v over plain TCP shows -> and <- lines on stderr, the summary on stdout")
    func verbosePlain() async throws {
        let server = try Self.plainServer()
        defer { server.stop() }
        let result = try await CLI.run(["send", "-v"] + server.address + ["--tls", "none"] + Mail.basic())
        #expect(result.status == 0, "\(result)")
        let lines = result.stderr.components(separatedBy: "\n")
        #expect(lines.contains { $0.hasPrefix("<-  220 ") }, "\(result)")
        #expect(lines.contains { $0.hasPrefix(" -> EHLO ") }, "\(result)")
        #expect(lines.contains { $0.hasPrefix(" -> MAIL FROM:<alice@example.org>") }, "\(result)")
        #expect(lines.contains { $0.hasPrefix(" -> RCPT TO:<bob@example.net>") }, "\(result)")
        #expect(lines.contains { $0.hasPrefix(" -> QUIT") }, "\(result)")
        #expect(!lines.contains { $0.hasPrefix(" ~> ") || $0.hasPrefix("<~  ") }, "no TLS was used: \(result)")
        #expect(result.stdoutLines.count == 1 && result.stdout.hasPrefix("sent to 1 recipient "), "\(result)")
    }
}
