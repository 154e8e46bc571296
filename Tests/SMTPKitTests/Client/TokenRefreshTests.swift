import Foundation
import Testing
import SMTPKit
import SMTPKitServer

/// A token source behind a ``CredentialProvider``: what it hands out, in order, and how often it was asked.
final class TokenSource: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: [CredentialSecret]
    private var asked = 0
    init(_ tokens: [CredentialSecret]) { self.tokens = tokens }
    func next() async throws -> CredentialSecret {
        try await Task.sleep(for: .milliseconds(1))  // a real source awaits the network
        return lock.withLock {
            asked += 1
            return tokens.count > 1 ? tokens.removeFirst() : tokens[0]
        }
    }
    var count: Int { lock.withLock { asked } }
}

/// Refresh while sending (issue 7, part 4): a token about to expire is fetched again before
/// AUTH; a token the server refuses is refreshed once and tried once more on the same connection.
@Suite struct TokenRefreshTests {
    static func server(knows token: String) throws -> SMTPServer {
        try ClientFixture.startServer {
            $0.authMechanisms = ["OAUTHBEARER"]
            $0.bearerTokens = [token: ClientFixture.user]
        }
    }

    static func client(_ server: SMTPServer, _ source: TokenSource) -> SMTPClient {
        var configuration = ClientFixture.configuration(for: server, tlsMode: .startTLS)
        configuration.credentials = CredentialProvider(user: ClientFixture.user, fetch: { try await source.next() })
        return SMTPClient(configuration: configuration)
    }

    /// `credentials()` blocks while an async fetch runs, so — as SMTPKit does on its I/O
    /// thread — it is called here from a thread of its own, never from the cooperative pool.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    @Test func aTokenThatExpiresWithinFiveMinutesIsFetchedAgainBeforeAUTH() async throws {
        let soon = TokenSource([CredentialSecret("a", expiresAt: Date().addingTimeInterval(60)), CredentialSecret("b")])
        let provider = CredentialProvider(user: "u", fetch: { try await soon.next() })
        #expect(try await Self.onThread { try provider.credentials().secret } == "a")
        #expect(try await Self.onThread { try provider.credentials().secret } == "b", "60 s left is inside the 5-minute margin")
        #expect(soon.count == 2)
        let later = TokenSource([CredentialSecret("c", expiresAt: Date().addingTimeInterval(3_600))])
        let kept = CredentialProvider(user: "u", fetch: { try await later.next() })
        _ = try await Self.onThread { try kept.credentials() }
        _ = try await Self.onThread { try kept.credentials() }
        #expect(later.count == 1, "an hour left: the kept token is used")
        #expect(kept.expiresAt != nil)
    }

    @Test func aRefusedTokenIsRefreshedOnceAndTriedAgainOnTheSameConnection() async throws {
        let server = try Self.server(knows: "fresh")
        defer { server.stop() }
        let source = TokenSource([CredentialSecret("stale"), CredentialSecret("fresh")])
        let report = try await Self.client(server, source).send(try ClientFixture.message())
        #expect(report.authenticatedUser == ClientFixture.user)
        #expect(source.count == 2)
        let sessions = ClientFixture.finishedSessions(server)
        #expect(sessions.count == 1, "the same connection")
        #expect(sessions.first?.lines.filter { $0.hasPrefix("AUTH OAUTHBEARER ") }.count == 2)
        #expect(server.messages.count == 1)
    }

    @Test func theSameTokenAgainIsNotRetried() async throws {
        let server = try Self.server(knows: "fresh")
        defer { server.stop() }
        let source = TokenSource([CredentialSecret("revoked")])
        let error = await #expect(throws: AuthenticationError.self) { try await Self.client(server, source).send(try ClientFixture.message()) }
        #expect(error?.kind == .rejected)
        #expect(source.count == 2, "asked once more after the 535")
        #expect(ClientFixture.allLines(server).filter { $0.hasPrefix("AUTH OAUTHBEARER ") }.count == 1, "no loop")
    }

    @Test func aRefusedPasswordIsNotRetried() async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let client = SMTPClient(configuration: ClientFixture.configuration(
            for: server, tlsMode: .startTLS, credentials: Credentials(user: ClientFixture.user, secret: "wrong")))
        await #expect(throws: AuthenticationError.self) { try await client.send(try ClientFixture.message()) }
        #expect(ClientFixture.allLines(server).filter { $0.hasPrefix("AUTH ") }.count == 1)
    }
}
