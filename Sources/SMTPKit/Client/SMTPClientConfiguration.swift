/// Everything a session needs to know: where, how securely, as whom, how patiently.
///
/// Build one by hand, or from config-file profiles with ``init(resolving:environment:passwordPrompt:)``,
/// which applies the same defaults and checks as the `smtpkit` command.
public struct SMTPClientConfiguration: Sendable {
    /// The server's host name or address.
    public var host: String
    /// The TCP port (25 relay, 587 submission, 465 implicit TLS).
    public var port: Int
    /// How the connection is protected.
    public var tlsMode: TLSMode
    /// Certificate verification settings.
    public var tls: TLSConfiguration
    /// The login, when the server needs one: a user name and where its secret comes from.
    public var credentials: CredentialProvider?
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
    /// What a bulk send keeps to: messages per connection, messages per minute.
    public var limits = SendingLimits()

    /// A configuration for `host`. An unset `port` or `tlsMode` follows from the other
    /// (``TLSMode/resolve(port:mode:)``, RFC 8314 §3): neither set means 587 with STARTTLS,
    /// `tlsMode: .implicit` alone means 465, `port: 465` alone means implicit TLS.
    public init(
        host: String,
        port: Int? = nil,
        tlsMode: TLSMode? = nil,
        tls: TLSConfiguration = TLSConfiguration(),
        credentials: CredentialProvider? = nil,
        auth: AuthChoice = .auto,
        allowPlaintextAuth: Bool = false,
        heloName: String? = nil,
        timeouts: SMTPTimeouts = SMTPTimeouts(),
        allowPartialDelivery: Bool = false
    ) {
        let (port, mode) = TLSMode.resolve(port: port, mode: tlsMode)
        self.host = host
        self.port = port
        self.tlsMode = mode
        self.tls = tls
        self.credentials = credentials
        self.auth = auth
        self.allowPlaintextAuth = allowPlaintextAuth
        self.heloName = heloName
        self.timeouts = timeouts
        self.allowPartialDelivery = allowPartialDelivery
    }

    /// True when this configuration will try to log in.
    public var wantsAuthentication: Bool { credentials != nil && auth != .disabled }

    /// The one rule for credentials and encryption (RFC 4954 §4, RFC 8314 §3): a login goes
    /// only over an encrypted connection, unless plaintext was explicitly allowed — and an
    /// access token never in clear, allowed or not (RFC 6750 §5.3: bearer tokens need TLS).
    /// - Parameter encrypted: whether the connection is (or, before connecting, will be) encrypted.
    /// - Throws: ``AuthenticationError/tokenRequiresTLS`` or ``AuthenticationError/plaintextRefused``
    ///   when the login would travel in clear.
    func checkCredentialPolicy(encrypted: Bool) throws {
        guard wantsAuthentication && !encrypted else { return }
        if credentials?.kind == .bearerToken || auth.usesBearerToken { throw AuthenticationError.tokenRequiresTLS }
        if !allowPlaintextAuth { throw AuthenticationError.plaintextRefused }
    }
}
