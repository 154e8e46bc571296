import Foundation

/// A message with more recipients than the server takes in one transaction
/// (``SendingLimits/recipientsPerMessage``), sent as several (RFC 5321 §4.5.3.1.8 allows a
/// server to limit recipients; the client then sends the rest in further transactions), and
/// reported as one: delivered when every part was, ``SMTPError/Kind/partiallyDelivered`` when
/// some recipients got it and others not, and the first part's failure when none did (then
/// sending it again is safe).
final class RecipientSplit: @unchecked Sendable {
    let item: OutgoingItem
    let parts: Int
    private let lock = NSLock()
    private var outcomes: [Int: (Result<DeliveryReport, any Error>, Bool)] = [:]
    /// Each part's recipients, in envelope order.
    let recipients: [[Mailbox]]

    init(item: OutgoingItem, cap: Int) {
        self.item = item
        recipients = stride(from: 0, to: item.envelope.recipients.count, by: cap).map {
            Array(item.envelope.recipients[$0..<min($0 + cap, item.envelope.recipients.count)])
        }
        parts = recipients.count
    }

    /// The parts to send, when the content can be read once per part.
    func partItems() -> [OutgoingItem]? {
        var items: [OutgoingItem] = []
        for (index, part) in recipients.enumerated() {
            guard let content = index == 0 ? item.content : Self.replay(item.content) else { return nil }
            var envelope = item.envelope
            envelope.recipients = part
            var partItem = OutgoingItem(content: content, envelope: envelope, tag: index, attempts: item.attempts)
            partItem.group = self
            items.append(partItem)
        }
        return items
    }

    /// The same content, to be read again from its start.
    private static func replay(_ content: MessageContent) -> MessageContent? {
        switch content {
        case .message, .bytes, .file: return content
        case .source(let source): return (source as? ReplayableSource)?.replayed().map(MessageContent.source)
        }
    }

    /// Records a part's outcome; the message's, once every part has one.
    func record(part: Int, _ outcome: Result<DeliveryReport, any Error>, lost: Bool) -> (Result<DeliveryReport, any Error>, Bool)? {
        lock.withLock {
            outcomes[part] = (outcome, lost)
            return outcomes.count == parts ? combined(notSent: []) : nil
        }
    }

    /// The message's outcome when the parts from `firstUnsent` on never went out.
    func finishUnsent(from firstUnsent: Int, cause: String) -> (Result<DeliveryReport, any Error>, Bool) {
        lock.withLock { combined(notSent: recipients[firstUnsent...].flatMap { $0 }.map(\.address), cause: cause) }
    }

    private func combined(notSent: [String], cause: String? = nil) -> (Result<DeliveryReport, any Error>, Bool) {
        let ordered = (0..<parts).compactMap { outcomes[$0] }
        let delivered = ordered.compactMap { if case .success(let report) = $0.0 { report } else { nil } }
        if delivered.count == parts, let last = delivered.last {
            return (.success(DeliveryReport(recipients: delivered.flatMap(\.recipients), finalReply: last.finalReply,
                                            server: last.server, tls: last.tls, authenticatedUser: last.authenticatedUser)), false)
        }
        if delivered.isEmpty, let first = ordered.first(where: { if case .failure = $0.0 { true } else { false } }) {
            return first  // nobody has it: the whole message may go again
        }
        var results: [RecipientResult] = []
        for (index, outcome) in ordered.enumerated() {
            switch outcome.0 {
            case .success(let report): results += report.recipients
            case .failure(let error):
                let smtp = error as? SMTPError
                for mailbox in recipients[index] {
                    if let own = smtp?.recipients.first(where: { $0.address == mailbox.address }) {
                        results.append(own)
                    } else if let reply = smtp?.reply {
                        results.append(RecipientResult(address: mailbox.address, reply: reply))
                    }
                }
            }
        }
        let known = Set(results.map(\.address))
        let unknown = recipients.prefix(ordered.count).flatMap { $0 }.map(\.address).filter { !known.contains($0) }
        return (.failure(SMTPError.partiallyDelivered(results, notSent: unknown + notSent, cause: cause)), false)
    }
}

/// A message source that can hand out a fresh reader of the same content, from its start:
/// what lets one raw message go in several transactions (a split recipient list, a repeat)
/// without being read into memory. ``RawMessageFile`` and ``RawMessage`` are.
public protocol ReplayableSource {
    /// A new reader of the same octets, from the first; nil when that is no longer possible.
    func replayed() -> (any MessageDataSource & Sendable)?
}

/// Hands out a split message's parts one after another, before the next message.
final class SplittingSource: OutgoingSource {
    private let base: OutgoingSource
    private let cap: Int?
    private let allowsSplit: Bool
    private var pending: [OutgoingItem] = []

    init(_ base: OutgoingSource, cap: Int?, allowsSplit: Bool) {
        self.base = base
        self.cap = cap
        self.allowsSplit = allowsSplit
    }

    func next(wait: Bool) -> OutgoingItem? {
        if !pending.isEmpty { return pending.removeFirst() }
        guard let item = base.next(wait: wait) else { return nil }
        guard let cap, allowsSplit, item.envelope.recipients.count > cap else { return item }
        let split = RecipientSplit(item: item, cap: cap)
        guard var parts = split.partItems() else { return item }  // prepare refuses it, with the reason
        let first = parts.removeFirst()
        pending = parts
        return first
    }

    var isExhausted: Bool { pending.isEmpty && base.isExhausted }

    /// The splits cut short: each with the index of its first part never handed out.
    var cutShort: [(RecipientSplit, Int)] {
        guard let first = pending.first, let split = first.group else { return [] }
        return [(split, first.tag)]
    }
}
