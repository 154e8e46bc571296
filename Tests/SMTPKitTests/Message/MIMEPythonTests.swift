import Foundation
import Testing
@testable import SMTPKit

/// Finds `python3` on the PATH.
enum PythonLocator {
    static let python: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = String(directory) + "/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()
}

/// Checks the output with an independent, widely used parser: Python's `email` package with
/// the modern policy. Skipped when no `python3` is on the PATH.
@Suite("MIME output read by Python's email package", .enabled(if: PythonLocator.python != nil))
struct MIMEPythonTests {
    static var python: String? { PythonLocator.python }

    static let script = """
        import email, email.policy, json, sys
        with open(sys.argv[1], 'rb') as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        parts = []
        for part in message.walk():
            entry = {'type': part.get_content_type(), 'defects': [type(d).__name__ for d in part.defects]}
            if not part.is_multipart():
                entry['filename'] = part.get_filename()
                entry['cid'] = part.get('Content-ID')
                entry['hex'] = (part.get_payload(decode=True) or b'').hex()
                if part.get_content_maintype() == 'text' and part.get_filename() is None:
                    entry['text'] = part.get_content()
            parts.append(entry)
        print(json.dumps({'subject': str(message['Subject']), 'to': str(message['To']),
                          'from': str(message['From']), 'defects': [type(d).__name__ for d in message.defects],
                          'parts': parts}))
        """

    struct Report: Decodable {
        struct Part: Decodable {
            var type: String
            var defects: [String]
            var filename: String?
            var cid: String?
            var hex: String?
            var text: String?
        }
        var subject: String
        var to: String
        var from: String
        var defects: [String]
        var parts: [Part]
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { MessageText.padded(String($0, radix: 16), to: 2) }.joined()
    }

    static func parse(_ bytes: [UInt8]) throws -> Report {
        let messagePath = try MIMETestSupport.temporaryFile(bytes, name: "python.eml")
        let scriptPath = try MIMETestSupport.temporaryFile(Array(script.utf8), name: "check.py")
        defer {
            try? FileManager.default.removeItem(atPath: messagePath)
            try? FileManager.default.removeItem(atPath: scriptPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(python))
        process.arguments = [scriptPath, messagePath]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try JSONDecoder().decode(Report.self, from: data)
    }

    @Test("a full message parses without defects", arguments: [false, true])
    func fullMessage(allow8Bit: Bool) throws {
        let pdf = MIMETestSupport.bytes(5000, seed: 21)
        let png = MIMETestSupport.bytes(777, seed: 22)
        var message = Message(
            from: try Mailbox("Kari Nordmann <kari@bücher.example>"),
            to: [try Mailbox("Søren Ærlig <soren@example.dk>")],
            subject: "Møte på fredag ✓ — 会議の資料",
            body: "Hei Søren,\n\nvedlagt er referatet.\n",
            date: MIMETestSupport.fixedDate)
        message.htmlBody = "<p>Привет! <img src=\"cid:chart.png\"></p>\n"
        message.attachments = [
            MailAttachment(bytes: pdf, filename: "Møtereferat for styret i november – endelig versjon ✓.pdf"),
            MailAttachment(bytes: png, filename: "chart.png", disposition: .inline),
            MailAttachment(bytes: [], filename: "empty.txt"),
        ]
        let bytes = try message.render(options: RenderOptions(allow8Bit: allow8Bit))
        let report = try Self.parse(bytes)
        #expect(report.defects.isEmpty)
        #expect(report.parts.allSatisfy { $0.defects.isEmpty })
        #expect(report.subject == "Møte på fredag ✓ — 会議の資料")
        #expect(report.to == "Søren Ærlig <soren@example.dk>")
        #expect(report.from == "Kari Nordmann <kari@xn--bcher-kva.example>")
        #expect(report.parts.map(\.type) == [
            "multipart/mixed", "multipart/related", "multipart/alternative", "text/plain", "text/html",
            "image/png", "application/pdf", "text/plain",
        ])
        #expect(report.parts[3].text == "Hei Søren,\n\nvedlagt er referatet.\n")
        #expect(report.parts[4].text == "<p>Привет! <img src=\"cid:chart.png\"></p>\n")
        #expect(report.parts[5].cid == "<chart.png>")
        #expect(report.parts[5].hex == Self.hex(png))
        #expect(report.parts[6].filename == "Møtereferat for styret i november – endelig versjon ✓.pdf")
        #expect(report.parts[6].hex == Self.hex(pdf))
        #expect(report.parts[7].filename == "empty.txt")
        #expect(report.parts[7].hex == "")
    }

    @Test func streamedFileMatches() throws {
        let content = MIMETestSupport.bytes(300_001, seed: 23)
        let path = try MIMETestSupport.temporaryFile(content, name: "data.bin")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var message = try MIMETestSupport.message(body: "")
        message.attachments = [MailAttachment(path: path)]
        let source = try message.makeDataSource(options: RenderOptions())
        let report = try Self.parse(try MIMETestSupport.collect(source, maxLength: 1000))
        #expect(report.parts.map(\.type) == ["multipart/mixed", "application/octet-stream"])
        #expect(report.parts[1].hex == Self.hex(content))
        #expect(report.parts.allSatisfy { $0.defects.isEmpty })
    }
}
