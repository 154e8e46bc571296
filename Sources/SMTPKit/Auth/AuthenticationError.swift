/// Authentication could not be done (RFC 4954).
///
/// An ``SMTPKitError``: match on ``kind``, read the context (``mechanism``, ``reply``, …), show
/// ``description``. Equal when kind and context are equal.
public struct AuthenticationError: SMTPKitError {
    /// The kind of failure.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: String, Hashable, Sendable {
            case rejected, notOffered, mechanismNotOffered, plaintextRefused, unexpectedChallenge, tooManyChallenges
            case tokenRequiresTLS
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// The server refused the credentials (535, 534, 538, 454…): ``AuthenticationError/reply`` has its words.
        public static let rejected = Kind(.rejected)
        /// Credentials were given but the server lists no AUTH at all.
        public static let notOffered = Kind(.notOffered)
        /// The mechanism asked for (or every one SMTPKit knows) is not in the server's list.
        public static let mechanismNotOffered = Kind(.mechanismNotOffered)
        /// The connection is not encrypted and plaintext authentication was not allowed.
        public static let plaintextRefused = Kind(.plaintextRefused)
        /// The server sent a challenge the mechanism has no answer for, or one not in base64.
        public static let unexpectedChallenge = Kind(.unexpectedChallenge)
        /// The server kept challenging past the limit.
        public static let tooManyChallenges = Kind(.tooManyChallenges)
        /// The login is an OAuth2 bearer token and the connection is not encrypted: a token is
        /// never sent in clear, whatever plaintext authentication allows (RFC 7628 §4.1, RFC 6750 §5.3).
        public static let tokenRequiresTLS = Kind(.tokenRequiresTLS)

        /// The kind's name, e.g. `rejected`.
        public var description: String { code.rawValue }
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// The SASL mechanism concerned (`PLAIN`, `LOGIN`, `XOAUTH2`).
    public let mechanism: String?
    /// The server's reply, for ``Kind/rejected``.
    public let reply: Reply?
    /// The server as the session names it, for ``Kind/notOffered``.
    public let server: String?
    /// The mechanisms that were acceptable, for ``Kind/mechanismNotOffered``.
    public let wanted: [String]
    /// The mechanisms the server offers, for ``Kind/mechanismNotOffered``.
    public let offered: [String]
    /// A challenge that is not valid base64, as received (at most 60 characters).
    public let challenge: String?
    /// The length in octets of a decoded challenge the mechanism has no answer for.
    public let challengeLength: Int?
    /// The most challenges allowed, for ``Kind/tooManyChallenges``.
    public let limit: Int?
    /// The server's OAuth2 error document (the 334 challenge of XOAUTH2 or OAUTHBEARER, RFC 7628
    /// §3.2.2), for ``Kind/rejected`` after a token was refused.
    public let oauthError: OAuthServerError?
    private let cause: UnderlyingError

    /// The error that caused this one, if any.
    public var underlying: (any Error & Sendable)? { cause.error }

    private init(_ kind: Kind, mechanism: String? = nil, reply: Reply? = nil, server: String? = nil,
                 wanted: [String] = [], offered: [String] = [], challenge: String? = nil,
                 challengeLength: Int? = nil, limit: Int? = nil, oauthError: OAuthServerError? = nil,
                 underlying: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.mechanism = mechanism
        self.reply = reply
        self.server = server
        self.wanted = wanted
        self.offered = offered
        self.challenge = challenge
        self.challengeLength = challengeLength
        self.limit = limit
        self.oauthError = oauthError
        self.cause = UnderlyingError(underlying)
    }

    /// True for a temporary failure (454, RFC 4954 §6): trying later may work.
    public var isTransient: Bool { reply?.isTransient ?? false }

    static func rejected(mechanism: String, reply: Reply, oauthError: OAuthServerError? = nil) -> AuthenticationError {
        AuthenticationError(.rejected, mechanism: mechanism, reply: reply, oauthError: oauthError)
    }

    /// The refusal to send a bearer token in clear.
    public static let tokenRequiresTLS = AuthenticationError(.tokenRequiresTLS)

    static func notOffered(server: String) -> AuthenticationError {
        AuthenticationError(.notOffered, server: server)
    }

    static func mechanismNotOffered(_ wanted: [String], offered: [String]) -> AuthenticationError {
        AuthenticationError(.mechanismNotOffered, wanted: wanted, offered: offered)
    }

    /// The refusal to send credentials in clear (RFC 4954 §4; RFC 8314 §3).
    public static let plaintextRefused = AuthenticationError(.plaintextRefused)

    static func unexpectedChallenge(mechanism: String, challenge: [UInt8]) -> AuthenticationError {
        AuthenticationError(.unexpectedChallenge, mechanism: mechanism, challengeLength: challenge.count)
    }

    static func malformedChallenge(_ text: String) -> AuthenticationError {
        AuthenticationError(.unexpectedChallenge, challenge: String(text.prefix(60)))
    }

    static func tooManyChallenges(_ limit: Int) -> AuthenticationError {
        AuthenticationError(.tooManyChallenges, limit: limit)
    }

    /// What happened, with the context, in SMTPKit's words.
    public var description: String {
        switch kind {
        case .rejected:
            let hint: String
            switch reply?.code {
            case 454: hint = "a temporary failure on the server; try again later"
            case 534: hint = "the server wants a stronger mechanism; choose another one it offers"
            case 538: hint = "the server requires encryption for this mechanism; use STARTTLS or implicit TLS"
            case _ where oauthError != nil || mechanism == "XOAUTH2" || mechanism == "OAUTHBEARER":
                hint = "the access token was refused (expired, revoked, or without the scope this server needs); get a new one"
            default: hint = "check the user name and password (Microsoft 365 and Gmail need SMTP AUTH enabled or an app password)"
            }
            let detail = oauthError.map { " (OAuth error: \($0))" } ?? ""
            return "authentication (\(mechanism ?? "?")) failed: the server said \(reply.map { "\($0)" } ?? "nothing")\(detail); \(hint)"
        case .notOffered:
            return "\(server ?? "the server") does not offer authentication (no AUTH in its EHLO reply); if it needs no login, send without credentials"
        case .mechanismNotOffered:
            return "the server offers AUTH \(offered.joined(separator: " ")), but not \(wanted.joined(separator: " or ")); choose a mechanism it offers"
        case .plaintextRefused:
            return "refusing to send the password over an unencrypted connection; use STARTTLS or implicit TLS, or allow plaintext authentication if you accept that anyone on the path can read it"
        case .unexpectedChallenge where challenge != nil:
            return "the server's AUTH challenge is not valid base64 ('\(ControlCharacters.escaped(challenge ?? ""))'); authentication aborted"
        case .unexpectedChallenge:
            return "the server sent an unexpected \(mechanism ?? "AUTH") challenge (\(challengeLength ?? 0) bytes); authentication aborted"
        case .tooManyChallenges:
            return "the server sent more than \(limit ?? 0) AUTH challenges; authentication aborted"
        case .tokenRequiresTLS:
            return "refusing to send an OAuth2 access token over an unencrypted connection; a bearer token is never sent in clear — use STARTTLS or implicit TLS"
        default:
            return "authentication error (\(kind))"
        }
    }
}
