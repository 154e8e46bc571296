/// XOAUTH2, the bearer-token mechanism of Google and Microsoft 365
/// (developers.google.com/gmail/imap/xoauth2-protocol; the model for RFC 7628 OAUTHBEARER):
/// `user=U ^A auth=Bearer TOKEN ^A ^A`. On failure the server sends a 334 with a JSON error
/// (``OAuthServerError``); the client answers with an empty line and the server then replies 535.
public struct XOAuth2Mechanism: SASLMechanism {
    private let credentials: Credentials
    /// The server's error document, when it sent one.
    public private(set) var serverError: OAuthServerError?
    private var answeredError = false

    /// An XOAUTH2 exchange for `credentials`: its user name and, as the secret, an access token.
    public init(credentials: Credentials) { self.credentials = credentials }

    public var name: String { "XOAUTH2" }

    public func initialResponse() -> [UInt8]? {
        Array("user=\(credentials.user)\u{01}auth=Bearer \(credentials.secret)\u{01}\u{01}".utf8)
    }

    public mutating func respond(to challenge: [UInt8]) throws -> [UInt8] {
        guard !answeredError else {
            throw AuthenticationError.unexpectedChallenge(mechanism: name, challenge: challenge)
        }
        answeredError = true
        serverError = OAuthServerError(challenge: challenge)
        return []  // the empty response that ends a failed exchange
    }
}
