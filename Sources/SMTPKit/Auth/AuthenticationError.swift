/// Authentication could not be done (RFC 4954). Match on ``kind``; show ``description``.
public struct AuthenticationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// The server refused the credentials (535, 534, 538, 454…): ``reply`` has its words.
        public static let rejected = Kind(name: "rejected")
        /// Credentials were given but the server lists no AUTH at all.
        public static let notOffered = Kind(name: "notOffered")
        /// The mechanism asked for (or every one SMTPKit knows) is not in the server's list.
        public static let mechanismNotOffered = Kind(name: "mechanismNotOffered")
        /// The connection is not encrypted and plaintext authentication was not allowed.
        public static let plaintextRefused = Kind(name: "plaintextRefused")
        /// The server sent a challenge the mechanism has no answer for, or one not in base64.
        public static let unexpectedChallenge = Kind(name: "unexpectedChallenge")
        /// The server kept challenging past the limit.
        public static let tooManyChallenges = Kind(name: "tooManyChallenges")
    }

    public let kind: Kind
    /// The server's reply, for `rejected`.
    public let reply: Reply?
    public let description: String

    private init(_ kind: Kind, _ description: String, reply: Reply? = nil) {
        self.kind = kind
        self.description = description
        self.reply = reply
    }

    /// True for a temporary failure (454, RFC 4954 §6): trying later may work.
    public var isTransient: Bool { reply?.isTransient ?? false }

    static func rejected(mechanism: String, reply: Reply) -> AuthenticationError {
        let hint: String
        switch reply.code {
        case 454: hint = "a temporary failure on the server; try again later"
        case 534: hint = "the server wants a stronger mechanism; try --auth with another one it lists"
        case 538: hint = "the server requires encryption for this mechanism; use --tls starttls or --tls tls"
        default: hint = "check the user name and password (Microsoft 365 and Gmail need SMTP AUTH enabled or an app password)"
        }
        return AuthenticationError(.rejected, "authentication (\(mechanism)) failed: the server said \(reply); \(hint)", reply: reply)
    }

    static func notOffered(server: String) -> AuthenticationError {
        AuthenticationError(.notOffered, "\(server) does not offer authentication (no AUTH in its EHLO reply); if it needs no login, drop --user / the profile's user, or use --auth none")
    }

    static func mechanismNotOffered(_ wanted: [String], offered: [String]) -> AuthenticationError {
        AuthenticationError(.mechanismNotOffered, "the server offers AUTH \(offered.joined(separator: " ")), but not \(wanted.joined(separator: " or ")); choose one it offers with --auth")
    }

    /// The refusal to send credentials in clear (RFC 4954 §4; RFC 8314 §3).
    public static let plaintextRefused = AuthenticationError(.plaintextRefused, "refusing to send the password over an unencrypted connection; use --tls starttls or --tls tls, or pass --allow-plaintext-auth if you accept that anyone on the path can read it")

    static func unexpectedChallenge(mechanism: String, challenge: [UInt8]) -> AuthenticationError {
        AuthenticationError(.unexpectedChallenge, "the server sent an unexpected \(mechanism) challenge (\(challenge.count) bytes); authentication aborted")
    }

    static func malformedChallenge(_ text: String) -> AuthenticationError {
        AuthenticationError(.unexpectedChallenge, "the server's AUTH challenge is not valid base64 ('\(text.prefix(60))'); authentication aborted")
    }

    static func tooManyChallenges(_ limit: Int) -> AuthenticationError {
        AuthenticationError(.tooManyChallenges, "the server sent more than \(limit) AUTH challenges; authentication aborted")
    }
}
