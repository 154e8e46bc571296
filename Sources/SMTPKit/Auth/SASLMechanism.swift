/// The client side of one SASL mechanism (RFC 4422 §5), as SMTP AUTH runs it (RFC 4954 §4).
///
/// A mechanism works on raw bytes; the session does the base64 on the wire. Each type is
/// used for one exchange, start to end.
public protocol SASLMechanism {
    /// The IANA name the server lists after AUTH ("PLAIN").
    var name: String { get }
    /// Bytes sent with the AUTH command itself, or nil to wait for the first challenge.
    func initialResponse() -> [UInt8]?
    /// The answer to one server challenge (334, already base64-decoded).
    /// - Throws: `AuthenticationError` when the mechanism has no answer for this step.
    mutating func respond(to challenge: [UInt8]) throws -> [UInt8]
    /// The OAuth2 error document the server sent in a challenge, for bearer-token mechanisms.
    var serverError: OAuthServerError? { get }
}

extension SASLMechanism {
    /// Password mechanisms receive no error document.
    public var serverError: OAuthServerError? { nil }
}

/// A user name and a secret (a password, or for XOAUTH2 a bearer token).
/// Its description never shows the secret.
public struct Credentials: Sendable, Equatable, CustomStringConvertible {
    /// The authentication identity: the user name the server knows (RFC 4422 §2).
    public var user: String
    /// The password or bearer token; never printed, logged or shown in a transcript.
    public var secret: String

    /// Credentials for `user`, proved with `secret`.
    public init(user: String, secret: String) {
        self.user = user
        self.secret = secret
    }

    /// The user name followed by "(secret hidden)".
    public var description: String { "\(user) (secret hidden)" }
}

extension Credentials: CustomDebugStringConvertible, CustomReflectable {
    /// The same as ``description``: the secret stays hidden in debug output too.
    public var debugDescription: String { description }
    /// `dump()` and debuggers see the user name only.
    public var customMirror: Mirror { Mirror(self, children: ["user": user]) }
}
