import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// Cases from the review of the OAuth2 work: each would have crashed, leaked or wasted a token.
@Suite struct OAuthReviewTests {
    /// What a one-shot server received.
    final class Received: @unchecked Sendable {
        private let lock = NSLock()
        private var bytes: [UInt8] = []
        func set(_ value: [UInt8]) { lock.withLock { bytes = value } }
        var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
    }

    /// A one-shot HTTP server on loopback that answers any request with `response`.
    static func hostileServer(_ response: String, received: Received = Received()) throws -> Int {
        let (descriptor, port) = try Socket.listenOnLoopback(port: 0, backlog: 1)
        Thread {
            let client = accept(descriptor, nil, nil)
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(client, &buffer, buffer.count)
            received.set(Array(buffer[..<max(0, count)]))
            _ = Array(response.utf8).withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            close(client)
            close(descriptor)
        }.start()
        return port
    }

    @Test("hostile chunked bodies are errors, not crashes", arguments: [
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n7FFFFFFFFFFFFFFF\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
        "garbage\r\n\r\n",
    ])
    func hostileResponses(response: String) throws {
        let port = try Self.hostileServer(response)
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/token"))
        #expect(throws: HTTPError.self) { _ = try HTTPClient.exchange(HTTPRequest(url: url), tls: TLSConfiguration(), timeout: 5) }
    }

    @Test(arguments: [("/realms/My%20Realm/token?a=b%20c", "GET /realms/My%20Realm/token?a=b%20c HTTP/1.1"),
                      ("/x%0D%0AX-Injected:%20yes", "GET /x%0D%0AX-Injected:%20yes HTTP/1.1")])
    func theRequestTargetStaysPercentEncoded(target: String, requestLine: String) throws {
        let received = Received()
        let port = try Self.hostileServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", received: received)
        let url = try #require(URL(string: "http://127.0.0.1:\(port)" + target))
        let response = try HTTPClient.exchange(HTTPRequest(url: url), tls: TLSConfiguration(), timeout: 5)
        #expect(response.status == 200)
        let lines = received.text.components(separatedBy: "\r\n")
        #expect(lines.first == requestLine)
        #expect(!lines.contains { $0.hasPrefix("X-Injected") })
    }

    @Test func aTokenMechanismWithAPasswordKindProviderStillNeverGoesInClear() async throws {
        let server = try ClientFixture.startServer { $0.tls = .none; $0.authRequiresTLS = false; $0.authMechanisms = ["XOAUTH2"] }
        defer { server.stop() }
        var configuration = ClientFixture.configuration(for: server, tlsMode: .plaintext, credentials: Credentials(user: "u", secret: "token"), auth: .xoauth2)
        configuration.allowPlaintextAuth = true
        await #expect(throws: AuthenticationError.tokenRequiresTLS) { try await SMTPClient(configuration: configuration).send(try ClientFixture.message()) }
        #expect(ClientFixture.allLines(server).isEmpty)
    }

    @Test func aTokenRefusedAfterTheRetryIsNotSentFirstNextTime() async throws {
        let server = try ClientFixture.startServer { $0.authMechanisms = ["OAUTHBEARER"] }
        defer { server.stop() }
        let source = TokenSource([CredentialSecret("bad-1"), CredentialSecret("bad-2"), CredentialSecret("bad-3"), CredentialSecret("bad-4")])
        var configuration = ClientFixture.configuration(for: server, tlsMode: .startTLS)
        configuration.credentials = CredentialProvider(user: ClientFixture.user, fetch: { try await source.next() })
        let client = SMTPClient(configuration: configuration)
        for _ in 0..<2 { await #expect(throws: AuthenticationError.self) { try await client.send(try ClientFixture.message()) } }
        let tokens = ClientFixture.allLines(server).filter { $0.hasPrefix("AUTH OAUTHBEARER ") }.map { line in
            String(decoding: Data(base64Encoded: String(line.dropFirst("AUTH OAUTHBEARER ".count))) ?? Data(), as: UTF8.self)
        }.compactMap { $0.components(separatedBy: "auth=Bearer ").last?.components(separatedBy: "\u{01}").first }
        #expect(tokens == ["bad-1", "bad-2", "bad-3", "bad-4"], "no refused token is sent twice")
    }

    @Test func authRefreshRotatesOnceEvenWhenTheStoredTokenHasExpired() throws {
        let idp = try MockIdentityProvider()
        defer { idp.stop() }
        let base = NSTemporaryDirectory() + "/smtpkit-review-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let login = try OAuthLogin(resolving: Profile(user: "alice@example.org", oauthProvider: .custom, oauthClientID: "c",
                                                      oauthTokenURL: idp.tokenURL.absoluteString, name: "p"),
                                   environment: ["XDG_STATE_HOME": base], tls: TLSConfiguration(caCertificatesPEM: idp.caCertificatePEM))
        let issued = idp.issue(user: "alice@example.org")
        try login.store.save(OAuthTokens(user: "alice@example.org", provider: "custom", clientID: "c", scopes: [],
                                         refreshToken: issued.refreshToken, accessToken: "old", accessTokenExpiresAt: Date(timeIntervalSinceNow: -60)),
                             profile: "p")
        _ = try login.accessToken(forceRefresh: true)
        #expect(idp.requests.count == 1)
        _ = try login.accessToken(forceRefresh: true)
        #expect(idp.requests.count == 2, "a forced refresh of a valid token refreshes once too")
    }

    @Test func theOAuthEndpointsAreVerifiedWhateverTheSMTPServerIsAllowed() throws {
        let profile = Profile(caFile: "/relay-ca.pem", insecureSkipVerify: true, oauthCAFile: nil)
        let tls = TLSConfiguration(resolvingOAuthEndpointsOf: profile)
        #expect(tls.verifiesCertificate)
        #expect(tls.caFile == nil, "the relay's CA file does not replace the system store for Microsoft or Google")
        let idp = try MockIdentityProvider()
        defer { idp.stop() }
        let client = OAuthClient(tokenURL: idp.tokenURL, clientID: "c", scopes: [], tls: tls, timeout: 5)
        let error = #expect(throws: TransportError.self) { _ = try client.refresh("rt") }
        #expect(error?.kind == .certificateRejected, "a test CA's certificate is not trusted by the system store")
        #expect(idp.requests.isEmpty, "the refresh token never reached the unverified peer")
    }

    @Test func tokensNeverShowInDescriptionsOrDumps() {
        let tokens = OAuthTokens(user: "u", provider: "microsoft", clientID: "c", scopes: ["s"], refreshToken: "RT-SECRET", accessToken: "AT-SECRET")
        var dumped = ""
        dump(tokens, to: &dumped)
        #expect(!"\(tokens)".contains("SECRET") && !dumped.contains("SECRET"))
        var secretDump = ""
        dump(CredentialSecret("AT-SECRET"), to: &secretDump)
        #expect(!secretDump.contains("SECRET") && !"\(CredentialSecret("AT-SECRET"))".contains("SECRET"))
    }
}

/// `HTTPS_PROXY` (issue 7, part 5): the token request goes through a CONNECT tunnel, TLS end to
/// end with the real host's name, and `NO_PROXY` exceptions are honoured.
@Suite struct ProxyTests {
    /// A CONNECT proxy on loopback that maps every host to `127.0.0.1:targetPort` and relays bytes.
    final class ConnectProxy: @unchecked Sendable {
        let port: Int
        private let lock = NSLock()
        private var requests: [String] = []
        var seen: [String] { lock.withLock { requests } }

        init(targetPort: Int) throws {
            let (listener, port) = try Socket.listenOnLoopback(port: 0, backlog: 4)
            self.port = port
            Thread { [self] in
                let client = accept(listener, nil, nil)
                close(listener)
                var head = [UInt8]()
                var byte: UInt8 = 0
                while !head.reversed().starts(with: [10, 13, 10, 13]), read(client, &byte, 1) == 1 { head.append(byte) }
                let line = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n").first ?? ""
                lock.withLock { requests.append(line) }
                guard let target = try? Connection.open(host: "127.0.0.1", port: targetPort, deadline: .after(seconds: 5)) else { close(client); return }
                let upstream = target.socket.fileDescriptor
                _ = Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8).withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                let relay: @Sendable (Int32, Int32) -> Void = { from, to in
                    var buffer = [UInt8](repeating: 0, count: 16 * 1024)
                    while true {
                        let count = read(from, &buffer, buffer.count)
                        if count <= 0 { break }
                        _ = buffer.withUnsafeBytes { write(to, $0.baseAddress, count) }
                    }
                    shutdown(to, Int32(SHUT_WR))
                }
                let fcntlFlags = fcntl(upstream, F_GETFL)
                _ = fcntl(upstream, F_SETFL, fcntlFlags & ~O_NONBLOCK)
                Thread { relay(upstream, client) }.start()
                relay(client, upstream)
                usleep(200_000)
                close(client)
                target.close()
            }.start()
        }
    }

    @Test func theTokenRequestGoesThroughTheTunnelVerifiedAgainstTheRealHost() throws {
        let idp = try MockIdentityProvider(names: ["idp.test"])
        defer { idp.stop() }
        let proxy = try ConnectProxy(targetPort: idp.port)
        let issued = idp.issue(user: "alice@example.org")
        var client = OAuthClient(tokenURL: try #require(URL(string: "https://idp.test:\(idp.port)/token")), clientID: "c", scopes: [],
                                 tls: TLSConfiguration(caCertificatesPEM: idp.caCertificatePEM), timeout: 10)
        client.environment = ["HTTPS_PROXY": "http://127.0.0.1:\(proxy.port)"]
        let response = try client.refresh(issued.refreshToken)
        #expect(idp.user(forAccessToken: response.accessToken) == "alice@example.org")
        #expect(proxy.seen == ["CONNECT idp.test:\(idp.port) HTTP/1.1"], "the proxy saw only the tunnel request")
    }

    @Test func noProxyAndLoopbackAreReachedDirectly() {
        #expect(HTTPProxy(for: "login.microsoftonline.com", environment: ["HTTPS_PROXY": "proxy:3128"]) == HTTPProxy(testHost: "proxy", port: 3128))
        #expect(HTTPProxy(for: "login.microsoftonline.com", environment: ["https_proxy": "http://p.example:8080", "NO_PROXY": ".microsoftonline.com"]) == nil)
        #expect(HTTPProxy(for: "idp.corp", environment: ["HTTPS_PROXY": "p:1", "no_proxy": "*"]) == nil)
        #expect(HTTPProxy(for: "x.example", environment: [:]) == nil)
    }
}

extension HTTPProxy {
    init(testHost: String, port: Int) { self = HTTPProxy(for: "z", environment: ["HTTPS_PROXY": "http://\(testHost):\(port)"])! }
}
