import Foundation

extension SMTPClient {
    /// The most connections one message is handed to (its connection lost before its end of data went out).
    static let maxAttempts = 3
    /// The most connection failures in a row one connection slot takes before it gives up.
    static let maxReconnects = 3

    /// Sends every message of `messages` over a pool of `connections` connections, each held
    /// as long as there is mail (``withConnection(isolation:_:)``) and pipelined across
    /// messages (``SMTPConnection/send(_:)-([OutgoingMessage])``), and yields one ``SendResult``
    /// per message in the order they complete.
    ///
    /// ```swift
    /// for try await result in client.send(letters, connections: 4) {
    ///     if case .failure(let error) = result.outcome { print(result.index, error) }
    /// }
    /// ```
    ///
    /// - **Back-pressure**: the sequence is read only as fast as the connections send; at most
    ///   a few messages per connection are held in memory, whatever its length.
    /// - **Lost connections**: a 421 or a drop reconnects, with backoff, up to 3 failures in
    ///   a row; a message caught before its end of data went out is tried again on a
    ///   connection (3 attempts at most). One whose end of data went out
    ///   without a reply is reported ``SMTPError/Kind/deliveryStatusUnknown`` and never resent.
    /// - **Refusals** (a 5xx, or a 4xx to one message) are reported, not retried: the next
    ///   message goes on. A login or certificate failure stops the whole send: every message
    ///   not sent is reported with that error.
    /// - **Limits**: ``SMTPClientConfiguration/limits`` (messages per connection, per minute).
    /// - **Stopping**: ``BulkSend/stop()`` lets the messages in flight finish and reports the
    ///   rest unsent; ending the iteration early cancels the send.
    ///
    /// The sequence's own error, if it throws, ends the results after every message taken
    /// from it has been reported.
    public func send<Messages: AsyncSequence & Sendable>(_ messages: Messages, connections: Int = 1) -> BulkSend
    where Messages.Element == OutgoingMessage {
        bulkSend(connections: connections) { put in
            for try await message in messages {
                guard await put(message) else { return }
            }
        }
    }

    /// ``send(_:connections:)`` for composed messages, each to its To, Cc and Bcc from its From.
    public func send<Messages: AsyncSequence & Sendable>(_ messages: Messages, connections: Int = 1) -> BulkSend
    where Messages.Element == Message {
        bulkSend(connections: connections) { put in
            for try await message in messages {
                guard await put(OutgoingMessage(message)) else { return }
            }
        }
    }

    /// ``send(_:connections:)`` for messages already in memory.
    public func send(_ messages: [OutgoingMessage], connections: Int = 1) -> BulkSend {
        bulkSend(connections: connections) { put in
            for message in messages {
                guard await put(message) else { return }
            }
        }
    }

    /// The pool behind every bulk send: one task reads the messages into a bounded queue,
    /// `connections` tasks each hold a connection fed from it.
    private func bulkSend(
        connections: Int,
        feed: @escaping @Sendable (_ put: (OutgoingMessage) async -> Bool) async throws -> Void
    ) -> BulkSend {
        let slots = max(1, connections)
        let queue = OutgoingQueue(capacity: 4 * slots)
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: SendResult.self)
        let reporter = BulkReporter(continuation)
        let limiter = configuration.limits.messagesPerMinute.map { SendRateLimiter(perMinute: $0) }
        let client = self
        let driver = Task {
            let inputError: (any Error)? = await withTaskGroup(of: (any Error)?.self) { group in
                group.addTask {
                    var index = 0
                    do {
                        try await feed { message in
                            let item = OutgoingItem(content: message.content, envelope: message.envelope, tag: index)
                            index += 1
                            if await queue.put(item) { return true }
                            reporter.report(item, .failure(queue.stopped ?? CancellationError()))
                            return false
                        }
                        queue.finishInput()
                        return nil
                    } catch {
                        queue.finishInput()
                        return error
                    }
                }
                let alive = AliveCount(slots)
                for _ in 0..<slots {
                    group.addTask {
                        await client.runConnectionSlot(queue: queue, reporter: reporter, limiter: limiter, alive: alive)
                        return nil
                    }
                }
                var first: (any Error)?
                for await error in group { first = first ?? error }
                return first
            }
            reporter.finish(throwing: inputError)
        }
        continuation.onTermination = { termination in
            if case .cancelled = termination {
                queue.stop(because: CancellationError())
                driver.cancel()
            }
        }
        return BulkSend(stream: stream, queue: queue, reporter: reporter)
    }

    /// One connection of the pool, reopened when it is lost, until the queue is empty or the
    /// connection keeps failing. The last slot to give up reports what is left unsent.
    private func runConnectionSlot(queue: OutgoingQueue, reporter: BulkReporter, limiter: SendRateLimiter?, alive: AliveCount) async {
        var failures = 0
        var lastError: any Error = SMTPError.connectionUnusable("no connection could be made")
        let perConnection = configuration.limits.messagesPerConnection
        while !queue.isExhausted && !Task.isCancelled {
            do {
                let ended = try await withConnection { connection in
                    failures = 0
                    let share = ConnectionShare(queue: queue, limit: perConnection, limiter: limiter, reporter: reporter)
                    return try await connection.sendAll(from: share, quitAtEnd: true) { item, outcome, lost in
                        var again = item
                        again.attempts += 1
                        if lost, case .failure(let error) = outcome, RetryVerdict(for: error) == .retryable,
                           item.attempts < Self.maxAttempts, queue.requeue(again) {
                            return  // another connection (or this one, reopened) takes it
                        }
                        reporter.report(item, outcome)
                    }
                }
                if ended { continue }
                failures += 1  // the connection was lost under its messages
                lastError = SMTPError.connectionUnusable("the connection was lost \(failures) times in a row")
            } catch {
                failures += 1
                lastError = error
                if RetryVerdict(for: error) != .retryable {
                    // A login or certificate problem: every other connection would meet it too.
                    for item in queue.stop(because: error) { reporter.report(item, .failure(error)) }
                    break
                }
            }
            if failures >= Self.maxReconnects { break }
            try? await Task.sleep(nanoseconds: UInt64(min(5.0, 0.25 * pow(2, Double(failures - 1))) * 1e9))
        }
        if alive.leave() == 0 && !queue.isExhausted {
            for item in queue.stop(because: lastError) { reporter.report(item, .failure(lastError)) }
        }
    }
}

/// The results of a bulk send (``SMTPClient/send(_:connections:)-([OutgoingMessage],_)``), as an `AsyncSequence`
/// in completion order.
public struct BulkSend: AsyncSequence, Sendable {
    /// One message's outcome.
    public typealias Element = SendResult
    let stream: AsyncThrowingStream<SendResult, any Error>
    let queue: OutgoingQueue
    let reporter: BulkReporter

    /// Iterates the results as messages complete; it ends when every message taken has been
    /// reported, throwing the message sequence's own error if it threw.
    public func makeAsyncIterator() -> AsyncThrowingStream<SendResult, any Error>.Iterator {
        stream.makeAsyncIterator()
    }

    /// Stops taking messages: those on the wire finish (nothing is cut off mid-message), each
    /// connection then ends with QUIT, and those still waiting are reported unsent with
    /// `CancellationError`. What Ctrl-C does in `smtpkit send --messages`.
    public func stop() {
        for item in queue.stop(because: CancellationError()) { reporter.report(item, .failure(CancellationError())) }
    }
}

/// Turns engine reports into ``SendResult``s on the results stream, from any thread.
final class BulkReporter: Sendable {
    private let continuation: AsyncThrowingStream<SendResult, any Error>.Continuation

    init(_ continuation: AsyncThrowingStream<SendResult, any Error>.Continuation) { self.continuation = continuation }

    func report(_ item: OutgoingItem, _ outcome: Result<DeliveryReport, any Error>) {
        continuation.yield(SendResult(index: item.tag, envelope: item.envelope, outcome: outcome, attempts: item.attempts))
    }

    func finish(throwing error: (any Error)?) { continuation.finish(throwing: error) }
}

/// How many connection slots are still running.
final class AliveCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count: Int

    init(_ count: Int) { self.count = count }

    /// One slot ends; returns how many are left.
    func leave() -> Int { lock.withLock { count -= 1; return count } }
}

/// One connection's view of the shared queue: it ends after the per-connection limit, and
/// each message waits for a slot of the per-minute limit.
final class ConnectionShare: OutgoingSource, @unchecked Sendable {
    private let queue: OutgoingQueue
    private let limit: Int?
    private let limiter: SendRateLimiter?
    /// Where a message goes that cannot be put back because the send was stopped.
    private let reporter: BulkReporter?
    private var taken = 0

    init(queue: OutgoingQueue, limit: Int?, limiter: SendRateLimiter?, reporter: BulkReporter? = nil) {
        self.queue = queue
        self.limit = limit
        self.limiter = limiter
        self.reporter = reporter
    }

    func next(wait: Bool) -> OutgoingItem? {
        if let limit, taken >= limit { return nil }
        guard let item = queue.take(wait: wait) else { return nil }
        if let limiter, !limiter.acquire(wait: wait, isCancelled: { queue.stopped != nil }) {
            if !queue.requeue(item) { reporter?.report(item, .failure(queue.stopped ?? CancellationError())) }
            return nil
        }
        taken += 1
        return item
    }

    var isExhausted: Bool {
        if let limit, taken >= limit { return true }
        return queue.isExhausted
    }
}
