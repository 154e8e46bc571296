/// A message for a session to send: its content, its envelope, and a tag the caller uses to
/// tell its messages apart in reports (an index into the caller's sequence).
struct OutgoingItem: Sendable {
    let content: MessageContent
    let envelope: Envelope
    let tag: Int
    /// How many times it has been handed to a connection, this one included.
    var attempts = 1
    /// For one of the transactions a message with more recipients than the server takes is
    /// split into: the message's parts, whose outcomes are reported as one.
    var group: RecipientSplit?
}

/// Where a session's pipeline takes its messages from, one at a time (RFC 2920 §3.1: the next
/// transaction's commands go out with the end of the one before, so the source is asked for
/// the next message before the last one's reply has been read).
protocol OutgoingSource: AnyObject {
    /// The next message. With `wait` false, nil when none is ready right now; with `wait`
    /// true, blocks until one is, and nil only when none will ever come for this connection.
    func next(wait: Bool) -> OutgoingItem?
    /// True once no message will ever come again for this connection: QUIT may then go in
    /// the same write as the last message's end of data.
    var isExhausted: Bool { get }
}

/// One message, handed over once: what ``SMTPConnection/send(_:envelope:)`` sends.
final class SingleItemSource: OutgoingSource {
    private var item: OutgoingItem?

    init(_ item: OutgoingItem) { self.item = item }

    func next(wait: Bool) -> OutgoingItem? {
        defer { item = nil }
        return item
    }

    var isExhausted: Bool { item == nil }
}

/// One message on its way through a session (RFC 5321 §3.3): the commands made for it before
/// anything is sent, and the server's replies as they are read.
final class Transaction {
    let item: OutgoingItem
    let mail: Command
    let recipients: [(address: String, command: Command)]
    let source: MessageDataSource
    /// The data goes in BDAT chunks (RFC 3030) rather than after DATA.
    let chunked: Bool

    var mailReply: Reply?
    var recipientReplies: [Reply] = []
    /// The reply to DATA (354 to go on), or the first refusal of a BDAT chunk that is not the last.
    var dataReply: Reply?
    /// The reply to the final dot or to BDAT … LAST.
    var finalReply: Reply?
    /// The end of the data (final dot, BDAT … LAST) has been written: a reply lost from here
    /// on means the message may have been delivered (RFC 5321 §6.1).
    var endSent = false
    /// Blocks already read from `source` (to learn whether the message fits in one BDAT chunk),
    /// to be sent before reading on.
    var lookahead: [[UInt8]] = []

    init(item: OutgoingItem, mail: Command, recipients: [(address: String, command: Command)],
         source: MessageDataSource, chunked: Bool) {
        self.item = item
        self.mail = mail
        self.recipients = recipients
        self.source = source
        self.chunked = chunked
    }

    /// Each recipient with its reply, for those answered so far.
    var recipientResults: [RecipientResult] {
        zip(recipients, recipientReplies).map { RecipientResult(address: $0.address, reply: $1) }
    }

    /// Whether every envelope reply is in: MAIL's, and each RCPT's.
    var envelopeAnswered: Bool { mailReply != nil && recipientReplies.count == recipients.count }
}
