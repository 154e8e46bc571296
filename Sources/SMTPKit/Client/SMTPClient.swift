import Logging

/// Sends mail over SMTP (RFC 5321), with STARTTLS or implicit TLS (RFC 3207, RFC 8314) and
/// SMTP AUTH (RFC 4954).
///
/// ```swift
/// let file = try ConfigFile.load(path: configPath)
/// let client = SMTPClient(configuration: try SMTPClientConfiguration(resolving: file.profile(named: "office365")))
/// let message = Message(from: try Mailbox("me@example.org"), to: [try Mailbox("you@example.org")],
///                       subject: "Hi", body: "I love computer networks!")
/// let report = try await client.send(message)
/// ```
///
/// ``send(_:)`` opens a connection for one message; ``withConnection(isolation:_:)`` holds one
/// open for as many as you send in its closure. A client holds no connection itself: it is a
/// value that says how to connect, free to copy and share between tasks.
public struct SMTPClient: Sendable {
    /// Where and how this client connects.
    public let configuration: SMTPClientConfiguration
    private let logger: Logger
    private let transcript: TranscriptHandler?

    /// A client that connects as `configuration` says; it opens nothing until a send.
    /// - Parameters:
    ///   - configuration: the server, TLS, timeouts and credentials, resolved once.
    ///   - logger: receives debug/trace events with `smtp.*` metadata (default: none).
    ///   - transcript: receives each dialogue line, redacted (what `-v` prints).
    public init(configuration: SMTPClientConfiguration,
                logger: Logger = Logger(label: "smtpkit", factory: { _ in SwiftLogNoOpLogHandler() }),
                transcript: TranscriptHandler? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.transcript = transcript
    }

    /// Opens a connection — connect, greeting, EHLO, TLS, AUTH, once — runs `body` with it,
    /// and then sends QUIT and closes it, whether `body` returns, throws or its task is
    /// cancelled (QUIT is bounded by ``SMTPTimeouts/quit``). A connection that has already
    /// failed — a 421, a drop, a send cancelled mid-dialogue — is only closed: there is no one
    /// left to say QUIT to.
    ///
    /// The connection is valid only inside `body`; a call on it afterwards throws
    /// ``SMTPError/Kind/connectionUnusable``.
    /// - Throws: what opening the connection throws (``TransportError``, ``SMTPError``,
    ///   ``AuthenticationError``, ``ConfigError`` for a password source), or what `body` throws.
    public func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (SMTPConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await SMTPConnection.open(configuration, transcript: transcript, logger: logger)
        let result: Result
        do {
            result = try await body(connection)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        return result
    }

    /// Sends `message` to all its To, Cc and Bcc recipients, from its From address, over a
    /// connection of its own.
    public func send(_ message: Message) async throws -> DeliveryReport {
        try await send(.message(message), envelope: Envelope(for: message))
    }

    /// Sends `content` with an explicit envelope over a connection of its own: a one-message
    /// ``withConnection(isolation:_:)``.
    public func send(_ content: MessageContent, envelope: Envelope) async throws -> DeliveryReport {
        try await withConnection { try await $0.sendLast(content, envelope: envelope) }
    }

    /// Connects, reads the greeting and EHLO, sets up TLS when possible, and reports
    /// what the server offers — without logging in or sending mail (no password is fetched).
    public func probe() async throws -> ServerInfo {
        let configuration = configuration, logger = logger, transcript = transcript
        return try await BlockingIO.runOnce("smtpkit probe \(configuration.host)") { hook in
            try SMTPSession.probe(configuration, transcript: transcript, logger: logger, cancellation: hook)
        }
    }
}
