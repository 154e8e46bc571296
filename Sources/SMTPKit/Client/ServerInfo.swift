/// What a probe (``SMTPClient/probe()``) learns about a server without sending mail.
public struct ServerInfo: Sendable {
    /// The address connected to ("127.0.0.1:587").
    public let server: String
    /// The 220 greeting.
    public let greeting: Reply
    /// Whether the server took EHLO (false: it only knows HELO).
    public let supportsEHLO: Bool
    /// The EHLO reply's capabilities before TLS (implicit TLS: the only ones).
    public let capabilitiesBeforeTLS: Capabilities
    /// The capabilities after STARTTLS, when TLS was set up.
    public let capabilitiesAfterTLS: Capabilities?
    /// The TLS parameters and certificate, when TLS was set up.
    public let tls: TLSSessionInfo?
    /// Why TLS could not be set up, when it was tried and failed.
    public let tlsFailure: String?
    /// The error that stopped TLS, when it was tried and failed.
    public let tlsError: (any Error)?

    /// The capabilities that apply to mail sent now.
    public var capabilities: Capabilities { capabilitiesAfterTLS ?? capabilitiesBeforeTLS }
}
