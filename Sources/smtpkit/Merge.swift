import ArgumentParser
import Foundation
import SMTPKit
import SwiftCSV

/// `smtpkit merge`: one message per CSV row, from a template, through a bulk send.
struct Merge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Send one message per row of a CSV file, filled into a template.",
        discussion: """
            The template is a message file: header fields (From, To, Cc, Bcc, Reply-To, Subject, any \
            other), an empty line, the body. {{column}} tags in field values and the body are replaced by \
            the row's value of that column (the CSV's first row names the columns), as text. Every row is \
            checked before anything is sent: a tag with no column, an address that does not parse or a \
            value with a line break in a header field stops the run with exit 65 and nothing sent.

            Example template:
              To: "{{name}}" <{{email}}>
              Subject: Your grade in {{course}}

              Dear {{name}}, your grade is {{grade}}.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The message template (header fields, an empty line, the body), with {{column}} tags.")
    var template: String
    @Option(help: "The CSV file: a header row naming the columns, then one row per message (RFC 4180).")
    var data: String
    @Option(help: ConnectionOptions.help("from"))
    var from: String?
    @Option(help: "Connections to send over at once, each pipelined across messages.")
    var connections = 1
    @Option(help: "Write one JSON line per message to this file: index, id (the CSV row), recipients, status, reply.")
    var report: String?
    @Flag(help: ConnectionOptions.help("allow_partial"))
    var allowPartial = false

    func validate() throws {
        try BulkRunner.validate(connections: connections)
    }

    func run() async throws {
        var loader = ProfileLoader(options: connection)
        if allowPartial { loader.flags.allowPartial = true }
        let profile = try loader.profile()
        let template = try MergeTemplate(path: template)
        let table = try Self.readCSV(data)
        let missing = template.names.filter { !table.header.contains($0) }
        if !missing.isEmpty {
            throw CLIError(code: ExitStatus.dataError, description: """
                the template uses \(missing.map { "{{\($0)}}" }.joined(separator: ", ")), but \(data) has no such \
                column (its columns: \(table.header.joined(separator: ", "))); nothing was sent
                """)
        }
        let sender: Mailbox?
        do {
            sender = try (from ?? profile.from).map { try Mailbox($0) }
        } catch {
            throw CLIError.usage("--from: \(error)")
        }
        var messages: [OutgoingMessage] = []
        var problems: [String] = []
        for (index, row) in table.rows.enumerated() {
            do {
                messages.append(OutgoingMessage(try template.message(for: row, sender: sender)))
            } catch {
                problems.append("row \(index + 2): \(error)")  // row 1 is the header
            }
        }
        if !problems.isEmpty {
            let shown = problems.prefix(10).joined(separator: "\n  ")
            let more = problems.count > 10 ? "\n  … and \(problems.count - 10) more" : ""
            throw CLIError(code: ExitStatus.dataError, description: "\(problems.count) of \(table.rows.count) rows cannot be sent; nothing was sent:\n  \(shown)\(more)")
        }
        guard !messages.isEmpty else { throw CLIError(code: ExitStatus.dataError, description: "\(data) has a header row and no data rows; nothing to send") }

        let configuration = try loader.configuration(profile)
        Terminal.warnIfInsecure(configuration)
        let batch = BulkMessages(messages: BulkMessages.stream(messages), total: messages.count, problems: ProblemTable()) { "row \($0 + 2)" }
        try await BulkRunner(verbose: connection.verbose, connections: connections, report: report).run(batch, configuration: configuration)
    }

    /// The CSV, its delimiter guessed (comma, semicolon, tab), a UTF-8 byte-order mark dropped.
    static func readCSV(_ path: String) throws -> NamedCSV {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.noInput("--data: cannot read '\(path)'; check the path and permissions")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw CLIError(code: ExitStatus.dataError, description: "--data \(path) is not UTF-8 text; save it as CSV UTF-8")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        do {
            return try NamedCSV(string: text, loadColumns: false)
        } catch {
            throw CLIError(code: ExitStatus.dataError, description: "--data \(path) is not valid CSV: \(error)")
        }
    }
}
