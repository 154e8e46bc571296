/// An HTTP exchange that could not be made sense of (network and TLS failures are ``TransportError``).
///
/// An ``SMTPKitError``: match on ``kind``, read the context, show ``description``. Equal when
/// kind and context are equal.
public struct HTTPError: SMTPKitError {
    /// The kind of failure.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: String, Hashable, Sendable {
            case invalidURL, malformedResponse, responseTooLarge
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// The URL is not an `https` (or loopback `http`) URL with a host.
        public static let invalidURL = Kind(.invalidURL)
        /// The server's answer is not HTTP/1.1 (a bad status line, header or chunk).
        public static let malformedResponse = Kind(.malformedResponse)
        /// The headers or the body are larger than the client reads.
        public static let responseTooLarge = Kind(.responseTooLarge)

        /// The kind's name, e.g. `malformedResponse`.
        public var description: String { code.rawValue }
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// The URL requested.
    public let url: String
    /// What was wrong, in a few words.
    public let reason: String?

    /// HTTP errors have no underlying error.
    public var underlying: (any Error & Sendable)? { nil }

    init(_ kind: Kind, url: String, reason: String? = nil) {
        self.kind = kind
        self.url = url
        self.reason = reason
    }

    /// What happened, with the context, in SMTPKit's words.
    public var description: String {
        switch kind {
        case .invalidURL: "cannot request \(url): \(reason ?? "not an https URL")"
        case .malformedResponse: "the answer from \(url) is not valid HTTP/1.1 (\(reason ?? "malformed")); a proxy or captive portal may be in the way"
        case .responseTooLarge: "the answer from \(url) is larger than \(reason ?? "the limit"); a proxy or captive portal may be in the way"
        default: "HTTP error (\(kind))"
        }
    }
}
