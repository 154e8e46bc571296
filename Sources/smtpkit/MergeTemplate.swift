import Foundation
import Mustache
import SMTPKit

/// A mail-merge template: a message file (RFC 5322 header fields, an empty line, the body)
/// whose field values and body hold Mustache tags (`{{name}}`), filled from one CSV row per
/// message. Values are inserted as they are — text mail, no HTML escaping — and each message
/// is composed by SMTPKit (RFC 2047 for non-ASCII headers, MIME, a Date and Message-ID of its
/// own), so a name like "Kari Nordmann" or "Ærlig Øst" is encoded however it is written.
struct MergeTemplate {
    /// A header field of the template, its value a template of its own.
    struct Field {
        let name: String
        let value: MustacheTemplate
    }

    let fields: [Field]
    let body: MustacheTemplate
    /// Every tag name the template uses, in first-use order.
    let names: [String]

    /// Fields SMTPKit writes itself for each message: a template cannot set them.
    static let composedFields: Set<String> = ["mime-version", "content-type", "content-transfer-encoding", "date", "message-id"]

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.noInput("--template: cannot read '\(path)'; check the path and permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError(code: ExitStatus.dataError, description: "--template \(path) is not UTF-8 text")
        }
        try self.init(text: text, path: path)
    }

    init(text: String, path: String) throws {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n")
        let (head, body) = normalised.range(of: "\n\n").map {
            (String(normalised[..<$0.lowerBound]), String(normalised[$0.upperBound...]))
        } ?? (normalised, "")
        var fields: [Field] = []
        var lines: [String] = []
        for line in head.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)  // unfold (RFC 5322 §2.2.3)
            } else {
                lines.append(String(line))
            }
        }
        for (index, line) in lines.enumerated() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw CLIError(code: ExitStatus.dataError, description: "--template \(path): header line \(index + 1) is not 'Name: value': \(line)")
            }
            let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
            if Self.composedFields.contains(name.lowercased()) {
                throw CLIError(code: ExitStatus.dataError, description: "--template \(path): remove the \(name) field; smtpkit writes it for each message")
            }
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            fields.append(Field(name: name, value: try Self.compile(value, path: path, what: "the \(name) field")))
        }
        guard fields.contains(where: { ["to", "cc", "bcc"].contains($0.name.lowercased()) }) else {
            throw CLIError(code: ExitStatus.dataError, description: "--template \(path) has no To, Cc or Bcc field; add one such as To: {{email}}")
        }
        self.fields = fields
        self.body = try Self.compile(body, path: path, what: "the body")
        let recorder = TagRecorder()
        for field in fields { _ = field.value.render(recorder) }
        _ = self.body.render(recorder)
        names = recorder.names
    }

    /// Mustache in text mode: values go in unescaped (this is mail, not HTML).
    private static func compile(_ text: String, path: String, what: String) throws -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + text)
        } catch {
            throw CLIError(code: ExitStatus.dataError, description: "--template \(path): \(what) is not a valid template: \(error)")
        }
    }

    /// The message for one row. Header values may not hold line breaks (a CSV value with one
    /// would add header fields of its own: header injection); the body may.
    func message(for row: [String: String], sender: Mailbox?) throws -> Message {
        var values: [(String, String)] = []
        for field in fields {
            let value = field.value.render(row)
            if value.contains(where: { $0 == "\n" || $0 == "\r" }) {
                throw MergeError("its \(field.name) field would hold a line break; header values must be on one line")
            }
            values.append((field.name, value))
        }
        func addresses(_ name: String) throws -> [Mailbox] {
            try values.filter { $0.0.lowercased() == name }.flatMap { field in
                do { return try Mailbox.parseList(field.1) } catch {
                    let hint = field.1.contains(",") ? " (a name with a comma must be quoted in the template: \"{{name}}\" <{{email}}>)" : ""
                    throw MergeError("\(field.0): \(error)\(hint)")
                }
            }
        }
        guard let from = try addresses("from").first ?? sender else {
            throw MergeError("no sender: the template has no From field, and neither --from nor the profile's from is set")
        }
        var message = Message(from: from, to: try addresses("to"), cc: try addresses("cc"), bcc: try addresses("bcc"),
                              subject: values.first { $0.0.lowercased() == "subject" }?.1, body: body.render(row))
        if message.recipients.isEmpty { throw MergeError("its To, Cc and Bcc fields hold no address") }
        message.replyTo = try addresses("reply-to")
        let standard: Set<String> = ["from", "to", "cc", "bcc", "subject", "reply-to"]
        message.extraHeaders = try values.filter { !standard.contains($0.0.lowercased()) }.map { name, value in
            do { return try HeaderField("\(name): \(value)") } catch { throw MergeError("\(name): \(error)") }
        }
        return message
    }
}

/// Why one row cannot become a message.
struct MergeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Renders nothing and remembers every name a template looks up.
private final class TagRecorder: MustacheParent {
    private(set) var names: [String] = []

    func child(named name: String) -> Any? {
        if !names.contains(name) { names.append(name) }
        return nil
    }
}
