import Foundation

/// What the device authorization endpoint answers (RFC 8628 §3.2): the code the user types at
/// the verification URL, and how to poll for the outcome.
public struct DeviceAuthorization: Sendable, Equatable {
    /// The code the client polls with; never shown.
    public var deviceCode: String
    /// The code the user types.
    public var userCode: String
    /// Where the user types it.
    public var verificationURI: String
    /// The URL with the code already in it, when the provider gives one.
    public var verificationURIComplete: String?
    /// The provider's own instructions (Microsoft sends one), when given.
    public var message: String?
    /// When the codes stop working (now + `expires_in`).
    public var expiresAt: Date
    /// Seconds between polls (`interval`, default 5, RFC 8628 §3.2).
    public var interval: Double
}

extension OAuthClient {
    /// The device grant's type (RFC 8628 §3.4).
    static let deviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

    /// Asks `deviceURL` for a device code and a user code (RFC 8628 §3.1), blocking.
    /// - Throws: ``OAuthError`` as ``refresh(_:now:)`` does.
    public func startDeviceAuthorization(at deviceURL: URL, now: Date = Date()) throws -> DeviceAuthorization {
        var fields = [("client_id", clientID)]
        if !scopes.isEmpty { fields.append(("scope", scopes.joined(separator: " "))) }
        let object = try post(fields, to: deviceURL)
        if let code = object["error"] as? String {
            throw OAuthError.tokenRequestRefused(deviceURL.absoluteString, code: code, description: object["error_description"] as? String)
        }
        guard let device = object["device_code"] as? String, let user = object["user_code"] as? String,
              let uri = (object["verification_uri"] ?? object["verification_url"]) as? String else {
            throw OAuthError.tokenRequestRefused(deviceURL.absoluteString, code: "malformed", description: "no device_code, user_code or verification_uri")
        }
        let lifetime = (object["expires_in"] as? NSNumber)?.doubleValue ?? 900
        let interval = (object["interval"] as? NSNumber)?.doubleValue ?? 5
        return DeviceAuthorization(deviceCode: device, userCode: user, verificationURI: uri,
                                   verificationURIComplete: object["verification_uri_complete"] as? String,
                                   message: object["message"] as? String, expiresAt: now.addingTimeInterval(lifetime),
                                   interval: max(interval, 1))
    }

    /// Polls the token endpoint until the user has approved (RFC 8628 §3.4–3.5): every
    /// `interval` seconds; `slow_down` adds 5 seconds to this and every later wait;
    /// `authorization_pending` and a temporarily unavailable endpoint wait again; it stops at
    /// `expired_token` or `expires_in`, `access_denied`/`authorization_declined`, or any other error.
    /// - Parameters:
    ///   - authorization: what ``startDeviceAuthorization(at:now:)`` answered.
    ///   - sleep: waits the given seconds (tests record instead); throwing ends the polling.
    ///   - now: the clock.
    public func pollDeviceAuthorization(
        _ authorization: DeviceAuthorization,
        sleep: (Double) throws -> Void = { Thread.sleep(forTimeInterval: $0) },
        now: () -> Date = Date.init
    ) throws -> TokenResponse {
        var interval = authorization.interval
        let url = tokenURL.absoluteString
        var fields = [("grant_type", Self.deviceGrantType), ("device_code", authorization.deviceCode), ("client_id", clientID)]
        if let secret = try secret() { fields.append(("client_secret", secret)) }
        while true {
            try sleep(interval)
            guard now() < authorization.expiresAt else { throw OAuthError.loginExpired(url, code: nil) }
            let object: [String: Any]
            do {
                object = try post(fields, to: tokenURL)
            } catch let error as OAuthError where error.kind == .temporarilyUnavailable {
                continue  // the endpoint hiccuped: the device code is still good until it expires
            }
            switch object["error"] as? String {
            case nil:
                return try Self.tokenResponse(from: object, url: url, now: now())
            case "authorization_pending":
                continue
            case "slow_down":
                interval += 5
            case "expired_token":
                throw OAuthError.loginExpired(url, code: "expired_token")
            case let code? where code == "access_denied" || code == "authorization_declined":
                throw OAuthError.loginDeclined(url, code: code)
            case let code?:
                if ["invalid_grant", "interaction_required"].contains(code) {
                    throw OAuthError.loginRequired(url, code: code, description: object["error_description"] as? String)
                }
                throw OAuthError.tokenRequestRefused(url, code: code, description: object["error_description"] as? String)
            }
        }
    }

    /// POSTs `fields` and returns the JSON object answered, whatever its status; 429, 5xx, a
    /// network failure or an answer that is not JSON is ``OAuthError/Kind/temporarilyUnavailable``.
    func post(_ fields: [(String, String)], to url: URL) throws -> [String: Any] {
        let response: HTTPResponse
        do {
            response = try HTTPClient.exchange(.form(url, fields), tls: tls, timeout: timeout, environment: environment)
        } catch let error as TransportError where error.kind == .certificateRejected || error.kind == .hostNotFound {
            throw error
        } catch let error as TransportError {
            throw OAuthError.temporarilyUnavailable(url.absoluteString, reason: error.description, underlying: error)
        } catch let error as HTTPError {
            throw OAuthError.temporarilyUnavailable(url.absoluteString, reason: error.description, underlying: error)
        }
        let retryAfter = response.header("Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        if response.status == 429 || response.status >= 500 {
            throw OAuthError.temporarilyUnavailable(url.absoluteString, reason: "HTTP \(response.status)", retryAfter: retryAfter)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw OAuthError.temporarilyUnavailable(url.absoluteString, reason: "the answer is not JSON (HTTP \(response.status)); a captive portal or proxy may be in the way")
        }
        return object
    }
}

extension DeviceAuthorization: CustomReflectable {
    /// `dump()` and debuggers see the user code, never the device code.
    public var customMirror: Mirror { Mirror(self, children: ["userCode": userCode, "verificationURI": verificationURI, "expiresAt": expiresAt]) }
}
