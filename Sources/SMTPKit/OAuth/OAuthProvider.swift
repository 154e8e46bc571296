import Foundation

/// An OAuth2 identity provider as data — its endpoints, default scopes and what it allows —
/// so that Microsoft, Google and any other provider take the same code path.
public struct OAuthProvider: Sendable, Equatable {
    /// `microsoft`, `google` or `custom`.
    public var name: String
    /// The authorization endpoint (RFC 6749 §3.1), for the browser login.
    public var authorizeURL: URL?
    /// The token endpoint (RFC 6749 §3.2).
    public var tokenURL: URL
    /// The device authorization endpoint (RFC 8628 §3.1), when the provider has one.
    public var deviceURL: URL?
    /// The scopes asked for when the profile names none.
    public var defaultScopes: [String]
    /// Why the device flow cannot be used, when it cannot (Google refuses its mail scope there).
    public var deviceFlowRefusal: String?

    /// The providers a profile's `oauth_provider` names.
    public enum Kind: String, Sendable, CaseIterable {
        /// Microsoft 365 / Entra ID (``microsoft(tenant:)``).
        case microsoft
        /// Google (``google``).
        case google
        /// Any other, from `oauth_token_url` and friends (``custom(tokenURL:authorizeURL:deviceURL:scopes:)``).
        case custom
    }

    /// Microsoft's identity platform (Entra ID) for `tenant` (`common`, `organizations`, a tenant
    /// id or domain); scopes `https://outlook.office.com/SMTP.Send offline_access`.
    public static func microsoft(tenant: String = "common") -> OAuthProvider {
        let base = "https://login.microsoftonline.com/\(tenant)/oauth2/v2.0"
        return OAuthProvider(name: "microsoft", authorizeURL: URL(string: base + "/authorize"),
                             tokenURL: URL(string: base + "/token")!, deviceURL: URL(string: base + "/devicecode"),
                             defaultScopes: ["https://outlook.office.com/SMTP.Send", "offline_access"], deviceFlowRefusal: nil)
    }

    /// Google; scope `https://mail.google.com/`. Google's device flow does not allow that scope,
    /// so a Google login uses the browser (loopback) flow.
    public static let google = OAuthProvider(
        name: "google", authorizeURL: URL(string: "https://accounts.google.com/o/oauth2/v2/auth"),
        tokenURL: URL(string: "https://oauth2.googleapis.com/token")!, deviceURL: nil,
        defaultScopes: ["https://mail.google.com/"],
        deviceFlowRefusal: "Google's device flow does not allow the scope https://mail.google.com/ that SMTP needs; log in with the browser instead")

    /// Any other provider, from its endpoints.
    public static func custom(tokenURL: URL, authorizeURL: URL? = nil, deviceURL: URL? = nil, scopes: [String] = []) -> OAuthProvider {
        OAuthProvider(name: "custom", authorizeURL: authorizeURL, tokenURL: tokenURL, deviceURL: deviceURL,
                      defaultScopes: scopes, deviceFlowRefusal: nil)
    }
}
