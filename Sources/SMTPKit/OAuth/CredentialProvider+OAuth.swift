import Foundation

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
