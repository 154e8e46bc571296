import Foundation
import SMTPKit

extension Send {
    /// `--messages`, `--repeat`, `--connections`, `--report`: many messages through the pool.
    func runBulk(loader: ProfileLoader, profile: Profile) async throws {
        let batch = try bulkMessages(profile: profile)
        let configuration = try loader.configuration(profile)
        Terminal.warnIfInsecure(configuration)
        try await BulkRunner(verbose: connection.verbose, connections: connections, report: report).run(batch, configuration: configuration)
    }

    /// The messages to send, read lazily: a folder's files, an mbox's messages, or one
    /// message `--repeat` times.
    func bulkMessages(profile: Profile) throws -> BulkMessages {
        let problems = ProblemTable()
        let explicit = try mailboxes(to, flag: "--to") + (try mailboxes(cc, flag: "--cc")) + (try mailboxes(bcc, flag: "--bcc"))
        let flagSender = try from.map { try mailbox($0, flag: "--from") }
        let profileSender = try profile.from.map { try mailbox($0, flag: "from (profile)") }
        if let messages {
            let folder = try MessageFolder(path: messages)
            let iterator = LockedIterator(try folder.makeIterator())
            let stream = AsyncThrowingStream<OutgoingMessage, any Error> {
                guard let (index, (name, open)) = iterator.next() else { return nil }
                do {
                    let raw = try open()
                    guard let sender = flagSender ?? raw.headers.envelopeSender ?? profileSender else {
                        throw CLIError.usage("no sender: it has no From header, and neither --from nor the profile's from is set")
                    }
                    let recipients = Mailbox.uniqued(raw.headers.recipients + explicit)
                    if recipients.isEmpty { throw CLIError.usage("it has no To, Cc or Bcc recipient (and none was given with --to)") }
                    return OutgoingMessage(.source(raw), envelope: Envelope(sender: sender, recipients: recipients))
                } catch {
                    // Reported as this message's failure; the others go on. The empty envelope
                    // makes the pool refuse it before anything is sent.
                    problems.record(index, "\(name): \(error)")
                    return OutgoingMessage(.bytes([]), envelope: Envelope(sender: nil, recipients: []))
                }
            }
            let isMbox = !folder.isDirectory
            return BulkMessages(messages: stream, total: folder.count, problems: problems) { index in
                isMbox ? "mbox #\(index + 1)" : (folder.files[index] as NSString).lastPathComponent
            }
        }
        let (content, envelope) = try isRaw ? rawContent(profile: profile) : composedContent(profile: profile)
        let copy = try Self.copier(content)
        let copies = (0..<repeatCount).lazy.map { _ in OutgoingMessage(copy(), envelope: envelope) }
        return BulkMessages(messages: BulkMessages.stream(copies), total: repeatCount, problems: problems) { "#\($0 + 1)" }
    }

    /// Makes the content once per copy: a raw message (file or standard input, already spooled)
    /// is read again from its start for each, never held in memory; only a source that cannot be
    /// replayed is read into memory once.
    static func copier(_ content: MessageContent) throws -> @Sendable () -> MessageContent {
        guard case .source(let source) = content else { return { content } }
        if source is ReplayableSource {
            return { (source as? ReplayableSource)?.replayed().map(MessageContent.source) ?? content }
        }
        var bytes: [UInt8] = []
        while true {
            let chunk = try source.read(maxLength: 1 << 16)
            if chunk.isEmpty { return { [bytes] in .bytes(bytes) } }
            bytes += chunk
        }
    }
}

/// What a bulk run sends, and how to name each message in reports.
struct BulkMessages {
    /// The messages of `sequence`, read one at a time as the pool asks.
    static func stream(_ sequence: some Sequence<OutgoingMessage>) -> AsyncThrowingStream<OutgoingMessage, any Error> {
        let iterator = LockedIterator(AnyIterator(sequence.makeIterator()))
        return AsyncThrowingStream { iterator.next()?.1 }
    }

    let messages: AsyncThrowingStream<OutgoingMessage, any Error>
    /// How many, when known before reading them all.
    let total: Int?
    /// Why a message could not even be made (read in the report instead of the pool's words).
    let problems: ProblemTable
    /// The file name, `mbox #n` or `#n` of the message at an index.
    let name: @Sendable (Int) -> String
}

/// Why messages that could not be read failed, by index.
final class ProblemTable: @unchecked Sendable {
    private let lock = NSLock()
    private var reasons: [Int: String] = [:]

    func record(_ index: Int, _ reason: String) { lock.withLock { reasons[index] = reason } }
    func reason(for index: Int) -> String? { lock.withLock { reasons[index] } }
}

/// An iterator the message stream's producer can call from any task, one call at a time;
/// it numbers what it hands out from 0.
final class LockedIterator<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var base: AnyIterator<Element>
    private var index = 0

    init(_ base: AnyIterator<Element>) { self.base = base }

    func next() -> (Int, Element)? {
        lock.withLock {
            guard let element = base.next() else { return nil }
            defer { index += 1 }
            return (index, element)
        }
    }
}

extension Result {
    /// The error of a failure.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
