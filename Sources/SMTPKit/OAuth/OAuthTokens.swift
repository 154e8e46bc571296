import Foundation

/// One profile's OAuth2 login as the token store keeps it: who, with which client and scopes,
/// the refresh token, and the current access token with its absolute expiry (RFC 6749 §5.1).
///
/// Microsoft rotates the refresh token on every use: whatever refreshes must save the new one
/// before using the access token that came with it (``TokenStore/update(profile:_:)``).
public struct OAuthTokens: Codable, Sendable, Equatable {
    /// The mailbox the tokens are for (the SASL user of XOAUTH2 / OAUTHBEARER).
    public var user: String
    /// The provider's name: `microsoft`, `google`, `custom`.
    public var provider: String
    /// The OAuth2 client (application) id the tokens were issued to.
    public var clientID: String
    /// The Microsoft Entra tenant (`common`, `organizations`, an id), when there is one.
    public var tenant: String?
    /// The scopes granted.
    public var scopes: [String]
    /// The refresh token, when the grant gave one (`offline_access`).
    public var refreshToken: String?
    /// The current access token.
    public var accessToken: String?
    /// When ``accessToken`` expires.
    public var accessTokenExpiresAt: Date?
    /// When this document was last written.
    public var updatedAt: Date

    /// A document for `user`'s login with `provider`'s client `clientID`.
    public init(user: String, provider: String, clientID: String, tenant: String? = nil, scopes: [String],
                refreshToken: String? = nil, accessToken: String? = nil, accessTokenExpiresAt: Date? = nil,
                updatedAt: Date = Date()) {
        self.user = user
        self.provider = provider
        self.clientID = clientID
        self.tenant = tenant
        self.scopes = scopes
        self.refreshToken = refreshToken
        self.accessToken = accessToken
        self.accessTokenExpiresAt = accessTokenExpiresAt
        self.updatedAt = updatedAt
    }

    /// The access token as a ``CredentialSecret`` (with its expiry), when there is one.
    public var accessSecret: CredentialSecret? {
        accessToken.map { CredentialSecret($0, expiresAt: accessTokenExpiresAt) }
    }

    enum CodingKeys: String, CodingKey {
        case user, provider, tenant, scopes
        case clientID = "client_id"
        case refreshToken = "refresh_token"
        case accessToken = "access_token"
        case accessTokenExpiresAt = "access_token_expires_at"
        case updatedAt = "updated_at"
    }
}

extension OAuthTokens: CustomStringConvertible, CustomReflectable {
    /// The login without its tokens: user, provider, scopes, expiry.
    public var description: String {
        "\(user) via \(provider) (\(scopes.joined(separator: " "))); tokens hidden"
            + (accessTokenExpiresAt.map { ", access token expires \($0)" } ?? "")
    }
    /// `dump()` and debuggers see no token.
    public var customMirror: Mirror { Mirror(self, children: ["user": user, "provider": provider, "scopes": scopes]) }
}
