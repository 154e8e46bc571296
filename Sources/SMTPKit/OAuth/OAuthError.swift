/// A problem with an OAuth2 login: so far, the token store (``TokenStore``).
///
/// An ``SMTPKitError``: match on ``kind``, read ``path``, show ``description``. Equal when kind
/// and context are equal.
public struct OAuthError: SMTPKitError {
    /// The kind of failure.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: String, Hashable, Sendable {
            case storeInsecure, storeUnreadable, storeCorrupt, storeWriteFailed
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

        /// The kind's name, e.g. `storeInsecure`.
        public var description: String { code.rawValue }
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// The file or directory concerned.
    public let path: String
    /// Its permission bits, for ``Kind/storeInsecure``.
    public let mode: Int?
    /// The system's or the decoder's reason, when there is one.
    public let reason: String?
    private let cause: UnderlyingError

    /// The error that caused this one (a system call's, the JSON decoder's), if any.
    public var underlying: (any Error & Sendable)? { cause.error }

    private init(_ kind: Kind, path: String, mode: Int? = nil, reason: String? = nil, underlying: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.path = path
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
            return "cannot save the tokens to \(path): \(reason ?? "unknown reason"); the previous tokens, if any, are kept"
        default:
            return "OAuth error (\(kind))"
        }
    }
}
