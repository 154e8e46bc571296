import Logging

/// Sends mail over SMTP (RFC 5321), with STARTTLS or implicit TLS (RFC 3207, RFC 8314) and
/// SMTP AUTH (RFC 4954).
///
/// ```swift
/// let client = SMTPClient(configuration: .init(host: "smtp.office365.com", port: 587,
///                         credentials: Credentials(user: "me@example.org", secret: password)))
/// let message = Message(from: try Mailbox("me@example.org"), to: [try Mailbox("you@example.org")],
///                       subject: "Hi", body: "I love computer networks!")
/// let report = try await client.send(message)
/// ```
/// Each call opens a connection, runs the session on a thread of its own and closes it.
public struct SMTPClient: Sendable {
    public let configuration: SMTPClientConfiguration
    private let logger: Logger
    private let transcript: TranscriptHandler?

    /// - Parameters:
    ///   - logger: receives debug/trace events with `smtp.*` metadata (default: none).
    ///   - transcript: receives each dialogue line, redacted (what `-v` prints).
    public init(configuration: SMTPClientConfiguration,
                logger: Logger = Logger(label: "smtpkit", factory: { _ in SwiftLogNoOpLogHandler() }),
                transcript: TranscriptHandler? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.transcript = transcript
    }

    /// Sends `message` to all its To, Cc and Bcc recipients, from its From address.
    public func send(_ message: Message) async throws -> DeliveryReport {
        let envelope = Envelope(sender: message.from.address, recipients: message.recipients.map(\.address))
        return try await send(.message(message), envelope: envelope)
    }

    /// Sends `content` with an explicit envelope.
    public func send(_ content: MessageContent, envelope: Envelope) async throws -> DeliveryReport {
        try await sendAll([(content, envelope)])[0].mapError { outcome(of: $0, cancelled: Task.isCancelled) }.get()
    }

    /// Sends several messages over one connection, one transaction each (RFC 5321 §3.3).
    ///
    /// A message the server refuses does not stop the others (its transaction is reset);
    /// once the connection itself fails, every message not yet sent gets that error. So
    /// the result says, message by message, which were delivered — nothing is lost to an
    /// error that came later.
    /// - Throws: only when the session cannot be set up at all (connect, TLS, AUTH).
    public func sendAll(_ messages: [(MessageContent, Envelope)]) async throws -> [Result<DeliveryReport, any Error>] {
        let configuration = configuration, logger = logger, transcript = transcript
        return try await BlockingIO.run("smtpkit \(configuration.host)") { hook in
            let session = try SMTPSession.open(configuration, transcript: transcript, logger: logger, cancellation: hook)
            defer { session.quit() }
            var results: [Result<DeliveryReport, any Error>] = []
            var fatal: (any Error)?
            for (content, envelope) in messages {
                if let fatal {
                    results.append(.failure(fatal))
                    continue
                }
                results.append(Result { try session.send(content, envelope: envelope) })
                if case .failure(let error) = results.last!, session.isBroken { fatal = error }
            }
            return results
        }
    }

    /// Connects, reads the greeting and EHLO, sets up TLS when possible, and reports
    /// what the server offers — without logging in or sending mail.
    public func probe() async throws -> ServerInfo {
        let configuration = configuration, logger = logger, transcript = transcript
        return try await BlockingIO.run("smtpkit probe") { hook in
            try SMTPSession.probe(configuration, transcript: transcript, logger: logger, cancellation: hook)
        }
    }
}
