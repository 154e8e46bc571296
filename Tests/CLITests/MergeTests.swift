import Foundation
import SMTPKitServer
import Testing

/// `smtpkit merge`: one composed message per CSV row; every row checked before anything is sent.
@Suite("merge: a template and a CSV")
struct MergeTests {
    static let template = """
        From: Teacher <teacher@example.org>
        To: "{{name}}" <{{email}}>
        Subject: Grade in {{course}}: {{grade}}
        X-Course: {{course}}

        Dear {{name}},

        your grade is {{grade}} & "well done" <3.
        """

    static func files(template: String = template, csv: String) throws -> (TemporaryDirectory, String, String) {
        let directory = try TemporaryDirectory(prefix: "smtpkit-merge")
        return (directory, try directory.write("t.eml", template, mode: 0o644), try directory.write("d.csv", csv, mode: 0o644))
    }

    @Test("each row becomes a message: names encoded, values unescaped, exit 0")
    func merges() async throws {
        let server = try TestServer { $0.tls = .none }
        defer { server.stop() }
        let (directory, template, csv) = try Self.files(csv: """
            name,email,course,grade
            Ærlig Øst,aerlig@example.net,TTM4100,A
            "Nordmann, Kari",kari@example.net,TTM4100,B

            """)
        defer { directory.remove() }

        let result = try await CLI.run(["merge"] + server.address + ["--tls", "none", "--template", template, "--data", csv, "--connections", "2"])

        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("sent 2 of 2 messages"), "\(result)")
        let messages = server.messages.sorted { $0.recipients[0] < $1.recipients[0] }
        #expect(messages.map(\.recipients) == [["aerlig@example.net"], ["kari@example.net"]])
        #expect(messages.map(\.mailFrom) == ["teacher@example.org", "teacher@example.org"])
        let first = try #require(messages.first)
        #expect(Mail.fields("To", in: first).first.flatMap(Mail.decodeEncodedWords)?.contains("Ærlig Øst") == true)
        #expect(Mail.fields("Subject", in: first) == ["Grade in TTM4100: A"])
        #expect(Mail.fields("X-Course", in: first) == ["TTM4100"])
        #expect(Mail.body(first).contains("your grade is A & \"well done\" <3."), "text, not HTML-escaped")
        #expect(Mail.fields("To", in: messages[1]) == ["\"Nordmann, Kari\" <kari@example.net>"])
        #expect(Set(messages.map { Mail.fields("Message-ID", in: $0).first ?? "" }).count == 2, "a Message-ID each")
    }

    @Test("a tag with no column: exit 65, the columns listed, nothing sent")
    func missingColumn() async throws {
        let server = try TestServer { $0.tls = .none }
        defer { server.stop() }
        let (directory, template, csv) = try Self.files(csv: "name,email,grade\nKari,kari@example.net,B\n")
        defer { directory.remove() }

        let result = try await CLI.run(["merge"] + server.address + ["--tls", "none", "--template", template, "--data", csv])

        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("{{course}}"), "\(result)")
        #expect(result.stderr.contains("its columns: name, email, grade"), "\(result)")
        #expect(server.messages.isEmpty)
        #expect(server.stop().isEmpty, "not even a connection")
    }

    @Test("a bad row stops the run before anything is sent: a bad address, a line break in a header")
    func badRows() async throws {
        let server = try TestServer { $0.tls = .none }
        defer { server.stop() }
        let (directory, template, csv) = try Self.files(csv: """
            name,email,course,grade
            Kari,kari@example.net,TTM4100,B
            Ola,not-an-address,TTM4100,C
            Per,per@example.net,"TTM4100
            Bcc: everyone@example.net",A

            """)
        defer { directory.remove() }

        let result = try await CLI.run(["merge"] + server.address + ["--tls", "none", "--template", template, "--data", csv])

        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("2 of 3 rows cannot be sent; nothing was sent"), "\(result)")
        #expect(result.stderr.contains("row 3: To:"), "\(result)")
        #expect(result.stderr.contains("row 4:") && result.stderr.contains("line break"), "\(result)")
        #expect(server.messages.isEmpty)
    }

    @Test("a template without a recipient field, or with a Message-ID, is refused")
    func badTemplates() async throws {
        for (text, words) in [("Subject: x\n\nbody", "no To, Cc or Bcc field"), ("To: {{email}}\nMessage-ID: <a@b>\n\nbody", "remove the Message-ID field")] {
            let (directory, template, csv) = try Self.files(template: text, csv: "email\na@example.net\n")
            defer { directory.remove() }
            let result = try await CLI.run(["merge", "--host", "127.0.0.1", "--tls", "none", "--from", "t@example.org",
                                            "--template", template, "--data", csv])
            #expect(result.status == 65, "\(result)")
            #expect(result.stderr.contains(words), "\(result)")
        }
    }
}
