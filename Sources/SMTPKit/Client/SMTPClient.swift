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
        try await sendAll([content], envelope: envelope)[0]
    }

    /// Sends several messages over one connection (RSET between failures is implied by
    /// each transaction's own clean-up). Stops at the first failure.
    public func sendAll(_ contents: [MessageContent], envelope: Envelope) async throws -> [DeliveryReport] {
        let configuration = configuration, logger = logger, transcript = transcript
        return try await BlockingIO.run("smtpkit \(configuration.host)") { hook in
            let session = try SMTPSession.open(configuration, tlsContext: nil, transcript: transcript,
                                               logger: logger, register: hook.register)
            defer { session.quit() }
            return try contents.map { try session.send($0, envelope: envelope) }
        }
    }

    /// Connects, reads the greeting and EHLO, sets up TLS when possible, and reports
    /// what the server offers — without logging in or sending mail.
    public func probe() async throws -> ServerInfo {
        let configuration = configuration, logger = logger, transcript = transcript
        return try await BlockingIO.run("smtpkit probe") { hook in
            try SMTPSession.probe(configuration, transcript: transcript, logger: logger, register: hook.register)
        }
    }
}
