/// SASL PLAIN (RFC 4616 §2): one message, `authzid NUL authcid NUL passwd`, UTF-8.
/// The authorization identity is left empty, so the server derives it from the user.
/// The secret travels only base64-encoded: it must only be used over TLS.
public struct PlainMechanism: SASLMechanism {
    private let credentials: Credentials

    public init(credentials: Credentials) { self.credentials = credentials }

    public var name: String { "PLAIN" }

    public func initialResponse() -> [UInt8]? {
        [0] + Array(credentials.user.utf8) + [0] + Array(credentials.secret.utf8)
    }

    /// A server that sends a challenge after AUTH PLAIN with an initial response wants it
    /// again (RFC 4954 §4 allows an empty 334 when the client sent none).
    public mutating func respond(to challenge: [UInt8]) throws -> [UInt8] {
        guard challenge.isEmpty else {
            throw AuthenticationError.unexpectedChallenge(mechanism: name, challenge: challenge)
        }
        return initialResponse() ?? []
    }
}
