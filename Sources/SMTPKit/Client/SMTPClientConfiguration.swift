/// Everything a session needs to know: where, how securely, as whom, how patiently.
public struct SMTPClientConfiguration: Sendable {
    /// The server's host name or address.
    public var host: String
    /// The TCP port (25 relay, 587 submission, 465 implicit TLS).
    public var port: Int
    /// How the connection is protected; the default for the port when not set (RFC 8314 §3).
    public var tlsMode: TLSMode
    /// Certificate verification settings.
    public var tls: TLSConfiguration
    /// The login, when the server needs one.
    public var credentials: Credentials?
    /// Which SASL mechanism to use (RFC 4954).
    public var auth: AuthChoice
    /// Allow sending credentials over an unencrypted connection. Off by default.
    public var allowPlaintextAuth: Bool
    /// The name sent in EHLO/HELO; nil uses the host's FQDN, or an address literal
    /// of the local address when it has none (RFC 5321 §4.1.4).
    public var heloName: String?
    /// Per-phase limits.
    public var timeouts: SMTPTimeouts
    /// Send to the accepted recipients when some are refused (instead of sending nothing).
    public var allowPartialDelivery: Bool

    public init(
        host: String,
        port: Int = 587,
        tlsMode: TLSMode? = nil,
        tls: TLSConfiguration = TLSConfiguration(),
        credentials: Credentials? = nil,
        auth: AuthChoice = .auto,
        allowPlaintextAuth: Bool = false,
        heloName: String? = nil,
        timeouts: SMTPTimeouts = SMTPTimeouts(),
        allowPartialDelivery: Bool = false
    ) {
        self.host = host
        self.port = port
        self.tlsMode = tlsMode ?? TLSMode.defaultMode(forPort: port)
        self.tls = tls
        self.credentials = credentials
        self.auth = auth
        self.allowPlaintextAuth = allowPlaintextAuth
        self.heloName = heloName
        self.timeouts = timeouts
        self.allowPartialDelivery = allowPartialDelivery
    }

    /// Set by probe: the session starts in clear but may try STARTTLS, so it needs TLS settings.
    var probesTLS = false

    /// True when this configuration will try to log in.
    var wantsAuthentication: Bool { credentials != nil && auth != .disabled }
}
