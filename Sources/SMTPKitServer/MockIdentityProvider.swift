import Foundation
import SMTPKit

/// A stand-in for an OAuth2 identity provider's token endpoint (Microsoft's identity platform
/// cannot run here), on `https://127.0.0.1:PORT/token` with a certificate from a test CA.
///
/// It follows the real one's documented behaviour: the refresh-token grant (RFC 6749 §6)
/// answers with a new access token *and a new refresh token* (Microsoft rotates them), the old
/// refresh token stops working, and errors are JSON `{"error": …, "error_description": "AADSTS…"}`
/// with status 400. ``script`` makes the next answers misbehave: a 5xx with `Retry-After`, an HTML
/// page (a captive portal), `invalid_grant`. The access tokens it issues are what
/// ``user(forAccessToken:)`` knows, for the test SMTP server's XOAUTH2/OAUTHBEARER.
public final class MockIdentityProvider: @unchecked Sendable {
    /// An answer to make instead of the normal one.
    public enum ScriptedAnswer: Sendable, Equatable {
        /// `400 {"error":"invalid_grant"}` with Microsoft's AADSTS70043 description.
        case invalidGrant
        /// A server error with this status and `Retry-After` seconds.
        case serverError(status: Int, retryAfter: Int?)
        /// A `200 text/html` page, as a captive portal or proxy login answers.
        case html
        /// `400 {"error":"authorization_pending"}` to a device poll (RFC 8628 §3.5).
        case authorizationPending
        /// `400 {"error":"slow_down"}` to a device poll.
        case slowDown
        /// `400 {"error":"expired_token"}` to a device poll.
        case expiredToken
        /// `400 {"error":"authorization_declined"}` (Microsoft's word for access_denied).
        case declined
        /// Any error answer: `400 {"error": code, "error_description": description}`.
        case error(code: String, description: String)
    }

    /// When set, every login is approved as this user: a device login on its second poll (the
    /// first answers `authorization_pending`), as if someone typed the code at once, and a
    /// browser login at once (nil: the browser login is declined with `access_denied`).
    public var approveDevicesAs: String? {
        get { lock.withLock { autoApprove } }
        set { lock.withLock { autoApprove = newValue } }
    }
    /// The `interval` the device endpoint answers, in seconds.
    public var deviceInterval: Int {
        get { lock.withLock { interval } }
        set { lock.withLock { interval = newValue } }
    }

    /// The CA of the endpoint's certificate, PEM: give it to the client as its CA.
    public let caCertificatePEM: String
    /// The port it listens on.
    public let port: Int
    /// The port of its token introspection endpoint (RFC 7662), plain HTTP on loopback, for a
    /// mail server (Dovecot's `passdb oauth2`) to check the access tokens it issued.
    public let introspectionPort: Int
    /// How long issued access tokens live, in seconds (`expires_in`).
    public var accessTokenLifetime: Int {
        get { lock.withLock { lifetime } }
        set { lock.withLock { lifetime = newValue } }
    }

    private let listener: Listener
    private let introspectionListener: Listener
    private let tlsContext: TLSContext
    private let lock = NSLock()
    private var lifetime = 3600
    private var counter = 0
    private var refreshTokens: [String: String] = [:]  // refresh token → user
    private var accessTokens: [String: String] = [:]   // access token → user
    private var scripted: [ScriptedAnswer] = []
    private var forms: [[String: String]] = []
    private var stopped = false
    private var autoApprove: String?
    private var interval = 1
    private var devices: [String: (userCode: String, polls: Int)] = [:]
    private var codes: [String: (challenge: String, redirect: String, user: String)] = [:]

    /// Starts the endpoint on a free port, with a certificate from `authority` (so one CA file
    /// can trust it and the test SMTP server alike), or from a CA of its own.
    public init(authority: TestCertificateAuthority? = nil, names: [String] = ["localhost", "127.0.0.1", "::1"]) throws {
        let authority = try authority ?? TestCertificateAuthority(commonName: "SMTPKit Test Identity CA")
        let identity = try authority.issue(names: names)
        tlsContext = try TLSContext.server(certificatePEM: identity.certificatePEM, privateKeyPEM: identity.privateKeyPEM)
        caCertificatePEM = authority.certificatePEM
        listener = try Listener(port: 0)
        port = listener.port
        introspectionListener = try Listener(port: 0)
        introspectionPort = introspectionListener.port
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "MockIdentityProvider \(port)"
        thread.start()
        let introspection = Thread { [self] in introspectionLoop() }
        introspection.name = "MockIdentityProvider introspection \(introspectionPort)"
        introspection.start()
    }

    /// The introspection endpoint's URL: `POST token=…` answers `{"active":true,"username":…}`
    /// for a token it issued, `{"active":false}` otherwise (RFC 7662 §2).
    public var introspectionURL: URL { URL(string: "http://127.0.0.1:\(introspectionPort)/introspect")! }

    private func introspectionLoop() {
        while let socket = introspectionListener.accept(until: { self.lock.withLock { self.stopped } }) {
            Thread { [self] in
                let connection = Connection(socket: socket)
                defer { connection.close() }
                let deadline = Deadline.after(seconds: 10)
                guard let request = try? Self.readRequest(connection, deadline: deadline) else { return }
                let user = request.form["token"].flatMap { token in lock.withLock { accessTokens[token] } }
                let body = user.map { #"{"active":true,"username":"\#($0)","scope":"https://outlook.office.com/SMTP.Send"}"# } ?? #"{"active":false}"#
                lock.withLock { forms.append(["introspect": request.form["token"] ?? ""]) }
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
                try? connection.write(Array((head + body).utf8), deadline: deadline)
            }.start()
        }
    }

    deinit { stop() }

    /// The token endpoint's URL.
    public var tokenURL: URL { URL(string: "https://127.0.0.1:\(port)/token")! }
    /// The authorization endpoint's URL (the browser login).
    public var authorizeURL: URL { URL(string: "https://127.0.0.1:\(port)/authorize")! }
    /// The device authorization endpoint's URL.
    public var deviceURL: URL { URL(string: "https://127.0.0.1:\(port)/devicecode")! }

    /// Stops accepting.
    public func stop() {
        lock.withLock { stopped = true }
        listener.close()
        introspectionListener.close()
    }

    /// A login for `user`, as if it had just been made: a refresh token and an access token.
    public func issue(user: String) -> (accessToken: String, refreshToken: String) {
        lock.withLock { mint(for: user) }
    }

    /// The user an access token was issued to, if it is one this endpoint issued.
    public func user(forAccessToken token: String) -> String? {
        lock.withLock { accessTokens[token] }
    }

    /// Makes the next requests get these answers, in order.
    public func script(_ answers: [ScriptedAnswer]) {
        lock.withLock { scripted += answers }
    }

    /// The form fields of every request, in order.
    public var requests: [[String: String]] { lock.withLock { forms } }

    /// Revokes every refresh token of `user` (a password change, an admin's revocation).
    public func revokeRefreshTokens(of user: String) {
        lock.withLock { refreshTokens = refreshTokens.filter { $0.value != user } }
    }

    private func mint(for user: String) -> (accessToken: String, refreshToken: String) {
        counter += 1
        let access = "at-\(counter)-\(UUID().uuidString.prefix(8))"
        let refresh = "rt-\(counter)-\(UUID().uuidString.prefix(8))"
        accessTokens[access] = user
        refreshTokens[refresh] = user
        return (access, refresh)
    }

    private func acceptLoop() {
        while let socket = listener.accept(until: { self.lock.withLock { self.stopped } }) {
            let thread = Thread { [self] in serve(Connection(socket: socket)) }
            thread.start()
        }
    }

    private func serve(_ connection: Connection) {
        defer { connection.close() }
        let deadline = Deadline.after(seconds: 10)
        guard (try? connection.acceptTLS(context: tlsContext, deadline: deadline)) != nil,
              let request = try? Self.readRequest(connection, deadline: deadline) else { return }
        let (status, headers, body) = answer(request)
        var head = "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Error")\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        try? connection.write(Array((head + "\r\n" + body).utf8), deadline: deadline)
    }

    private func answer(_ request: (path: String, form: [String: String])) -> (Int, [(String, String)], String) {
        lock.withLock {
            forms.append(request.form)
            if !scripted.isEmpty {
                switch scripted.removeFirst() {
                case .invalidGrant:
                    return Self.error(400, "invalid_grant", "AADSTS70043: The refresh token has expired or is invalid due to sign-in frequency checks by conditional access.")
                case .serverError(let status, let retryAfter):
                    return (status, [("Content-Type", "application/json")] + (retryAfter.map { [("Retry-After", String($0))] } ?? []),
                            #"{"error":"temporarily_unavailable"}"#)
                case .html:
                    return (200, [("Content-Type", "text/html")], "<html><body>Log in to the hotel Wi-Fi</body></html>")
                case .authorizationPending:
                    return Self.error(400, "authorization_pending", "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.")
                case .slowDown:
                    return Self.error(400, "slow_down", "Polling too often.")
                case .expiredToken:
                    return Self.error(400, "expired_token", "AADSTS70019: Verification code expired.")
                case .declined:
                    return Self.error(400, "authorization_declined", "AADSTS70000: The user declined the request.")
                case .error(let code, let description):
                    return Self.error(400, code, description)
                }
            }
            if request.path == "/authorize" {
                let query = request.form
                guard let redirect = query["redirect_uri"], redirect.hasPrefix("http://127.0.0.1:"),
                      query["response_type"] == "code", query["code_challenge_method"] == "S256",
                      let challenge = query["code_challenge"], let state = query["state"], query["client_id"] != nil else {
                    return (400, [("Content-Type", "text/html")], "<html>AADSTS50011: bad authorization request</html>")
                }
                guard let user = autoApprove else {
                    return (302, [("Location", redirect + "?error=access_denied&state=" + state)], "")
                }
                counter += 1
                let code = "ac-\(counter)-\(UUID().uuidString.prefix(8))"
                codes[code] = (challenge, redirect, user)
                return (302, [("Location", redirect + "?code=" + code + "&state=" + state)], "")
            }
            if request.path == "/devicecode" {
                counter += 1
                let device = "dc-\(counter)-\(UUID().uuidString.prefix(8))"
                let user = "MOCK-\(counter)"
                devices[device] = (user, 0)
                let json = #"{"device_code":"\#(device)","user_code":"\#(user)","verification_uri":"https://127.0.0.1:\#(port)/device","expires_in":900,"interval":\#(interval),"message":"To sign in, open https://127.0.0.1:\#(port)/device and enter the code \#(user)."}"#
                return (200, [("Content-Type", "application/json")], json)
            }
            guard request.path == "/token" else { return (404, [], "") }
            if request.form["grant_type"] == "authorization_code" {
                guard let code = request.form["code"], let issued = codes.removeValue(forKey: code),
                      request.form["redirect_uri"] == issued.redirect,
                      PKCE.challenge(for: request.form["code_verifier"] ?? "") == issued.challenge else {
                    return Self.error(400, "invalid_grant", "AADSTS54005: OAuth2 Authorization code was already redeemed, or the code verifier does not match.")
                }
                return tokenAnswer(for: issued.user)
            }
            if request.form["grant_type"] == "urn:ietf:params:oauth:grant-type:device_code" {
                guard let code = request.form["device_code"], var device = devices[code] else {
                    return Self.error(400, "bad_verification_code", "AADSTS70020: The provided value for the input parameter 'device_code' is not valid.")
                }
                device.polls += 1
                devices[code] = device
                guard let user = autoApprove, device.polls >= 2 else {
                    return Self.error(400, "authorization_pending", "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.")
                }
                devices[code] = nil
                return tokenAnswer(for: user)
            }
            guard request.form["grant_type"] == "refresh_token", let old = request.form["refresh_token"] else {
                return Self.error(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.")
            }
            guard let user = refreshTokens.removeValue(forKey: old) else {
                return Self.error(400, "invalid_grant", "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity.")
            }
            return tokenAnswer(for: user)
        }
    }

    /// A successful token response (RFC 6749 §5.1) with new tokens for `user`, as Microsoft
    /// answers every grant: a new access token and a new (rotated) refresh token. Under the lock.
    private func tokenAnswer(for user: String) -> (Int, [(String, String)], String) {
        let (access, refresh) = mint(for: user)
        let json = #"{"token_type":"Bearer","scope":"https://outlook.office.com/SMTP.Send","expires_in":\#(lifetime),"ext_expires_in":\#(lifetime),"access_token":"\#(access)","refresh_token":"\#(refresh)"}"#
        return (200, [("Content-Type", "application/json; charset=utf-8")], json)
    }

    private static func error(_ status: Int, _ code: String, _ description: String) -> (Int, [(String, String)], String) {
        (status, [("Content-Type", "application/json")], #"{"error":"\#(code)","error_description":"\#(description)","error_codes":[70043]}"#)
    }

    /// The request's path and form body (Content-Length bodies only, as token requests are).
    private static func readRequest(_ connection: Connection, deadline: Deadline) throws -> (path: String, form: [String: String]) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        func more() throws -> Bool {
            let count = try chunk.withUnsafeMutableBytes { raw in
                Result { () throws(TransportError) in try connection.read(into: raw, deadline: deadline) }
            }.get()
            buffer += chunk[..<count]
            return count > 0
        }
        var headEnd: Int?
        while headEnd == nil {
            guard try more(), buffer.count < 65_536 else { throw ServerError("no request") }
            headEnd = (0...max(0, buffer.count - 4)).first { Array(buffer[$0..<min($0 + 4, buffer.count)]) == [13, 10, 13, 10] }
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        let target = head.first?.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        let path = String(target.prefix { $0 != "?" })
        let length = head.compactMap { line -> Int? in
            line.lowercased().hasPrefix("content-length:") ? Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) : nil
        }.first ?? 0
        while buffer.count < headEnd! + 4 + length { guard try more() else { break } }
        var body = String(decoding: buffer[(headEnd! + 4)...], as: UTF8.self)
        if let question = target.firstIndex(of: "?") { body = String(target[target.index(after: question)...]) + (body.isEmpty ? "" : "&" + body) }
        var form: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if parts.count == 2 { form[parts[0]] = parts[1] }
        }
        return (path, form)
    }
}
