import ArgumentParser
import Foundation
import SMTPKit

/// `smtpkit send`: compose (or take) a message and deliver it through one server.
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a message.",
        discussion: """
            The body comes from --body, --body-file, or standard input. --message-file sends a complete \
            RFC 5322 message as it is (line ends normalised to CRLF); the envelope comes from --from and \
            --to/--cc/--bcc. If any recipient is refused nothing is sent, unless --allow-partial is given.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Sender address (envelope and From header); default: the profile's from.")
    var from: String?
    @Option(help: "Recipient; repeat the flag or separate with commas.")
    var to: [String] = []
    @Option(help: "Copy recipient (Cc header).")
    var cc: [String] = []
    @Option(help: "Blind copy recipient: in the envelope only, never in a header.")
    var bcc: [String] = []
    @Option(help: "Subject line (non-ASCII is RFC 2047-encoded).")
    var subject: String?
    @Option(help: "The message body text.")
    var body: String?
    @Option(help: "Read the body from this file.")
    var bodyFile: String?
    @Option(help: "Send this complete RFC 5322 message file as it is.")
    var messageFile: String?
    @Flag(help: "When some recipients are refused, send to the accepted ones anyway.")
    var allowPartial = false

    func validate() throws {
        let bodies = [body != nil, bodyFile != nil, messageFile != nil].filter { $0 }.count
        if bodies > 1 { throw ValidationError("give only one of --body, --body-file, --message-file") }
        if messageFile != nil && subject != nil {
            throw ValidationError("--subject cannot be used with --message-file (the file has its own headers)")
        }
        if to.isEmpty && cc.isEmpty && bcc.isEmpty { throw ValidationError("no recipient: give at least one --to, --cc or --bcc") }
    }

    func run() async throws {
        do {
            try await send()
        } catch {
            throw Terminal.fail(error)
        }
    }

    private func send() async throws {
        let resolver = SettingsResolver(options: connection)
        var profile = try resolver.profile()
        if allowPartial { profile.allowPartial = true }
        let sender = try mailbox(from ?? profile.from, flag: "--from")
        let toList = try mailboxes(to, flag: "--to")
        let ccList = try mailboxes(cc, flag: "--cc")
        let bccList = try mailboxes(bcc, flag: "--bcc")
        let content = try makeContent(sender: sender, to: toList, cc: ccList, bcc: bccList)
        let recipients = Self.unique((toList + ccList + bccList).map(\.address))
        let envelope = Envelope(sender: sender.address, recipients: recipients)
        let configuration = try resolver.clientConfiguration(profile)
        if !configuration.tls.verifiesCertificate {
            Terminal.error("smtpkit: warning: --insecure-skip-verify: the server's certificate is not checked; anyone on the path could read this session, password included")
        }
        let client = SMTPClient(configuration: configuration, transcript: connection.verbose ? Terminal.transcript() : nil)
        let report = try await client.send(content, envelope: envelope)
        for refused in report.refused {
            Terminal.error("smtpkit: warning: recipient <\(refused.address)> refused: \(refused.reply)")
        }
        let security = report.tls.map { " (\($0.protocolVersion))" } ?? " (unencrypted)"
        let count = report.accepted.count
        print("sent to \(count) recipient\(count == 1 ? "" : "s") via \(configuration.host):\(configuration.port)\(security): \(report.finalReply)")
    }

    private func makeContent(sender: Mailbox, to: [Mailbox], cc: [Mailbox], bcc: [Mailbox]) throws -> MessageContent {
        if let messageFile {
            guard FileManager.default.isReadableFile(atPath: messageFile) else {
                throw CLIError.noInput("cannot read the message file '\(messageFile)'; check the path and permissions")
            }
            return .file(path: messageFile)
        }
        var message = Message(from: sender, to: to, cc: cc, bcc: bcc, subject: subject, body: try bodyText())
        message.date = Date()
        return .message(message)
    }

    private func bodyText() throws -> String {
        if let body { return body }
        if let bodyFile {
            guard let data = FileManager.default.contents(atPath: bodyFile) else {
                throw CLIError.noInput("cannot read the body file '\(bodyFile)'; check the path and permissions")
            }
            return String(decoding: data, as: UTF8.self)
        }
        if isatty(STDIN_FILENO) == 1 {
            throw CLIError.usage("no message body: give --body TEXT, --body-file FILE, or pipe it on standard input")
        }
        return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }

    private func mailbox(_ text: String?, flag: String) throws -> Mailbox {
        guard let text, !text.isEmpty else {
            throw CLIError.usage("no sender: give \(flag) ADDRESS or set from in the profile")
        }
        return try parse(text, flag: flag).first ?? { throw CLIError.usage("\(flag) is empty") }()
    }

    private func mailboxes(_ values: [String], flag: String) throws -> [Mailbox] {
        try values.flatMap { try parse($0, flag: flag) }
    }

    private func parse(_ text: String, flag: String) throws -> [Mailbox] {
        do {
            return try Mailbox.parseList(text)
        } catch {
            throw CLIError.usage("\(flag): \(error)")
        }
    }

    static func unique(_ addresses: [String]) -> [String] {
        var seen = Set<String>()
        return addresses.filter { seen.insert($0.lowercased()).inserted }
    }
}
