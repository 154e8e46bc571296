import ArgumentParser
import Foundation
import SMTPKit

/// `smtpkit send`: compose (or take) a message and deliver it through one server.
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a message.",
        discussion: """
            The body comes from --body, --body-file, or standard input; --html-file adds an HTML \\
            alternative and --attach files (PATH[;inline][;type=TYPE][;name=NAME][;cid=ID]). \\
            --message-file FILE (or - for standard input) sends a complete RFC 5322 message as it is \\
            (line ends normalised to CRLF); with --read-recipients (-t) its To, Cc and Bcc headers give the \\
            recipients and Bcc is removed, like sendmail -t. If any recipient is refused nothing is sent, \\
            unless --allow-partial is given.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ConnectionOptions.help("from"))
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
    @Option(help: "HTML version of the body (sent with the text as multipart/alternative).")
    var htmlFile: String?
    @Option(help: "Attach a file: PATH[;inline][;type=TYPE][;name=NAME][;cid=ID]; repeatable.")
    var attach: [String] = []
    @Option(help: "Extra header field, \"Name: value\"; repeatable.")
    var header: [String] = []
    @Option(help: "Reply-To address; repeatable.")
    var replyTo: [String] = []
    @Option(help: "Message-ID this message answers (In-Reply-To).")
    var inReplyTo: String?
    @Option(help: "Message-ID for the References header; repeatable.")
    var references: [String] = []
    @Option(help: "Send this complete RFC 5322 message as it is (- for standard input).")
    var messageFile: String?
    @Flag(name: [.customShort("t"), .long], help: "Take recipients from the message's To, Cc and Bcc headers (removing Bcc), like sendmail -t.")
    var readRecipients = false
    @Flag(help: ConnectionOptions.help("allow_partial"))
    var allowPartial = false
    @Option(help: "Send every .eml file of this folder, or every message of this mbox file; each message's To, Cc and Bcc are its recipients (like -t).")
    var messages: String?
    @Option(name: .customLong("repeat"), help: "Send the message this many times (a load test, like smtp-source).")
    var repeatCount = 1
    @Option(help: "Connections to send over at once, each pipelined across messages.")
    var connections = 1
    @Option(help: "Write one JSON line per message to this file: index, id, recipients, status, reply.")
    var report: String?

    /// True when more than one message may go, or the run reports per message.
    var isBulk: Bool { messages != nil || repeatCount != 1 || connections != 1 || report != nil }

    /// True when a complete message is sent rather than composed.
    var isRaw: Bool { messageFile != nil || readRecipients || messages != nil }

    func validate() throws {
        let bodies = [body != nil, bodyFile != nil, messageFile != nil, messages != nil].filter { $0 }.count
        if bodies > 1 { throw ValidationError("give only one of --body, --body-file, --message-file, --messages") }
        if repeatCount < 1 { throw ValidationError("--repeat \(repeatCount): give a number of times, 1 or more") }
        try BulkRunner.validate(connections: connections)
        if messages != nil && repeatCount != 1 { throw ValidationError("--repeat sends one message many times; it cannot be used with --messages") }
        if isRaw {
            let composing = [("--subject", subject != nil), ("--body", body != nil), ("--body-file", bodyFile != nil),
                             ("--html-file", htmlFile != nil), ("--attach", !attach.isEmpty), ("--header", !header.isEmpty),
                             ("--reply-to", !replyTo.isEmpty), ("--in-reply-to", inReplyTo != nil),
                             ("--references", !references.isEmpty)]
            if let flag = composing.first(where: \.1)?.0 {
                throw ValidationError("\(flag) cannot be used with --message-file, --messages or --read-recipients (the message has its own headers)")
            }
        }
        if !readRecipients && messages == nil && to.isEmpty && cc.isEmpty && bcc.isEmpty {
            throw ValidationError("no recipient: give at least one --to, --cc or --bcc (or --read-recipients)")
        }
    }

    func run() async throws {
        var loader = ProfileLoader(options: connection)
        if allowPartial { loader.flags.allowPartial = true }
        let profile = try loader.profile()
        if isBulk { return try await runBulk(loader: loader, profile: profile) }
        let (content, envelope) = try isRaw ? rawContent(profile: profile) : composedContent(profile: profile)
        let configuration = try loader.configuration(profile)
        Terminal.warnIfInsecure(configuration)
        let client = SMTPClient(configuration: configuration, transcript: connection.verbose ? Terminal.transcript() : nil)
        let report = try await client.send(content, envelope: envelope)
        for refused in report.refused {
            Terminal.error("smtpkit: warning: recipient <\(refused.address)> refused: \(refused.reply)")
        }
        let security = report.tls.map { " (\($0.protocolVersion))" } ?? " (unencrypted)"
        let count = report.accepted.count
        Terminal.out("sent to \(count) recipient\(count == 1 ? "" : "s") via \(configuration.host):\(configuration.port)\(security): \(report.finalReply)")
    }
}
