/// OAUTHBEARER (RFC 7628 §3.1): a GS2 header naming the user, then `host`, `port` and
/// `auth=Bearer TOKEN` key/value pairs separated by ^A:
/// `n,a=USER,^Ahost=HOST^Aport=PORT^Aauth=Bearer TOKEN^A^A`.
///
/// When the server refuses the token it sends a 334 with a JSON error (RFC 7628 §3.2.2,
/// ``OAuthServerError``); the client must answer with a single ^A (%x01) and the server then
/// replies with the failure (535).
public struct OAuthBearerMechanism: SASLMechanism {
    private let credentials: Credentials
    private let host: String
    private let port: Int
    /// The server's error document, when it sent one.
    public private(set) var serverError: OAuthServerError?
    private var answeredError = false

    /// An OAUTHBEARER exchange for `credentials` (the secret is the access token) with the
    /// server at `host`:`port`, which the mechanism tells the server it is talking to.
    public init(credentials: Credentials, host: String, port: Int) {
        self.credentials = credentials
        self.host = host
        self.port = port
    }

    public var name: String { "OAUTHBEARER" }

    /// `saslname` of RFC 5801 §4: `,` as `=2C` and `=` as `=3D`.
    static func escapedAuthorizationIdentity(_ user: String) -> String {
        user.replacingOccurrences(of: "=", with: "=3D").replacingOccurrences(of: ",", with: "=2C")
    }

    public func initialResponse() -> [UInt8]? {
        let header = "n,a=\(Self.escapedAuthorizationIdentity(credentials.user)),"
        return Array((header + "\u{01}host=\(host)\u{01}port=\(port)\u{01}auth=Bearer \(credentials.secret)\u{01}\u{01}").utf8)
    }

    public mutating func respond(to challenge: [UInt8]) throws -> [UInt8] {
        guard !answeredError else {
            throw AuthenticationError.unexpectedChallenge(mechanism: name, challenge: challenge)
        }
        answeredError = true
        serverError = OAuthServerError(challenge: challenge)
        return [0x01]  // RFC 7628 §3.2.3: the dummy response after an error challenge
    }
}
