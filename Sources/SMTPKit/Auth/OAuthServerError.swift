import Foundation

/// The error document a server sends in a 334 challenge when it refuses an OAuth2 bearer
/// token (RFC 7628 §3.2.2; Google's and Microsoft's XOAUTH2 send the same JSON), e.g.
/// `{"status":"invalid_token","scope":"…","openid-configuration":"…"}` or
/// `{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`.
public struct OAuthServerError: Sendable, Hashable, CustomStringConvertible {
    /// The error: an RFC 6750 §3.1 code (`invalid_token`, `insufficient_scope`) or an HTTP status (`401`).
    public let status: String
    /// The scope the server needs, when it says.
    public let scope: String?
    /// The authentication schemes the server takes (`bearer`), when it says.
    public let schemes: String?
    /// Where the server's OpenID configuration is, when it says (RFC 7628 §3.2.2).
    public let openIDConfiguration: String?

    /// Parses the decoded challenge; nil when it is not a JSON object with a `status`.
    public init?(challenge: [UInt8]) {
        guard challenge.count <= 4096,
              let object = try? JSONSerialization.jsonObject(with: Data(challenge)) as? [String: Any] else { return nil }
        func text(_ key: String) -> String? {
            switch object[key] {
            case let string as String: return string
            case let number as NSNumber: return number.stringValue
            default: return nil
            }
        }
        guard let status = text("status") else { return nil }
        self.status = status
        scope = text("scope")
        schemes = text("schemes")
        openIDConfiguration = text("openid-configuration")
    }

    /// `status invalid_token, scope https://outlook.office.com/SMTP.Send`, control characters escaped.
    public var description: String {
        var parts = ["status \(status)"]
        if let scope { parts.append("scope \(scope)") }
        if let schemes { parts.append("schemes \(schemes)") }
        return ControlCharacters.escaped(parts.joined(separator: ", "))
    }
}
