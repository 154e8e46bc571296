import Foundation

extension OAuthClient {
    /// The authorization request (RFC 6749 §4.1.1) with PKCE S256 (RFC 7636 §4.3) and `state`.
    public func authorizationURL(_ authorizeURL: URL, redirectURI: String, state: String, pkce: PKCE) -> URL {
        var components = URLComponents(url: authorizeURL, resolvingAgainstBaseURL: false) ?? URLComponents()
        components.queryItems = (components.queryItems ?? []) + [
            URLQueryItem(name: "client_id", value: clientID),
            URLQueryItem(name: "response_type", value: "code"),
            URLQueryItem(name: "redirect_uri", value: redirectURI),
            URLQueryItem(name: "scope", value: scopes.joined(separator: " ")),
            URLQueryItem(name: "state", value: state),
            URLQueryItem(name: "code_challenge", value: pkce.challenge),
            URLQueryItem(name: "code_challenge_method", value: "S256"),
        ]
        // '+' in a query means a space to many servers: encode it.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.url ?? authorizeURL
    }

    /// Exchanges an authorization code for tokens (RFC 6749 §4.1.3) with the PKCE verifier.
    public func exchange(code: String, redirectURI: String, pkce: PKCE, now: Date = Date()) throws -> TokenResponse {
        var fields = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
                      ("client_id", clientID), ("code_verifier", pkce.verifier)]
        if let secret = try secret() { fields.append(("client_secret", secret)) }
        return try Self.tokenResponse(from: try post(fields, to: tokenURL), url: tokenURL.absoluteString, now: now)
    }
}

extension OAuthLogin {
    /// Logs in through the browser (RFC 8252): a loopback listener on a random port, the
    /// authorization URL handed to `open` (which shows it and starts a browser), the redirect
    /// awaited until `timeout`, `state` checked, the code exchanged with the PKCE verifier, the
    /// tokens stored. Blocks.
    /// - Throws: ``OAuthError`` `loginDeclined` (`?error=access_denied`), `tokenRequestRefused`
    ///   (another `?error=`, a wrong `state`), `loginExpired` (no redirect in time).
    public func loginWithBrowser(timeout: Double = 300, open: (URL) -> Void) throws -> OAuthTokens {
        guard let authorizeURL = provider.authorizeURL else {
            throw ConfigError.missingSetting(key: "oauth_authorize_url", reason: "the provider has no authorization endpoint: set oauth_authorize_url")
        }
        let listener = try LoopbackRedirect()
        let pkce = PKCE()
        let state = PKCE.randomToken(octets: 16)
        open(client.authorizationURL(authorizeURL, redirectURI: listener.redirectURI, state: state, pkce: pkce))
        let done = "<html><body><p>SMTPKit: you are logged in; you can close this window.</p></body></html>"
        let failed = "<html><body><p>SMTPKit: the login did not complete; see the terminal.</p></body></html>"
        guard let query = try listener.waitForRedirect(until: .after(seconds: timeout), page: { query in
            query["state"] == state && query["code"] != nil ? (200, done) : (query["code"] != nil || query["error"] != nil ? (400, failed) : nil)
        }) else {
            throw OAuthError.loginExpired(authorizeURL.absoluteString, code: "no redirect within \(Int(timeout)) s")
        }
        let url = authorizeURL.absoluteString
        if let error = query["error"] {
            if error == "access_denied" { throw OAuthError.loginDeclined(url, code: error) }
            throw OAuthError.tokenRequestRefused(url, code: error, description: query["error_description"])
        }
        guard query["state"] == state, let code = query["code"] else {
            throw OAuthError.tokenRequestRefused(url, code: "state mismatch",
                                                 description: "the redirect's state is not the one sent; the login was not started here")
        }
        let response = try client.exchange(code: code, redirectURI: listener.redirectURI, pkce: pkce)
        return try store(response)
    }

    /// Stores what a login gave, replacing any old tokens.
    func store(_ response: OAuthClient.TokenResponse) throws -> OAuthTokens {
        let tokens = OAuthTokens(user: user, provider: provider.name, clientID: client.clientID,
                                 tenant: provider.name == "microsoft" ? provider.tokenURL.pathComponents.dropFirst().first : nil,
                                 scopes: response.scope.map { $0.split(separator: " ").map(String.init) } ?? client.scopes,
                                 refreshToken: response.refreshToken, accessToken: response.accessToken,
                                 accessTokenExpiresAt: response.expiresAt)
        try self.store.save(tokens, profile: storeKey)
        return tokens
    }
}
