import Foundation

/// An OAuth2 client of one token endpoint: the refresh-token grant (RFC 6749 §6) over
/// SMTPKit's own HTTPS (``HTTPClient``).
public struct OAuthClient: Sendable {
    /// The token endpoint (`https://login.microsoftonline.com/TENANT/oauth2/v2.0/token`).
    public var tokenURL: URL
    /// The application (client) id.
    public var clientID: String
    /// The client secret, for confidential and Google desktop clients; nil for a public client
    /// (Microsoft refuses one from a public client: AADSTS700025).
    public var clientSecret: String?
    /// Where the client secret comes from when ``clientSecret`` is nil (a command, read only when
    /// a request needs it).
    public var clientSecretSource: PasswordSource?
    /// The scopes asked for (`https://outlook.office.com/SMTP.Send offline_access`).
    public var scopes: [String]
    /// The trust settings for the endpoint's certificate.
    public var tls: TLSConfiguration
    /// Seconds for the whole exchange.
    public var timeout: Double
    /// Where `HTTPS_PROXY` and `NO_PROXY` are read from (nil: this process's environment).
    public var environment: [String: String]?

    /// A client of `tokenURL`.
    public init(tokenURL: URL, clientID: String, clientSecret: String? = nil, clientSecretSource: PasswordSource? = nil,
                scopes: [String], tls: TLSConfiguration = TLSConfiguration(), timeout: Double = 30) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.clientSecretSource = clientSecretSource
        self.scopes = scopes
        self.tls = tls
        self.timeout = timeout
    }

    /// What a successful token request gives (RFC 6749 §5.1), the expiry made absolute.
    public struct TokenResponse: Sendable, Equatable {
        /// The new access token.
        public var accessToken: String
        /// When it expires (now + `expires_in`), if the endpoint said.
        public var expiresAt: Date?
        /// The new refresh token, when the endpoint rotated it (Microsoft always does).
        public var refreshToken: String?
        /// The scopes granted, when the endpoint said.
        public var scope: String?
    }

    /// Exchanges `refreshToken` for a new access token (and, usually, a new refresh token),
    /// blocking the calling thread (an I/O thread).
    /// - Throws: ``OAuthError`` `loginRequired` (`invalid_grant`, `interaction_required`),
    ///   `temporarilyUnavailable` (429, 5xx, a network failure, an answer that is not JSON),
    ///   `tokenRequestRefused` (any other error code).
    public func refresh(_ refreshToken: String, now: Date = Date()) throws -> TokenResponse {
        var fields = [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", clientID)]
        if !scopes.isEmpty { fields.append(("scope", scopes.joined(separator: " "))) }
        if let secret = try secret() { fields.append(("client_secret", secret)) }
        return try Self.tokenResponse(from: try post(fields, to: tokenURL), url: tokenURL.absoluteString, now: now)
    }

    /// The client secret, read from its source if need be.
    func secret() throws -> String? {
        try clientSecret ?? clientSecretSource?.resolve()
    }

    /// The token response in `object`, or the error it carries (RFC 6749 §5.1, §5.2).
    static func tokenResponse(from object: [String: Any], url: String, now: Date) throws -> TokenResponse {
        if let code = object["error"] as? String {
            let description = object["error_description"] as? String
            // Microsoft: invalid_grant (AADSTS70008/70043/700082/50173), interaction_required (AADSTS50076…).
            if ["invalid_grant", "interaction_required", "consent_required", "login_required"].contains(code) {
                throw OAuthError.loginRequired(url, code: code, description: description)
            }
            if code == "temporarily_unavailable" {
                throw OAuthError.temporarilyUnavailable(url, reason: code)
            }
            throw OAuthError.tokenRequestRefused(url, code: code, description: description)
        }
        guard let access = object["access_token"] as? String, !access.isEmpty else {
            throw OAuthError.tokenRequestRefused(url, code: "malformed", description: "no access_token in the answer")
        }
        let lifetime = (object["expires_in"] as? NSNumber)?.doubleValue ?? (object["expires_in"] as? String).flatMap(Double.init)
        return TokenResponse(accessToken: access, expiresAt: lifetime.map { now.addingTimeInterval($0) },
                             refreshToken: object["refresh_token"] as? String, scope: object["scope"] as? String)
    }
}

extension CredentialProvider {
    /// The login of `profile` in `store`, refreshed through `client` when needed: before AUTH
    /// when the access token expires within ``CredentialProvider/refreshMargin``, and once after
    /// the server refused it. The read, the refresh and the save of the rotated refresh token
    /// happen under the store's lock (``TokenStore/update(profile:_:)``), so a rotated refresh
    /// token is saved before its access token is used and two processes never lose one.
    /// - Parameters:
    ///   - store: where the login is kept.
    ///   - profile: the login's key in the store.
    ///   - client: the token endpoint's client.
    ///   - user: the mailbox the login is for.
    ///   - forceRefresh: refresh on the first fetch even if the stored token is valid (`auth refresh`).
    public static func oauth(store: TokenStore, profile: String, client: OAuthClient, user: String,
                             forceRefresh: Bool = false) -> CredentialProvider {
        let forced = ForcedOnce(forceRefresh)
        return CredentialProvider(user: user, kind: .bearerToken, refreshing: { rejected in
            try store.update(profile: profile) { tokens -> CredentialSecret in
                guard var current = tokens else { throw OAuthError.notLoggedIn(profile) }
                if !forced.take(), let access = current.accessSecret, access.value != rejected?.value,
                   !access.expires(within: CredentialProvider.refreshMargin, of: Date()) {
                    return access
                }
                guard let refreshToken = current.refreshToken else {
                    throw OAuthError.loginRequired(client.tokenURL.absoluteString, code: "no refresh token", description: nil)
                }
                // A refresh spends the refresh token (providers rotate it): make sure the new one
                // can be saved before asking for it.
                try store.checkWritable()
                let response = try client.refresh(refreshToken)
                current.accessToken = response.accessToken
                current.accessTokenExpiresAt = response.expiresAt
                if let rotated = response.refreshToken { current.refreshToken = rotated }
                tokens = current
                return CredentialSecret(response.accessToken, expiresAt: response.expiresAt)
            }
        })
    }
}

/// A flag that is true for its first read only.
private final class ForcedOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Bool
    init(_ value: Bool) { self.value = value }
    func take() -> Bool { lock.withLock { defer { value = false }; return value } }
}

extension OAuthClient.TokenResponse: CustomStringConvertible, CustomReflectable {
    /// Never the tokens.
    public var description: String { "token response (tokens hidden)" + (expiresAt.map { ", expires \($0)" } ?? "") }
    /// `dump()` and debuggers see no token.
    public var customMirror: Mirror { Mirror(self, children: ["expiresAt": expiresAt as Any, "scope": scope as Any]) }
}
