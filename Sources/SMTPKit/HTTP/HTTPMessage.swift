import Foundation

/// An HTTP/1.1 request (RFC 9112), as the token endpoints need it: a method, a URL, headers and
/// a body.
public struct HTTPRequest: Sendable {
    /// `GET` or `POST`.
    public var method: String
    /// An `https` (or, for tests on loopback, `http`) URL.
    public var url: URL
    /// Header fields besides `Host`, `Content-Length` and `Connection`, which the client adds.
    public var headers: [(name: String, value: String)]
    /// The body (sent with `Content-Length`).
    public var body: [UInt8]

    /// A request; `body` empty for a GET.
    public init(method: String = "GET", url: URL, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// A `POST` of `fields` as `application/x-www-form-urlencoded` (RFC 6749 §4.1.3, §6).
    public static func form(_ url: URL, _ fields: [(String, String)]) -> HTTPRequest {
        let body = fields.map { "\(formEncode($0.0))=\(formEncode($0.1))" }.joined(separator: "&")
        return HTTPRequest(method: "POST", url: url,
                           headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                           body: Array(body.utf8))
    }

    /// The form encoding of one name or value: unreserved characters as they are, the rest `%XX`.
    static func formEncode(_ text: String) -> String {
        let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}

/// An HTTP/1.1 response: the status code, the header fields and the whole body.
public struct HTTPResponse: Sendable {
    /// The status code (`200`, `400`, `503`).
    public let status: Int
    /// The header fields, names as received.
    public let headers: [(name: String, value: String)]
    /// The body, de-chunked.
    public let body: [UInt8]

    /// The value of the first field named `name` (case-insensitive, RFC 9110 §5.1).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
