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


extension OAuthClient.TokenResponse: CustomStringConvertible, CustomReflectable {
    /// Never the tokens.
    public var description: String { "token response (tokens hidden)" + (expiresAt.map { ", expires \($0)" } ?? "") }
    /// `dump()` and debuggers see no token.
    public var customMirror: Mirror { Mirror(self, children: ["expiresAt": expiresAt as Any, "scope": scope as Any]) }
}
