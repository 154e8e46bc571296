/// A problem with an OAuth2 login: so far, the token store (``TokenStore``).
///
/// An ``SMTPKitError``: match on ``kind``, read ``path``, show ``description``. Equal when kind
/// and context are equal.
public struct OAuthError: SMTPKitError {
    /// The kind of failure.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: String, Hashable, Sendable {
            case storeInsecure, storeUnreadable, storeCorrupt, storeWriteFailed
            case notLoggedIn, loginRequired, temporarilyUnavailable, tokenRequestRefused
            case loginDeclined, loginExpired
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// The token file or its directory may be read or changed by other users.
        public static let storeInsecure = Kind(.storeInsecure)
        /// The token file or its directory cannot be opened or read.
        public static let storeUnreadable = Kind(.storeUnreadable)
        /// The token file is not a token document (truncated, edited, not JSON).
        public static let storeCorrupt = Kind(.storeCorrupt)
        /// The token file could not be written (disk full, read-only, permission).
        public static let storeWriteFailed = Kind(.storeWriteFailed)
        /// The profile has no stored login yet.
        public static let notLoggedIn = Kind(.notLoggedIn)
        /// The refresh token no longer works (`invalid_grant`, `interaction_required`, RFC 6749
        /// §5.2): only a new interactive login helps.
        public static let loginRequired = Kind(.loginRequired)
        /// The token endpoint cannot answer now: 429 or 5xx (``OAuthError/retryAfter`` when it
        /// says), or an answer that is not JSON (a captive portal, a proxy). The stored tokens are kept.
        public static let temporarilyUnavailable = Kind(.temporarilyUnavailable)
        /// The token endpoint refused the request for another reason (``OAuthError/code``).
        public static let tokenRequestRefused = Kind(.tokenRequestRefused)
        /// The user declined the login (`access_denied`, Microsoft's `authorization_declined`, RFC 8628 §3.5).
        public static let loginDeclined = Kind(.loginDeclined)
        /// The login was not completed in time (`expired_token`, or past `expires_in`, RFC 8628 §3.5).
        public static let loginExpired = Kind(.loginExpired)

        /// The kind's name, e.g. `storeInsecure`.
        public var description: String { code.rawValue }
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// The file or directory concerned, or the token endpoint's URL, or the profile.
    public let path: String
    /// The OAuth2 error code (`invalid_grant`, RFC 6749 §5.2), when the endpoint sent one.
    public let code: String?
    /// The endpoint's `error_description` (Microsoft's start with their `AADSTS…` code).
    public let errorDescription: String?
    /// Seconds the endpoint asked to wait (`Retry-After`), for ``Kind/temporarilyUnavailable``.
    public let retryAfter: Int?
    /// Its permission bits, for ``Kind/storeInsecure``.
    public let mode: Int?
    /// The system's or the decoder's reason, when there is one.
    public let reason: String?
    private let cause: UnderlyingError

    /// The error that caused this one (a system call's, the JSON decoder's), if any.
    public var underlying: (any Error & Sendable)? { cause.error }

    private init(_ kind: Kind, path: String, mode: Int? = nil, reason: String? = nil, code: String? = nil,
                 errorDescription: String? = nil, retryAfter: Int? = nil, underlying: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.path = path
        self.code = code
        self.errorDescription = errorDescription
        self.retryAfter = retryAfter
        self.mode = mode
        self.reason = reason
        self.cause = UnderlyingError(underlying)
    }

    static func storeInsecure(_ path: String, mode: Int, isDirectory: Bool) -> OAuthError {
        OAuthError(.storeInsecure, path: path, mode: mode, reason: isDirectory ? "directory" : "file")
    }

    static func storeUnreadable(_ path: String, reason: String, underlying: (any Error & Sendable)? = nil) -> OAuthError {
        OAuthError(.storeUnreadable, path: path, reason: reason, underlying: underlying)
    }

    static func storeCorrupt(_ path: String, underlying: (any Error & Sendable)? = nil) -> OAuthError {
        OAuthError(.storeCorrupt, path: path, underlying: underlying)
    }

    static func storeWriteFailed(_ path: String, reason: String, underlying: (any Error & Sendable)? = nil) -> OAuthError {
        OAuthError(.storeWriteFailed, path: path, reason: reason, underlying: underlying)
    }

    static func notLoggedIn(_ profile: String) -> OAuthError {
        OAuthError(.notLoggedIn, path: profile)
    }

    static func loginRequired(_ url: String, code: String, description: String?) -> OAuthError {
        OAuthError(.loginRequired, path: url, code: code, errorDescription: description)
    }

    static func temporarilyUnavailable(_ url: String, reason: String, retryAfter: Int? = nil,
                                       underlying: (any Error & Sendable)? = nil) -> OAuthError {
        OAuthError(.temporarilyUnavailable, path: url, reason: reason, retryAfter: retryAfter, underlying: underlying)
    }

    static func loginDeclined(_ url: String, code: String) -> OAuthError {
        OAuthError(.loginDeclined, path: url, code: code)
    }

    static func loginExpired(_ url: String, code: String?) -> OAuthError {
        OAuthError(.loginExpired, path: url, code: code)
    }

    static func tokenRequestRefused(_ url: String, code: String, description: String?) -> OAuthError {
        OAuthError(.tokenRequestRefused, path: url, code: code, errorDescription: description)
    }

    /// What happened, with the context, in SMTPKit's words.
    public var description: String {
        switch kind {
        case .storeInsecure:
            let octal = String(mode ?? 0, radix: 8)
            let fix = reason == "directory" ? "chmod 700" : "chmod 600"
            return "the token \(reason ?? "file") \(path) can be read or changed by other users (mode \(octal)); "
                + "refusing to use it — run `\(fix) \(path)`, then check nobody else copied the tokens"
        case .storeUnreadable:
            return "cannot read the token store at \(path): \(reason ?? "unknown reason")"
        case .storeCorrupt:
            return "the token file \(path) is not a token document (truncated or edited); remove it and log in again"
        case .storeWriteFailed:
            return "cannot save the tokens to \(path): \(reason ?? "unknown reason"); if a refresh came before this, the provider may already have replaced the stored refresh token — if the next send fails, log in again"
        case .notLoggedIn:
            return "the profile \(path) has no OAuth2 login stored yet; log in first"
        case .loginRequired:
            return "the stored login no longer works: the token endpoint \(path) said \(code ?? "invalid_grant")"
                + (errorDescription.map { " (\(ControlCharacters.escaped($0)))" } ?? "") + "; log in again"
        case .temporarilyUnavailable:
            return "the token endpoint \(path) cannot answer now: \(reason ?? "no reason given")"
                + (retryAfter.map { "; it asks to wait \($0) s" } ?? "") + "; the stored tokens are kept, try again later"
        case .loginDeclined:
            return "the login was declined (\(code ?? "access_denied")); nothing was stored"
        case .loginExpired:
            return "the login was not completed in time (\(code ?? "the code expired")); nothing was stored — start it again"
        case .tokenRequestRefused:
            return "the token endpoint \(path) refused the request: \(code ?? "error")"
                + (errorDescription.map { " (\(ControlCharacters.escaped($0)))" } ?? "")
        default:
            return "OAuth error (\(kind))"
        }
    }
}
