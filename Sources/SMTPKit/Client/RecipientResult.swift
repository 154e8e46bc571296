/// One recipient's fate in a transaction: its RCPT TO reply (RFC 5321 §4.1.1.3).
public struct RecipientResult: Sendable, Equatable {
    /// The address as sent in RCPT TO.
    public let address: String
    /// The server's reply to it.
    public let reply: Reply

    /// The result for `address`, which the server answered with `reply`.
    public init(address: String, reply: Reply) {
        self.address = address
        self.reply = reply
    }

    /// True when the server accepted it (2xx).
    public var isAccepted: Bool { reply.isPositive }
}

/// What happened to a message the server accepted.
public struct DeliveryReport: Sendable, Equatable {
    /// Every recipient, in envelope order, with its reply.
    public let recipients: [RecipientResult]
    /// The reply to the final dot ("250 2.0.0 Ok: queued as …").
    public let finalReply: Reply
    /// The server that took it ("127.0.0.1:587").
    public let server: String
    /// TLS parameters when the session was encrypted.
    public let tls: TLSSessionInfo?
    /// The user name the session authenticated as.
    public let authenticatedUser: String?

    /// Recipients the server accepted.
    public var accepted: [RecipientResult] { recipients.filter(\.isAccepted) }
    /// Recipients the server refused (only with partial delivery allowed).
    public var refused: [RecipientResult] { recipients.filter { !$0.isAccepted } }
}
