/// Which SASL mechanism a session authenticates with (RFC 4954).
public enum AuthChoice: String, Sendable, CaseIterable, Codable {
    /// Whether the secret this choice sends is an OAuth2 access token, not a password.
    public var usesBearerToken: Bool { self == .xoauth2 || self == .oauthbearer || self == .oauth2 }

    /// Authenticate when credentials are given, with the best mechanism the server offers.
    case auto
    /// SASL PLAIN (RFC 4616).
    case plain
    /// The LOGIN mechanism (draft-murchison-sasl-login).
    case login
    /// XOAUTH2 bearer tokens (Google and Microsoft 365); the password source gives an access token.
    case xoauth2
    /// OAUTHBEARER bearer tokens (RFC 7628); the password source gives an access token.
    case oauthbearer
    /// The profile's stored OAuth2 login (``OAuthLogin``), refreshed as needed; OAUTHBEARER or
    /// XOAUTH2, whichever the server offers.
    case oauth2
    /// Never authenticate, even when credentials are configured.
    /// (Spelt `none` on the command line and in config files.)
    case disabled = "none"
}
