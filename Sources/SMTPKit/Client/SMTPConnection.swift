import Foundation
import Logging

/// An open SMTP session that is ready to send: connected, greeted, TLS set up and logged
/// in as configured. Get one from ``SMTPClient/withConnection(isolation:_:)``, send any number
/// of messages over it, one transaction each (RFC 5321 §3.3), and let the scope close it.
///
/// ```swift
/// let reports = try await client.withConnection { connection in
///     var reports: [DeliveryReport] = []
///     for message in messages { reports.append(try await connection.send(message)) }
///     return reports
/// }
/// ```
///
/// **After a failure.** A transaction the server refuses (a 5xx or 4xx to MAIL, RCPT, DATA or
/// the final dot) is reset with RSET and the connection stays usable for the next message.
/// When the connection itself fails — the server answers 421 (RFC 5321 §3.8), drops it, stops
/// answering, or breaks the protocol — that send throws its error and every later call throws
/// ``SMTPError/Kind/connectionUnusable``, which says what broke it: nothing is sent twice and
/// nothing after the failure is reported sent. Reconnecting is the caller's choice.
///
/// **Concurrency.** `SMTPConnection` is `Sendable` and serialises: its blocking I/O runs on a
/// thread of its own, never on Swift's cooperative pool, so calls from several tasks run
/// one at a time, in the order they arrive, each a whole transaction. Cancelling the task of a
/// call that is in progress closes the connection: before the final dot nothing is delivered
/// and the call throws `CancellationError`; while the reply to the final dot is awaited it
/// throws ``SMTPError/Kind/deliveryStatusUnknown`` (the message may have been accepted). A
/// call cancelled before it starts throws `CancellationError` and sends nothing.
public final class SMTPConnection: Sendable {
    private let session: SMTPSession
    private let thread: IOThread
    private let state = StateBox()

    /// The address connected to ("127.0.0.1:587").
    public let server: String
    /// The server's 220 greeting.
    public let greeting: Reply
    /// What the server offers, from its last EHLO (after TLS, when TLS is on); empty after a HELO fallback.
    public let capabilities: Capabilities
    /// The TLS parameters and certificate, when the connection is encrypted.
    public let tls: TLSSessionInfo?
    /// The user name the session logged in as, when it did.
    public let authenticatedUser: String?

    private init(session: SMTPSession, thread: IOThread) {
        self.session = session
        self.thread = thread
        server = session.connection.peerDescription
        greeting = session.greeting!
        capabilities = session.capabilities
        tls = session.connection.tlsInfo
        authenticatedUser = session.authenticatedUser
    }

    /// Connects and runs the session up to the point where mail can be sent.
    static func open(_ configuration: SMTPClientConfiguration, transcript: TranscriptHandler?, logger: Logger) async throws -> SMTPConnection {
        let thread = IOThread(name: "smtpkit \(configuration.host)")
        do {
            let session = try await BlockingIO.run(on: thread) { hook in
                try SMTPSession.open(configuration, transcript: transcript, logger: logger, cancellation: hook)
            }
            return SMTPConnection(session: session, thread: thread)
        } catch {
            thread.stop()
            throw error
        }
    }

    deinit { thread.stop() }

    /// Sends `message` to its To, Cc and Bcc recipients from its From address (``Envelope/init(for:)``).
    /// - Throws: ``SMTPError`` (refusals, with ``SMTPError/isTransient`` / ``SMTPError/isPermanent``),
    ///   ``TransportError``, ``MessageError``; ``SMTPError/Kind/connectionUnusable`` once the
    ///   connection has failed or its scope has ended.
    public func send(_ message: Message) async throws -> DeliveryReport {
        try await send(.message(message), envelope: Envelope(for: message))
    }

    /// Sends `content` with an explicit envelope: one transaction, MAIL FROM, RCPT TO for each
    /// recipient, DATA (RFC 5321 §3.3), pipelined when the server offers PIPELINING (RFC 2920).
    public func send(_ content: MessageContent, envelope: Envelope) async throws -> DeliveryReport {
        try await perform { session in try session.send(content, envelope: envelope) }
    }

    /// ``send(_:envelope:)`` for a connection that carries nothing after it (``SMTPClient/send(_:envelope:)``):
    /// DATA is always pipelined, since abandoning it by hanging up loses no later transaction.
    func sendLast(_ content: MessageContent, envelope: Envelope) async throws -> DeliveryReport {
        try await perform { session in try session.send(content, envelope: envelope, isLast: true) }
    }

    /// Sends `messages` back to back, one transaction each, pipelined across transactions when
    /// the server offers PIPELINING (RFC 2920 §3.1): the end of one message's data goes in the
    /// same write as the next message's MAIL, RCPTs and DATA (or BDAT, RFC 3030), so a message
    /// costs one round trip. Returns one result per message, in order: a refused message does
    /// not stop the ones after it. After the connection fails, the rest fail with
    /// ``SMTPError/Kind/connectionUnusable`` unsent, and a message whose end of data went out
    /// without a reply is ``SMTPError/Kind/deliveryStatusUnknown``.
    public func send(_ messages: [OutgoingMessage]) async throws -> [Result<DeliveryReport, any Error>] {
        let source = ListSource(messages)
        let results = ResultList(count: messages.count)
        try await sendAll(from: source, quitAtEnd: false) { item, outcome, _ in results.set(item.tag, outcome) }
        return results.values
    }

    /// Sends what `source` gives until it runs dry or the connection fails, reporting each
    /// message as its outcome is known (on the connection's I/O thread). With `quitAtEnd`, QUIT
    /// goes in the same write as the last end of data and the connection is then closed.
    /// - Returns: false when the connection failed under its messages; true when it ended with
    /// QUIT or is still usable.
    @discardableResult
    func sendAll(from source: OutgoingSource & Sendable, quitAtEnd: Bool,
                 report: @escaping @Sendable (OutgoingItem, Result<DeliveryReport, any Error>, _ connectionLost: Bool) -> Void) async throws -> Bool {
        let session = self.session, state = self.state
        return try await BlockingIO.run(on: thread) { hook in
            if let (reason, cause) = state.unusable { throw SMTPError.connectionUnusable(reason, underlying: cause) }
            hook.watch(session.connection.socket)
            var lastFailure: (any Error)?
            session.sendAll(from: source, quitAtEnd: quitAtEnd, mayAbandonLast: false) { item, outcome, lost in
                if case .failure(let error) = outcome { lastFailure = error }
                report(item, outcome, lost)
            }
            if session.hasQuit {
                _ = state.markClosed()
            } else if session.isBroken {
                state.markBroken(by: lastFailure ?? SMTPError.connectionUnusable("the connection failed"), lastReply: session.lastReply)
            }
            return session.hasQuit || !session.isBroken
        }
    }

    /// Resets the server's transaction state with RSET (RFC 5321 §4.1.1.5). Sends reset by
    /// themselves after a refusal; this is for a caller that wants a clean state anyway.
    public func reset() async throws {
        try await perform { session in _ = try session.resetTransaction() }
    }

    /// Sends NOOP (RFC 5321 §4.1.1.9) and returns the reply: a cheap check that the server
    /// is still there before a send.
    @discardableResult
    public func noop() async throws -> Reply {
        try await perform { session in
            let reply = try session.execute(.noop, timeout: session.timeouts.command)
            if !reply.isPositive { throw SMTPSession.refusal("NOOP", reply) }
            return reply
        }
    }

    /// Whether the connection can still carry a transaction: not failed, not closed.
    public var isUsable: Bool { state.unusable == nil }

    /// QUIT and close, whatever the state; ignores the task's cancellation (bounded by the
    /// QUIT timeout, RFC 5321 §4.1.1.10). Later calls fail with `connectionUnusable`.
    func close() async {
        guard state.markClosed() else { return }
        _ = try? await BlockingIO.run(on: thread, shielded: true) { [session] _ in session.quit() }
    }

    /// Runs one operation on the I/O queue, after checking the connection is usable; records
    /// what broke it when the operation leaves the session unable to go on.
    private func perform<T: Sendable>(_ body: @escaping @Sendable (SMTPSession) throws -> T) async throws -> T {
        let session = self.session, state = self.state
        return try await BlockingIO.run(on: thread) { hook in
            if let (reason, cause) = state.unusable { throw SMTPError.connectionUnusable(reason, underlying: cause) }
            hook.watch(session.connection.socket)
            do {
                return try body(session)
            } catch {
                if session.isBroken { state.markBroken(by: error, lastReply: session.lastReply) }
                throw error
            }
        }
    }
}

/// The messages of one ``SMTPConnection/send(_:)-([OutgoingMessage])``, handed out in order.
private final class ListSource: OutgoingSource, @unchecked Sendable {
    private let messages: [OutgoingMessage]
    private var index = 0

    init(_ messages: [OutgoingMessage]) { self.messages = messages }

    func next(wait: Bool) -> OutgoingItem? {
        guard index < messages.count else { return nil }
        defer { index += 1 }
        return OutgoingItem(content: messages[index].content, envelope: messages[index].envelope, tag: index)
    }

    var isExhausted: Bool { index >= messages.count }
}

/// One result per message, filled in from the I/O thread.
private final class ResultList: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<DeliveryReport, any Error>]

    init(count: Int) {
        results = Array(repeating: .failure(SMTPError.connectionUnusable("the connection failed before this message was sent")), count: count)
    }

    func set(_ index: Int, _ result: Result<DeliveryReport, any Error>) { lock.withLock { results[index] = result } }
    var values: [Result<DeliveryReport, any Error>] { lock.withLock { results } }
}

/// What stops an ``SMTPConnection`` from being used again, behind a lock.
private final class StateBox: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: String?
    private var cause: (any Error)?
    private var closed = false

    /// Why the connection cannot be used, and the error that broke it; nil while it can.
    var unusable: (reason: String, cause: (any Error)?)? {
        lock.withLock { reason.map { ($0, cause) } }
    }

    func markBroken(by error: any Error, lastReply: Reply?) {
        lock.withLock {
            guard reason == nil else { return }
            cause = error
            if let lastReply, lastReply.code == 421 {
                reason = "the server closed it (\(lastReply))"
            } else {
                reason = "an earlier send failed (\(error))"
            }
        }
    }

    /// Marks the scope as ended; false when it already was.
    func markClosed() -> Bool {
        lock.withLock {
            if closed { return false }
            closed = true
            reason = reason ?? "its withConnection scope has ended"
            return true
        }
    }
}
