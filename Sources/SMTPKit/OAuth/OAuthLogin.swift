import Foundation

/// A profile's OAuth2 login (`auth = "oauth2"`): its provider and client, and where its tokens
/// are stored — what `smtpkit auth` and a session's credentials both work from.
public struct OAuthLogin: Sendable {
    /// The provider's endpoints and defaults.
    public let provider: OAuthProvider
    /// The client that talks to the token endpoint.
    public let client: OAuthClient
    /// Where the tokens are kept.
    public let store: TokenStore
    /// The key of this login in the store: the profile's name, else the user.
    public let storeKey: String
    /// The mailbox the login is for.
    public let user: String

    /// The login that `profile` describes, with `tls` as the trust settings for the provider's
    /// endpoints (the same as the SMTP server's: one trust path).
    /// - Throws: ``ConfigError/Kind/missingSetting`` (`user`, `oauth_client_id`, `oauth_token_url`
    ///   for a custom provider), ``ConfigError/Kind/invalidValue``.
    public init(resolving profile: Profile, environment: [String: String] = ProcessInfo.processInfo.environment,
                tls: TLSConfiguration = TLSConfiguration()) throws {
        guard let user = profile.user else {
            throw ConfigError.missingSetting(key: "user", reason: "auth = oauth2 needs the mailbox to log in as: set user")
        }
        guard let clientID = profile.oauthClientID else {
            throw ConfigError.missingSetting(key: "oauth_client_id", reason: "auth = oauth2 needs the application (client) id registered with the provider: set oauth_client_id")
        }
        switch profile.oauthProvider ?? .microsoft {
        case .microsoft:
            provider = .microsoft(tenant: profile.oauthTenant ?? "common")
        case .google:
            provider = .google
        case .custom:
            guard let token = profile.oauthTokenURL.flatMap(URL.init(string:)) else {
                throw ConfigError.missingSetting(key: "oauth_token_url", reason: "oauth_provider = custom needs oauth_token_url")
            }
            provider = .custom(tokenURL: token, authorizeURL: profile.oauthAuthorizeURL.flatMap(URL.init(string:)),
                               deviceURL: profile.oauthDeviceURL.flatMap(URL.init(string:)))
        }
        let scopes = profile.oauthScopes.map { $0.split(separator: " ").map(String.init) } ?? provider.defaultScopes
        var client = OAuthClient(tokenURL: provider.tokenURL, clientID: clientID,
                                 clientSecretSource: profile.oauthClientSecretCommand.map(PasswordSource.command),
                                 scopes: scopes, tls: tls, timeout: min(profile.timeout ?? 30, 60))
        client.environment = environment
        self.client = client
        store = TokenStore(directory: TokenStore.defaultDirectory(environment: environment))
        storeKey = profile.name ?? user
        self.user = user
    }

    /// The session credentials: the stored access token, refreshed when needed (``CredentialProvider/oauth(store:profile:client:user:forceRefresh:)``).
    public var credentials: CredentialProvider {
        .oauth(store: store, profile: storeKey, client: client, user: user)
    }

    /// The stored tokens, if any.
    public func storedTokens() throws -> OAuthTokens? {
        try store.load(profile: storeKey)
    }

    /// Logs in with the device grant (RFC 8628): shows the code with `show`, polls until the
    /// user approves, and stores the tokens (replacing any old ones). Blocks.
    /// - Throws: ``OAuthError`` (`loginDeclined`, `loginExpired`, …), or ``ConfigError/Kind/invalidValue``
    ///   when the provider has no device flow for this scope.
    public func loginWithDeviceCode(show: (DeviceAuthorization) -> Void,
                                    sleep: (Double) throws -> Void = { Thread.sleep(forTimeInterval: $0) }) throws -> OAuthTokens {
        if let refusal = provider.deviceFlowRefusal {
            throw ConfigError.invalidValue(file: nil, line: nil, key: "oauth_provider", reason: refusal)
        }
        guard let deviceURL = provider.deviceURL else {
            throw ConfigError.missingSetting(key: "oauth_device_url", reason: "the provider has no device authorization endpoint: set oauth_device_url")
        }
        let authorization = try client.startDeviceAuthorization(at: deviceURL)
        show(authorization)
        return try store(try client.pollDeviceAuthorization(authorization, sleep: sleep))
    }

    /// A valid access token: the stored one, or a refreshed one (`forceRefresh` always refreshes),
    /// the rotated refresh token saved. Blocks.
    public func accessToken(forceRefresh: Bool = false) throws -> CredentialSecret {
        let provider = CredentialProvider.oauth(store: store, profile: storeKey, client: client, user: user,
                                                forceRefresh: forceRefresh)
        return CredentialSecret(try provider.credentials().secret, expiresAt: provider.expiresAt)
    }

    /// Removes the stored tokens (a logout). The provider keeps its grant until it is revoked there.
    public func logout() throws {
        try store.delete(profile: storeKey)
    }
}
