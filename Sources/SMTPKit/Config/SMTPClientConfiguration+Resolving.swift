import Foundation

extension SMTPClientConfiguration {
    /// The session settings for `profile` — the one place where profile layers become a
    /// session (`smtpkit send`, `probe` and `profiles show` all come through here).
    ///
    /// Lay the layers first (`file.profile(named:)` already holds `[defaults]` under the
    /// profile; a program or the CLI may lay its own over it with ``Profile/overlaid(by:)``),
    /// then resolve:
    /// - every value is checked against its setting's rule (``Profile/validate()``);
    /// - `host` must be set;
    /// - port and TLS mode follow from each other when unset (``TLSMode/resolve(port:mode:)``, RFC 8314 §3);
    /// - `timeout` sets every per-phase limit (``SMTPTimeouts/uniform(_:)``), else RFC 5321's apply;
    /// - with a `user` (and `auth` not `none`), the login is refused here, before any password
    ///   is fetched, if it would travel unencrypted without `allow_plaintext_auth`
    ///   (RFC 4954 §4, RFC 8314 §3); the password comes from the profile's password source,
    ///   else from `passwordPrompt`, fetched lazily — right before AUTH, at most once;
    /// - an `auth` mechanism without a `user` is refused.
    ///
    /// Nothing is read, run or connected to here: the password source is only named.
    /// - Parameters:
    ///   - profile: the layered settings to resolve, such as `file.profile(named:)` returns.
    ///   - environment: the variables a `password_env` source reads and a `password_command`
    ///     runs with (default: this process's).
    ///   - passwordPrompt: asks for the password of the given user when the profile names no
    ///     source (a terminal prompt in a CLI); nil makes a missing source an error.
    /// - Throws: ``ConfigError`` (`invalidValue`, `conflictingPasswordSources`, `missingSetting`),
    ///   ``AuthenticationError/plaintextRefused``.
    public init(
        resolving profile: Profile,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        passwordPrompt: (@Sendable (_ user: String) throws -> String)? = nil
    ) throws {
        try profile.validate()
        guard let host = profile.host else {
            throw ConfigError.missingSetting(key: "host", reason: "no server is set: give the profile a host")
        }
        self.init(
            host: host,
            port: profile.port,
            tlsMode: profile.tls,
            tls: TLSConfiguration(resolving: profile),
            auth: profile.auth ?? .auto,
            allowPlaintextAuth: profile.allowPlaintextAuth ?? false,
            heloName: profile.helo,
            timeouts: profile.timeout.map(SMTPTimeouts.uniform) ?? SMTPTimeouts(),
            allowPartialDelivery: profile.allowPartial ?? false)
        limits = SendingLimits(messagesPerConnection: profile.maxMessagesPerConnection, messagesPerMinute: profile.messagesPerMinute,
                               recipientsPerMessage: profile.maxRecipientsPerMessage)
        guard auth != .disabled else { return }
        // A profile with an OAuth2 client logs in with its stored OAuth2 login under `auto` too.
        if auth == .oauth2 || (auth == .auto && profile.oauthClientID != nil) {
            auth = .oauth2
            credentials = try OAuthLogin(resolving: profile, environment: environment,
                                         tls: TLSConfiguration(resolvingOAuthEndpointsOf: profile)).credentials
            try checkCredentialPolicy(encrypted: tlsMode != .plaintext)
            return
        }
        guard let user = profile.user else {
            if auth != .auto {
                throw ConfigError.missingSetting(
                    key: "user", reason: "auth = \(auth.rawValue) needs a user name to log in as: set user")
            }
            return
        }
        let source = try profile.passwordSource()
        let missing = ConfigError.missingSetting(
            key: "password_source",
            reason: "a user name is set (\(user)) but no password: set password_env, password_command or password_file")
        // With xoauth2 or oauthbearer the source gives an access token (RFC 7628), not a password.
        let kind: CredentialProvider.Kind = auth.usesBearerToken ? .bearerToken : .password
        if let source {
            credentials = CredentialProvider(user: user, source: source, kind: kind, environment: environment)
        } else if let passwordPrompt {
            credentials = CredentialProvider(user: user, kind: kind, fetch: { try passwordPrompt(user) })
        } else {
            credentials = CredentialProvider(user: user, kind: kind, fetch: { throw missing })
        }
        // Providers fetch nothing when made: a refused login never runs a password command.
        try checkCredentialPolicy(encrypted: tlsMode != .plaintext)
        if source == nil && passwordPrompt == nil { throw missing }
    }
}

extension TLSConfiguration {
    /// The trust settings for `profile`'s SMTP server: its `ca_file` or the system store,
    /// verification on unless `insecure_skip_verify`.
    public init(resolving profile: Profile) {
        self.init(caFile: profile.caFile, verifiesCertificate: profile.insecureSkipVerify != true)
    }

    /// The trust settings for `profile`'s OAuth2 endpoints: `oauth_ca_file` or the system store,
    /// always verified — `insecure_skip_verify` and `ca_file` are the SMTP server's, and a
    /// refresh token (valid for months) never goes to an unverified peer.
    public init(resolvingOAuthEndpointsOf profile: Profile) {
        self.init(caFile: profile.oauthCAFile, verifiesCertificate: true)
    }
}
