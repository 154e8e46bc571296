import Foundation

/// How much a server lets one client send, which a bulk send (``SMTPClient/send(_:connections:)-([OutgoingMessage],_)``)
/// keeps to (and, for recipients per message, every send). Microsoft 365 allows 30 messages a minute per mailbox; many relays close a
/// connection after so many messages (Postfix's `smtpd_client_message_rate_limit`, Exchange's
/// per-connection limits). Unset means no limit.
public struct SendingLimits: Sendable, Equatable {
    /// The most messages on one connection; the next goes on a new one (`max_messages_per_connection`).
    public var messagesPerConnection: Int?
    /// The most messages started in any 60 seconds, over all connections (`messages_per_minute`).
    public var messagesPerMinute: Int?
    /// The most recipients in one transaction (`max_recipients_per_message`; Exchange Online
    /// takes 500 by default). A message with more goes in several transactions — only with
    /// partial delivery allowed, since then some recipients can get it and others not; without,
    /// it is refused before anything is sent.
    public var recipientsPerMessage: Int?

    /// Limits as given; nil is no limit.
    public init(messagesPerConnection: Int? = nil, messagesPerMinute: Int? = nil, recipientsPerMessage: Int? = nil) {
        self.messagesPerConnection = messagesPerConnection
        self.messagesPerMinute = messagesPerMinute
        self.recipientsPerMessage = recipientsPerMessage
    }
}

/// At most `limit` messages in any window of `window` seconds: a sliding window over the
/// times of the last `limit` starts, so no minute — however it is cut — holds more.
final class SendRateLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private let limit: Int
    private let window: Double
    private var starts: [Double] = []
    private var oldest = 0

    init(perMinute limit: Int, window: Double = 60) {
        self.limit = max(1, limit)
        self.window = window
    }

    /// Takes a slot for one message. With `wait`, sleeps until one is free (on the calling
    /// I/O thread, never the cooperative pool); without, false when none is free now.
    func acquire(wait: Bool, isCancelled: () -> Bool = { false }) -> Bool {
        while true {
            let delay: Double = lock.withLock {
                let now = Date().timeIntervalSinceReferenceDate
                if starts.count < limit {
                    starts.append(now)
                    return 0
                }
                let free = starts[oldest] + window
                if now >= free {
                    starts[oldest] = now
                    oldest = (oldest + 1) % limit
                    return 0
                }
                return free - now
            }
            if delay == 0 { return true }
            guard wait, !isCancelled() else { return false }
            Thread.sleep(forTimeInterval: min(delay, 0.5))
        }
    }
}
