import Foundation
import SMTPKit

extension Send {
    /// A message composed from the flags: text, HTML, attachments, headers.
    func composedContent(profile: Profile) throws -> (MessageContent, Envelope) {
        let profileSender = try profile.from.map { try mailbox($0, flag: "from (profile)") }
        guard let sender = try from.map({ try mailbox($0, flag: "--from") }) ?? profileSender else {
            throw CLIError.usage("no sender: give --from ADDRESS or set from in the profile")
        }
        var message = Message(from: sender, to: try mailboxes(to, flag: "--to"), cc: try mailboxes(cc, flag: "--cc"),
                              bcc: try mailboxes(bcc, flag: "--bcc"), subject: subject, body: body ?? "")
        // Bodies from files and standard input are streamed while sending, never held whole.
        message.bodyFile = try body == nil ? bodyFile.map { try readable($0, flag: "--body-file") } ?? spooledStandardInput() : nil
        message.replyTo = try mailboxes(replyTo, flag: "--reply-to")
        message.htmlBodyFile = try htmlFile.map { try readable($0, flag: "--html-file") }
        message.attachments = try attach.map { try AttachmentSpec(parsing: $0).attachment }
        message.inReplyTo = inReplyTo
        message.references = references
        message.extraHeaders = try header.map { line in
            do { return try HeaderField(line) } catch { throw CLIError.usage("--header \(line): \(error)") }
        }
        guard !message.recipients.isEmpty else {
            throw CLIError.usage("no recipient: --to, --cc and --bcc hold no address")
        }
        return (.message(message), Envelope(for: message))
    }

    /// A complete message from a file or standard input; with `--read-recipients` its headers
    /// give the recipients (Bcc removed before sending) and, without `--from`, the sender.
    func rawContent(profile: Profile) throws -> (MessageContent, Envelope) {
        let path = messageFile ?? "-"
        if path != "-" && !FileManager.default.isReadableFile(atPath: path) {
            throw CLIError.noInput("cannot read the message file '\(path)'; check the path and permissions")
        }
        let explicit = try mailboxes(to, flag: "--to") + (try mailboxes(cc, flag: "--cc")) + (try mailboxes(bcc, flag: "--bcc"))
        let flagSender = try from.map { try mailbox($0, flag: "--from") }
        if readRecipients {
            let raw = try rejectingBadInput { path == "-" ? try RawMessage.standardInput() : try RawMessage(path: path) }
            let profileSender = try profile.from.map { try mailbox($0, flag: "from (profile)") }
            guard let sender = flagSender ?? raw.headers.envelopeSender ?? profileSender else {
                throw CLIError.usage("no sender: give --from or put a From header in the message")
            }
            let recipients = Mailbox.uniqued(raw.headers.recipients + explicit)
            guard !recipients.isEmpty else {
                throw CLIError.usage("--read-recipients: the message has no To, Cc or Bcc recipient (and none was given with --to)")
            }
            return (.source(raw), Envelope(sender: sender, recipients: recipients))
        }
        let profileSender = try profile.from.map { try mailbox($0, flag: "from (profile)") }
        guard let sender = flagSender ?? profileSender else {
            throw CLIError.usage("no sender: give --from ADDRESS (or use --read-recipients to take it from the message)")
        }
        let recipients = Mailbox.uniqued(explicit)
        guard !recipients.isEmpty else { throw CLIError.usage("no recipient: --to, --cc and --bcc hold no address") }
        let raw = try rejectingBadInput { path == "-" ? try RawMessageFile.standardInput() : try RawMessageFile(path: path) }
        return (.source(raw), Envelope(sender: sender, recipients: recipients))
    }

    /// Errors in a raw message's content are bad input data (EX_DATAERR); unreadable input is 66.
    private func rejectingBadInput<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as MessageError where error.kind != .unreadable {
            throw CLIError(code: ExitStatus.dataError, description: "the message cannot be sent as it is: \(error)")
        }
    }

    /// The body on standard input, copied in chunks to a private temporary file (removed at
    /// exit) so that it can be measured and then streamed like a body file.
    func spooledStandardInput() throws -> String {
        if isatty(STDIN_FILENO) == 1 {
            throw CLIError.usage("no message body: give --body TEXT, --body-file FILE, or pipe it on standard input")
        }
        let path = NSTemporaryDirectory() + "smtpkit-body-\(UUID().uuidString).txt"
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let output = FileHandle(forWritingAtPath: path) else {
            throw CLIError(code: ExitStatus.cannotCreate, description: "cannot write a temporary file in \(NSTemporaryDirectory()) for the body on standard input")
        }
        TemporaryFiles.removeAtExit(path)
        defer { try? output.close() }
        while true {
            let chunk = FileHandle.standardInput.readData(ofLength: 1 << 16)
            if chunk.isEmpty { return path }
            output.write(chunk)
        }
    }

    /// `path`, once it is known to be a readable file (so a typo fails before connecting).
    private func readable(_ path: String, flag: String) throws -> String {
        var directory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &directory), !directory.boolValue,
              FileManager.default.isReadableFile(atPath: path) else {
            throw CLIError.noInput("cannot read the \(flag) file '\(path)'; check the path and permissions")
        }
        return path
    }

    /// One address (a display name is fine; a list is not).
    func mailbox(_ text: String, flag: String) throws -> Mailbox {
        do {
            return try Mailbox(text)
        } catch {
            throw CLIError.usage("\(flag): \(error)")
        }
    }

    /// Addresses from repeatable, comma-separated flags.
    func mailboxes(_ values: [String], flag: String) throws -> [Mailbox] {
        do {
            return try values.flatMap { try Mailbox.parseList($0) }
        } catch {
            throw CLIError.usage("\(flag): \(error)")
        }
    }
}

/// Temporary files of this run, removed when the process exits (normally or by `exit`).
enum TemporaryFiles {
    nonisolated(unsafe) private static var paths: [String] = []
    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered = false

    static func removeAtExit(_ path: String) {
        lock.withLock {
            paths.append(path)
            if !registered {
                registered = true
                atexit { TemporaryFiles.removeAll() }
            }
        }
    }

    private static func removeAll() {
        for path in lock.withLock({ paths }) { unlink(path) }
    }
}
