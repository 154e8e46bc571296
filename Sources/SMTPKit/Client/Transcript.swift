/// One line of the dialogue as the user sees it with `-v`, already redacted.
public struct TranscriptEntry: Sendable, Equatable, CustomStringConvertible {
    /// Who said it.
    public enum Direction: Sendable, Equatable {
        /// A line the client sent.
        case client
        /// A line the server sent.
        case server
        /// A note from SMTPKit itself (connecting, TLS set up).
        case info
    }

    /// Who said it: the client, the server, or SMTPKit's own note.
    public let direction: Direction
    /// Whether the line travelled inside TLS.
    public let encrypted: Bool
    /// The line, without its CRLF; passwords replaced by `****`.
    public let text: String

    /// An entry for `text` (already redacted, without CRLF) said by `direction`.
    public init(direction: Direction, encrypted: Bool, text: String) {
        self.direction = direction
        self.encrypted = encrypted
        self.text = text
    }

    /// swaks' format: `->` / `<-` in clear, `~>` / `<~` inside TLS, `===` for notes.
    public var description: String {
        switch direction {
        case .client: return (encrypted ? " ~> " : " -> ") + text
        case .server: return (encrypted ? "<~  " : "<-  ") + text
        case .info: return "=== " + text
        }
    }
}

/// Receives each transcript line as it happens, on the session's I/O thread.
public typealias TranscriptHandler = @Sendable (TranscriptEntry) -> Void
