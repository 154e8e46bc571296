/// A message to send with its envelope: what ``SMTPConnection/send(_:)-([OutgoingMessage])`` and
/// ``SMTPClient/send(_:connections:)-([OutgoingMessage],_)`` take.
public struct OutgoingMessage: Sendable {
    /// What goes after DATA (or in BDAT chunks).
    public var content: MessageContent
    /// MAIL FROM, RCPT TO and their parameters.
    public var envelope: Envelope

    /// `message`, to its To, Cc and Bcc recipients from its From address (``Envelope/init(for:)``).
    public init(_ message: Message) {
        self.init(.message(message), envelope: Envelope(for: message))
    }

    /// `content` with an explicit envelope.
    public init(_ content: MessageContent, envelope: Envelope) {
        self.content = content
        self.envelope = envelope
    }
}
