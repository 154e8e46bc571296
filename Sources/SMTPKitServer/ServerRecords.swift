/// One message the server accepted (it answered 250 to the final dot).
public struct ReceivedMessage: Sendable, Equatable {
    /// The EHLO/HELO name the client gave.
    public let heloName: String
    /// The reverse path from MAIL FROM, without angle brackets ("" for `<>`).
    public let mailFrom: String
    /// Parameters after MAIL FROM ("SIZE=123", "BODY=8BITMIME").
    public let mailParameters: [String]
    /// Accepted RCPT TO addresses, in order.
    public let recipients: [String]
    /// The message data with dot-stuffing removed and CRLF line ends, without the final dot.
    public let data: [UInt8]
    /// Whether the transaction ran over TLS.
    public let overTLS: Bool
    /// The user who authenticated, if any.
    public let authenticatedUser: String?

    /// `data` as UTF-8 text.
    public var text: String { String(decoding: data, as: UTF8.self) }
}

/// What one client connection did, as the server saw it.
public struct SessionRecord: Sendable, Equatable {
    /// Every line the client sent, in order (DATA content excluded), as received.
    public internal(set) var lines: [String] = []
    /// The same lines grouped by the network read they arrived in: pipelined commands
    /// written at once arrive together (RFC 2920).
    public internal(set) var readGroups: [[String]] = []
    /// Every byte the client sent after TLS was set up (or all of them without TLS),
    /// exactly as it arrived, DATA content included; capped at 64 MiB.
    public internal(set) var received: [UInt8] = []
    /// The TLS version, when the session used TLS.
    public internal(set) var tlsVersion: String?
    /// How the session ended: "quit", "closed", "dropped", "timeout", or an error's text.
    public internal(set) var ending = ""
}
