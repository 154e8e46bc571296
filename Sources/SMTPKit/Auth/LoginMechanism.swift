/// The LOGIN mechanism (draft-murchison-sasl-login-00 §2): the server asks for the user
/// name, then the password, in two 334 challenges ("Username:", "Password:").
/// Answers follow the order of the challenges, not their text, as servers vary the wording.
public struct LoginMechanism: SASLMechanism {
    private let credentials: Credentials
    private var step = 0

    /// A LOGIN exchange that answers with `credentials`' user name, then its secret.
    public init(credentials: Credentials) { self.credentials = credentials }

    public var name: String { "LOGIN" }

    public func initialResponse() -> [UInt8]? { nil }

    public mutating func respond(to challenge: [UInt8]) throws -> [UInt8] {
        defer { step += 1 }
        switch step {
        case 0: return Array(credentials.user.utf8)
        case 1: return Array(credentials.secret.utf8)
        default: throw AuthenticationError.unexpectedChallenge(mechanism: name, challenge: challenge)
        }
    }
}
