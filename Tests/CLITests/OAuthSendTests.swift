import Foundation
import SMTPKitServer
import Testing

/// `smtpkit send --auth oauthbearer|xoauth2` with an access token from a password source:
/// the token reaches the server only inside TLS, never the output; a refused token is 77 with
/// the server's OAuth error and what to do.
@Suite("send with an OAuth2 access token")
struct OAuthSendTests {
    static let token = "ya29.a0-access-token-for-the-cli-tests"

    static func server() throws -> TestServer {
        try TestServer {
            $0.authMechanisms = ["PLAIN", "XOAUTH2", "OAUTHBEARER"]
            $0.bearerTokens = [token: TestServer.user]
        }
    }

    @Test(arguments: ["oauthbearer", "xoauth2"])
    func aTokenFromTheEnvironmentSends(mechanism: String) async throws {
        let server = try Self.server()
        let result = try await CLI.run(["send"] + server.tlsAddress + ["--auth", mechanism, "--user", TestServer.user,
                                        "--password-env", "TOKEN", "-v"] + Mail.basic(),
                                       environment: ["TOKEN": Self.token])
        let sessions = server.stop()
        #expect(result.status == 0, "\(result)")
        #expect(server.messages.first?.authenticatedUser == TestServer.user)
        #expect(sessions.first?.lines.contains { $0.hasPrefix("AUTH \(mechanism.uppercased()) ") } == true)
        #expect(result.stderr.contains("AUTH \(mechanism.uppercased()) ****"), "\(result)")
        #expect(!result.allOutput.contains(Self.token), "\(result)")
    }

    @Test func aRefusedTokenIs77WithTheServersOAuthErrorAndAHint() async throws {
        let server = try Self.server()
        let result = try await CLI.run(["send"] + server.tlsAddress + ["--auth", "oauthbearer", "--user", TestServer.user,
                                        "--password-env", "TOKEN"] + Mail.basic(),
                                       environment: ["TOKEN": "expired-token"])
        server.stop()
        #expect(result.status == 77, "\(result)")
        #expect(result.stderr.contains("OAuth error: status invalid_token"), "\(result)")
        #expect(result.stderr.contains("with a password source, make it print a fresh access token"), "\(result)")
        #expect(server.messages.isEmpty)
    }

    @Test func aTokenOverPlaintextIs78EvenWithAllowPlaintextAuth() async throws {
        let server = try TestServer { $0.tls = .none; $0.authRequiresTLS = false; $0.authMechanisms = ["XOAUTH2"] }
        let result = try await CLI.run(["send"] + server.address + ["--tls", "none", "--allow-plaintext-auth", "--auth", "xoauth2",
                                        "--user", TestServer.user, "--password-env", "TOKEN"] + Mail.basic(),
                                       environment: ["TOKEN": Self.token])
        let sessions = server.stop()
        #expect(result.status == 78, "\(result)")
        #expect(result.stderr.contains("never sent in clear"), "\(result)")
        #expect(sessions.isEmpty, "refused before connecting")
    }
}
