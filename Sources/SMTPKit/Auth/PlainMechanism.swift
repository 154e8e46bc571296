/// SASL PLAIN (RFC 4616 §2): one message, `authzid NUL authcid NUL passwd`, UTF-8.
/// The authorization identity is left empty, so the server derives it from the user.
/// The secret travels only base64-encoded: it must only be used over TLS.
public struct PlainMechanism: SASLMechanism {
    private let credentials: Credentials

    /// A PLAIN exchange for `credentials`, sent as the initial response (RFC 4954 §4).
    public init(credentials: Credentials) { self.credentials = credentials }

    public var name: String { "PLAIN" }

    public func initialResponse() -> [UInt8]? {
        [0] + Array(credentials.user.utf8) + [0] + Array(credentials.secret.utf8)
    }

    /// PLAIN is one message, always sent as the initial response; a challenge after it has
    /// no answer (RFC 4616 §2), so the exchange is cancelled rather than the password repeated.
    public mutating func respond(to challenge: [UInt8]) throws -> [UInt8] {
        throw AuthenticationError.unexpectedChallenge(mechanism: name, challenge: challenge)
    }
}
