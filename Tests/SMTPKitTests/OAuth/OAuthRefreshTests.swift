import Foundation
import Testing
import SMTPKit
import SMTPKitServer

/// Refresh while sending (issue 7, parts 3–5): a login in the token store, refreshed through the
/// mock identity provider's token endpoint over SMTPKit's own HTTPS, used by XOAUTH2/OAUTHBEARER
/// against the test SMTP server, which takes only the tokens the mock issued.
@Suite struct OAuthRefreshTests {
    static let user = "alice@example.org"

    struct Stack {
        let idp: MockIdentityProvider
        let smtp: SMTPServer
        let store: TokenStore
        let base: String
        let client: OAuthClient

        func stop() {
            smtp.stop()
            idp.stop()
            try? FileManager.default.removeItem(atPath: base)
        }

        func smtpClient() -> SMTPClient {
            var configuration = SMTPClientConfiguration(
                host: "127.0.0.1", port: smtp.port, tlsMode: .startTLS,
                tls: TLSConfiguration(caCertificatesPEM: smtp.caCertificatePEM),
                credentials: .oauth(store: store, profile: "office365", client: client, user: OAuthRefreshTests.user))
            configuration.timeouts = .uniform(10)
            return SMTPClient(configuration: configuration)
        }

        /// Stores a login whose access token is `access` (expiring at `expiresAt`) and whose
        /// refresh token is a real one of the mock's.
        func seed(access: String?, expiresAt: Date?) throws -> String {
            let issued = idp.issue(user: OAuthRefreshTests.user)
            try store.save(OAuthTokens(user: OAuthRefreshTests.user, provider: "microsoft", clientID: "test-client",
                                       scopes: ["https://outlook.office.com/SMTP.Send", "offline_access"],
                                       refreshToken: issued.refreshToken, accessToken: access ?? issued.accessToken,
                                       accessTokenExpiresAt: expiresAt), profile: "office365")
            return issued.refreshToken
        }
    }

    static func stack() throws -> Stack {
        let idp = try MockIdentityProvider()
        var settings = ServerConfiguration()
        settings.users = [:]
        settings.authMechanisms = ["XOAUTH2", "OAUTHBEARER"]
        settings.bearerTokenValidator = { [idp] in idp.user(forAccessToken: $0) }
        settings.idleTimeout = 60
        let smtp = try SMTPServer(configuration: settings)
        let base = NSTemporaryDirectory() + "/smtpkit-oauth-\(UUID().uuidString)"
        let client = OAuthClient(tokenURL: idp.tokenURL, clientID: "test-client",
                                 scopes: ["https://outlook.office.com/SMTP.Send", "offline_access"],
                                 tls: TLSConfiguration(caCertificatesPEM: idp.caCertificatePEM), timeout: 10)
        return Stack(idp: idp, smtp: smtp, store: TokenStore(directory: base + "/smtpkit"), base: base, client: client)
    }

    @Test func anExpiredAccessTokenIsRefreshedBeforeAUTHAndTheRotatedRefreshTokenSaved() async throws {
        let stack = try Self.stack()
        defer { stack.stop() }
        let old = try stack.seed(access: "at-expired", expiresAt: Date().addingTimeInterval(-10))
        let report = try await stack.smtpClient().send(try ClientFixture.message())
        #expect(report.authenticatedUser == Self.user)
        let request = try #require(stack.idp.requests.first)
        #expect(request["grant_type"] == "refresh_token")
        #expect(request["refresh_token"] == old)
        #expect(request["client_id"] == "test-client")
        #expect(request["scope"] == "https://outlook.office.com/SMTP.Send offline_access")
        let saved = try #require(try stack.store.load(profile: "office365"))
        #expect(saved.refreshToken != old, "the rotated refresh token is saved")
        #expect(saved.refreshToken?.hasPrefix("rt-") == true)
        #expect(stack.idp.user(forAccessToken: saved.accessToken ?? "") == Self.user)
        #expect((saved.accessTokenExpiresAt ?? .distantPast) > Date().addingTimeInterval(3000))
        #expect(stack.smtp.messages.count == 1)
    }

    @Test func aValidAccessTokenIsUsedWithoutAskingTheEndpoint() async throws {
        let stack = try Self.stack()
        defer { stack.stop() }
        _ = try stack.seed(access: nil, expiresAt: Date().addingTimeInterval(3600))
        _ = try await stack.smtpClient().send(try ClientFixture.message())
        #expect(stack.idp.requests.isEmpty)
    }

    @Test func aTokenTheServerRefusesIsRefreshedOnceOnTheSameConnection() async throws {
        let stack = try Self.stack()
        defer { stack.stop() }
        // Looks valid for an hour, but the server does not know it (revoked early).
        _ = try stack.seed(access: "at-revoked", expiresAt: Date().addingTimeInterval(3600))
        _ = try await stack.smtpClient().send(try ClientFixture.message())
        #expect(stack.idp.requests.count == 1)
        let sessions = stack.smtp.sessions
        #expect(sessions.count <= 1)
        #expect(stack.smtp.messages.count == 1)
    }

    @Test func aRevokedRefreshTokenMeansLogInAgainAndKeepsWhatIsStored() async throws {
        let stack = try Self.stack()
        defer { stack.stop() }
        let old = try stack.seed(access: "at-expired", expiresAt: Date().addingTimeInterval(-10))
        stack.idp.revokeRefreshTokens(of: Self.user)
        let error = await #expect(throws: OAuthError.self) { try await stack.smtpClient().send(try ClientFixture.message()) }
        #expect(error?.kind == .loginRequired)
        #expect(error?.code == "invalid_grant")
        #expect(error?.errorDescription?.hasPrefix("AADSTS70008") == true)
        #expect(try stack.store.load(profile: "office365")?.refreshToken == old, "nothing is thrown away")
        #expect(stack.smtp.messages.isEmpty)
        #expect(!stack.smtp.sessions.contains { $0.lines.contains { $0.hasPrefix("AUTH") } }, "no AUTH without a token")
    }

    @Test(arguments: [MockIdentityProvider.ScriptedAnswer.serverError(status: 503, retryAfter: 7), .html])
    func anEndpointThatCannotAnswerIsTemporary(answer: MockIdentityProvider.ScriptedAnswer) async throws {
        let stack = try Self.stack()
        defer { stack.stop() }
        let old = try stack.seed(access: "at-expired", expiresAt: Date().addingTimeInterval(-10))
        stack.idp.script([answer])
        let error = await #expect(throws: OAuthError.self) { try await stack.smtpClient().send(try ClientFixture.message()) }
        #expect(error?.kind == .temporarilyUnavailable)
        if case .serverError = answer { #expect(error?.retryAfter == 7) } else {
            #expect(error?.description.contains("not JSON") == true, "\(String(describing: error))")
        }
        #expect(try stack.store.load(profile: "office365")?.refreshToken == old, "the stored tokens are kept")
    }

    @Test func twoConcurrentSendsRefreshOnceAndBothGoThrough() async throws {
        let stack = try Self.stack()
        defer { stack.stop() }
        _ = try stack.seed(access: "at-expired", expiresAt: Date().addingTimeInterval(-10))
        // Two providers over one store, as two processes would have.
        async let first = stack.smtpClient().send(try ClientFixture.message(subject: "one"))
        async let second = stack.smtpClient().send(try ClientFixture.message(subject: "two"))
        _ = try await (first, second)
        #expect(stack.idp.requests.count == 1, "the second waited for the lock and used the fresh token")
        #expect(stack.smtp.messages.count == 2)
    }

    @Test func noStoredLoginSaysSo() async throws {
        let stack = try Self.stack()
        defer { stack.stop() }
        let error = await #expect(throws: OAuthError.self) { try await stack.smtpClient().send(try ClientFixture.message()) }
        #expect(error?.kind == .notLoggedIn)
    }
}

/// The device grant (RFC 8628) against the mock: the codes, the polling and every way it ends.
@Suite struct DeviceFlowTests {
    /// Records each wait instead of sleeping.
    final class Waits: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [Double] = []
        func add(_ seconds: Double) { lock.withLock { stored.append(seconds) } }
        var all: [Double] { lock.withLock { stored } }
    }

    static func client(_ idp: MockIdentityProvider) -> OAuthClient {
        OAuthClient(tokenURL: idp.tokenURL, clientID: "test-client", scopes: ["https://outlook.office.com/SMTP.Send", "offline_access"],
                    tls: TLSConfiguration(caCertificatesPEM: idp.caCertificatePEM), timeout: 10)
    }

    @Test func pendingThenSlowDownThenApproved() throws {
        let idp = try MockIdentityProvider()
        defer { idp.stop() }
        idp.deviceInterval = 2
        idp.approveDevicesAs = "alice@example.org"
        let client = Self.client(idp)
        let authorization = try client.startDeviceAuthorization(at: idp.deviceURL)
        #expect(authorization.userCode.hasPrefix("MOCK-"))
        #expect(authorization.verificationURI.hasSuffix("/device"))
        #expect(authorization.interval == 2)
        #expect(authorization.message?.contains(authorization.userCode) == true)
        idp.script([.slowDown])  // the first poll is told to slow down; the mock's own pending comes next
        let waits = Waits()
        let tokens = try client.pollDeviceAuthorization(authorization, sleep: { waits.add($0) })
        #expect(idp.user(forAccessToken: tokens.accessToken) == "alice@example.org")
        #expect(tokens.refreshToken?.hasPrefix("rt-") == true)
        // slow_down adds 5 s to this and every later wait (RFC 8628 §3.5).
        #expect(waits.all == [2, 7, 7])
        let polls = idp.requests.filter { $0["grant_type"] == "urn:ietf:params:oauth:grant-type:device_code" }
        #expect(polls.count == 3)
        #expect(polls.allSatisfy { $0["device_code"] == authorization.deviceCode && $0["client_id"] == "test-client" })
    }

    @Test(arguments: [
        (MockIdentityProvider.ScriptedAnswer.declined, OAuthError.Kind.loginDeclined),
        (.expiredToken, .loginExpired),
    ])
    func aLoginThatEnds(answer: MockIdentityProvider.ScriptedAnswer, kind: OAuthError.Kind) throws {
        let idp = try MockIdentityProvider()
        defer { idp.stop() }
        let client = Self.client(idp)
        let authorization = try client.startDeviceAuthorization(at: idp.deviceURL)
        idp.script([.authorizationPending, answer])
        let error = #expect(throws: OAuthError.self) { try client.pollDeviceAuthorization(authorization, sleep: { _ in }) }
        #expect(error?.kind == kind)
    }

    @Test func theExpiryEndsThePolling() throws {
        let idp = try MockIdentityProvider()
        defer { idp.stop() }
        let client = Self.client(idp)
        let authorization = try client.startDeviceAuthorization(at: idp.deviceURL)
        let later = authorization.expiresAt.addingTimeInterval(1)
        let error = #expect(throws: OAuthError.self) {
            try client.pollDeviceAuthorization(authorization, sleep: { _ in }, now: { later })
        }
        #expect(error?.kind == .loginExpired)
    }

    @Test func aServerHiccupWhilePollingIsWaitedOut() throws {
        let idp = try MockIdentityProvider()
        defer { idp.stop() }
        idp.approveDevicesAs = "alice@example.org"
        let client = Self.client(idp)
        let authorization = try client.startDeviceAuthorization(at: idp.deviceURL)
        idp.script([.serverError(status: 503, retryAfter: nil)])
        let tokens = try client.pollDeviceAuthorization(authorization, sleep: { _ in })
        #expect(idp.user(forAccessToken: tokens.accessToken) == "alice@example.org")
    }
}

/// The browser login (RFC 8252 loopback redirect, RFC 7636 PKCE S256, `state`) against the
/// mock, with a fake browser that follows the authorization redirect like a real one.
@Suite struct BrowserLoginTests {
    static func login(_ idp: MockIdentityProvider, base: String) throws -> OAuthLogin {
        let profile = Profile(user: "alice@example.org", oauthProvider: .custom, oauthClientID: "test-client",
                              oauthTokenURL: idp.tokenURL.absoluteString, oauthAuthorizeURL: idp.authorizeURL.absoluteString,
                              name: "p")
        return try OAuthLogin(resolving: profile, environment: ["XDG_STATE_HOME": base],
                              tls: TLSConfiguration(caCertificatesPEM: idp.caCertificatePEM))
    }

    /// A browser: asks for the favicon first (browsers do), then opens the URL and follows the
    /// provider's redirect to the loopback listener, changing its query with `tamper`.
    static func browser(_ idp: MockIdentityProvider, tamper: @escaping @Sendable (String) -> String = { $0 }) -> (URL) -> Void {
        { url in
            Thread {
                let tls = TLSConfiguration(caCertificatesPEM: idp.caCertificatePEM)
                guard let answer = try? HTTPClient.exchangeForTests(HTTPRequest(url: url), tls: tls),
                      let location = answer.header("Location"), let target = URL(string: tamper(location)),
                      let favicon = URL(string: "http://127.0.0.1:\(target.port ?? 0)/favicon.ico") else { return }
                _ = try? HTTPClient.exchangeForTests(HTTPRequest(url: favicon), tls: tls)
                _ = try? HTTPClient.exchangeForTests(HTTPRequest(url: target), tls: tls)
            }.start()
        }
    }

    static func temporary() -> String { NSTemporaryDirectory() + "/smtpkit-browser-\(UUID().uuidString)" }

    @Test func theCodeIsExchangedWithThePKCEVerifierAndTheTokensStored() throws {
        let idp = try MockIdentityProvider()
        defer { idp.stop() }
        idp.approveDevicesAs = "alice@example.org"
        let base = Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let login = try Self.login(idp, base: base)
        var opened: URL?
        let tokens = try login.loginWithBrowser(timeout: 20) { url in
            opened = url
            Self.browser(idp)(url)
        }
        #expect(idp.user(forAccessToken: tokens.accessToken ?? "") == "alice@example.org")
        #expect(try login.storedTokens()?.refreshToken == tokens.refreshToken)
        let query = URLComponents(url: try #require(opened), resolvingAgainstBaseURL: false)?.queryItems ?? []
        #expect(query.first { $0.name == "code_challenge_method" }?.value == "S256")
        #expect(query.first { $0.name == "redirect_uri" }?.value?.hasPrefix("http://127.0.0.1:") == true)
        #expect((query.first { $0.name == "state" }?.value?.count ?? 0) >= 16)
        let exchange = try #require(idp.requests.first { $0["grant_type"] == "authorization_code" })
        #expect(PKCE.challenge(for: exchange["code_verifier"] ?? "") == query.first { $0.name == "code_challenge" }?.value)
    }

    @Test func aWrongStateIsRefused() throws {
        let idp = try MockIdentityProvider()
        defer { idp.stop() }
        idp.approveDevicesAs = "alice@example.org"
        let base = Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let browser = Self.browser(idp, tamper: { $0.replacingOccurrences(of: "state=", with: "state=forged") })
        let error = #expect(throws: OAuthError.self) { try Self.login(idp, base: base).loginWithBrowser(timeout: 20, open: browser) }
        #expect(error?.code == "state mismatch")
        #expect(!idp.requests.contains { $0["grant_type"] == "authorization_code" }, "the code is never redeemed")
    }

    @Test func aDeclinedLoginAndNoRedirectAtAll() throws {
        let idp = try MockIdentityProvider()
        defer { idp.stop() }
        let base = Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let declined = #expect(throws: OAuthError.self) { try Self.login(idp, base: base).loginWithBrowser(timeout: 20, open: Self.browser(idp)) }
        #expect(declined?.kind == .loginDeclined)
        let timedOut = #expect(throws: OAuthError.self) { try Self.login(idp, base: base).loginWithBrowser(timeout: 1, open: { _ in }) }
        #expect(timedOut?.kind == .loginExpired)
    }
}
