import Foundation
import SMTPKitServer
import Testing

/// `smtpkit auth login --device`, `auth status`, `send` with `auth = "oauth2"`, `auth token`,
/// `auth refresh` and `auth logout`, against the mock identity provider and the test SMTP server,
/// which trust one test CA and accept only the tokens the mock issued.
@Suite("auth: an OAuth2 login, end to end", .serialized)
struct OAuthLoginTests {
    /// A config file with one profile, `m365`, that logs in with `idp` and sends to 127.0.0.1:`smtpPort`.
    static func writeConfig(_ files: TemporaryDirectory, ca: String, idp: MockIdentityProvider, smtpPort: Int) throws -> String {
        try files.write("config.toml", """
            [profiles.m365]
            host = "127.0.0.1"
            port = \(smtpPort)
            ca_file = "\(ca)"
            oauth_ca_file = "\(ca)"
            auth = "oauth2"
            user = "\(TestServer.user)"
            from = "\(TestServer.user)"
            oauth_provider = "custom"
            oauth_client_id = "test-client"
            oauth_token_url = "\(idp.tokenURL.absoluteString)"
            oauth_device_url = "\(idp.deviceURL.absoluteString)"
            oauth_scopes = "https://outlook.office.com/SMTP.Send offline_access"
            """)
    }

    @Test func loginSendStatusTokenRefreshLogout() async throws {
        let authority = try TestCertificateAuthority()
        let idp = try MockIdentityProvider(authority: authority)
        defer { idp.stop() }
        idp.approveDevicesAs = TestServer.user
        let smtp = try TestServer {
            $0.identity = try authority.issue()
            $0.authMechanisms = ["XOAUTH2", "OAUTHBEARER"]
            $0.bearerTokenValidator = { [idp] in idp.user(forAccessToken: $0) }
        }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let ca = try files.write("ca.pem", authority.certificatePEM, mode: 0o644)
        let config = try Self.writeConfig(files, ca: ca, idp: idp, smtpPort: smtp.port)
        let state = ["XDG_STATE_HOME": files.file("state")]
        func run(_ arguments: [String]) async throws -> CLIResult {
            try await CLI.run(arguments + ["--config", config], environment: state, limit: 60)
        }

        let before = try await run(["send", "--profile", "m365", "--to", Mail.to, "--body", "x"])
        #expect(before.status == 77, "\(before)")
        #expect(before.stderr.contains("has no OAuth2 login stored yet"), "\(before)")
        #expect(before.stderr.contains("smtpkit: hint: run `smtpkit auth login m365`"), "\(before)")

        let login = try await run(["auth", "login", "m365", "--device"])
        #expect(login.status == 0, "\(login)")
        #expect(login.stderr.contains("enter the code MOCK-"), "\(login)")
        #expect(login.stdout.contains("logged in as \(TestServer.user)"), "\(login)")
        let stored = files.file("state") + "/smtpkit/m365.json"
        #expect(FileManager.default.fileExists(atPath: stored))

        let status = try await run(["auth", "status"])
        #expect(status.status == 0, "\(status)")
        #expect(status.stdout.contains("m365: \(TestServer.user) via custom; access token valid until"), "\(status)")
        #expect(status.stdout.contains("refresh token stored"), "\(status)")

        let sent = try await run(["send", "--profile", "m365", "--to", Mail.to, "--subject", "oauth", "--body", "hello", "-v"])
        #expect(sent.status == 0, "\(sent)")
        #expect(sent.stderr.contains("AUTH OAUTHBEARER ****"), "\(sent)")
        #expect(smtp.messages.first?.authenticatedUser == TestServer.user)

        let token = try await run(["auth", "token", "m365"])
        #expect(token.status == 0, "\(token)")
        #expect(idp.user(forAccessToken: token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) == TestServer.user)
        #expect(!sent.allOutput.contains(token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "the token is never in a transcript")

        let refresh = try await run(["auth", "refresh", "m365"])
        #expect(refresh.status == 0, "\(refresh)")
        #expect(idp.requests.contains { $0["grant_type"] == "refresh_token" })

        let logout = try await run(["auth", "logout", "m365"])
        #expect(logout.status == 0, "\(logout)")
        #expect(!FileManager.default.fileExists(atPath: stored))
        smtp.stop()
    }

    /// A mock identity provider, a config file whose profile `m365` uses it, and a completed
    /// `auth login m365` (the mock approves the device code itself).
    static func loggedIn() async throws -> (MockIdentityProvider, TemporaryDirectory, String, [String: String]) {
        let authority = try TestCertificateAuthority()
        let idp = try MockIdentityProvider(authority: authority)
        idp.approveDevicesAs = TestServer.user
        let files = try TemporaryDirectory()
        let ca = try files.write("ca.pem", authority.certificatePEM, mode: 0o644)
        let config = try writeConfig(files, ca: ca, idp: idp, smtpPort: 25)
        let state = ["XDG_STATE_HOME": files.file("state")]
        let login = try await CLI.run(["auth", "login", "m365", "--config", config], environment: state, limit: 60)
        #expect(login.status == 0, "\(login)")
        return (idp, files, config, state)
    }

    /// `auth login --browser` with a stand-in `xdg-open` on PATH: a small Python "browser" that
    /// trusts the test CA, asks for the favicon and follows the provider's redirect.
    @Test func aBrowserLoginThroughXdgOpen() async throws {
        let authority = try TestCertificateAuthority()
        let idp = try MockIdentityProvider(authority: authority)
        defer { idp.stop() }
        idp.approveDevicesAs = TestServer.user
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let ca = try files.write("ca.pem", authority.certificatePEM, mode: 0o644)
        var config = try Self.writeConfig(files, ca: ca, idp: idp, smtpPort: 25)
        try (String(contentsOfFile: config, encoding: .utf8) + "\noauth_authorize_url = \"\(idp.authorizeURL.absoluteString)\"\n")
            .write(toFile: config, atomically: true, encoding: .utf8)
        config = files.file("config.toml")
        try FileManager.default.createDirectory(atPath: files.file("bin"), withIntermediateDirectories: true)
        try files.write("bin/xdg-open", """
            #!/bin/sh
            exec python3 - "$1" <<'PY' >/dev/null 2>&1 &
            import ssl, sys, urllib.request, urllib.parse
            url = sys.argv[1]
            context = ssl.create_default_context(cafile="\(ca)")
            class Stop(urllib.request.HTTPRedirectHandler):
                def redirect_request(self, req, fp, code, msg, headers, newurl):
                    port = urllib.parse.urlsplit(newurl).port
                    try: urllib.request.urlopen(f"http://127.0.0.1:{port}/favicon.ico", timeout=5)
                    except Exception: pass
                    return super().redirect_request(req, fp, code, msg, headers, newurl)
            urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), Stop).open(url, timeout=10).read()
            PY
            """, mode: 0o755)
        let environment = ["XDG_STATE_HOME": files.file("state"), "PATH": files.file("bin") + ":/usr/bin:/bin"]
        let login = try await CLI.run(["auth", "login", "m365", "--browser", "--config", config], environment: environment, limit: 60)
        #expect(login.status == 0, "\(login)")
        #expect(login.stderr.contains("code_challenge_method=S256"), "the URL is always printed: \(login)")
        #expect(login.stdout.contains("logged in as \(TestServer.user)"), "\(login)")
        #expect(idp.requests.contains { $0["grant_type"] == "authorization_code" && $0["code_verifier"] != nil })
    }

    @Test func authStatusListsEveryOAuthProfileEvenWhenOneCannotBeResolved() async throws {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let config = try files.write("config.toml", """
            [profiles.broken]
            host = "smtp.office365.com"
            auth = "oauth2"
            user = "me@example.org"

            [profiles.m365]
            host = "smtp.office365.com"
            user = "me@example.org"
            oauth_client_id = "00000000-0000-0000-0000-000000000000"

            [profiles.relay]
            host = "smtp.example.org"
            """)
        let status = try await CLI.run(["auth", "status", "--config", config], environment: ["XDG_STATE_HOME": files.file("state")])
        #expect(status.status == 0, "\(status)")
        #expect(status.stdoutLines.contains { $0.hasPrefix("broken: ") && $0.contains("oauth_client_id") }, "\(status)")
        #expect(status.stdoutLines.contains("m365: not logged in (smtpkit auth login m365)"), "\(status)")
        #expect(!status.stdout.contains("relay"), "a profile without OAuth2 is not listed: \(status)")
    }

    @Test func aRevokedLoginIs77WithLogInAgain() async throws {
        let (idp, files, config, state) = try await Self.loggedIn()
        defer { idp.stop(); files.remove() }
        idp.revokeRefreshTokens(of: TestServer.user)
        let refresh = try await CLI.run(["auth", "refresh", "m365", "--config", config], environment: state)
        #expect(refresh.status == 77, "\(refresh)")
        #expect(refresh.stderr.contains("invalid_grant"), "\(refresh)")
        #expect(refresh.stderr.contains("smtpkit: hint: the stored login has expired: run `smtpkit auth login PROFILE` to log in again"), "\(refresh)")
    }

    @Test("the identity platform's errors people hit get their advice", arguments: [
        ("invalid_client", "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
         "turn on \"Allow public client flows\""),
        ("invalid_grant", "AADSTS65001: The user or administrator has not consented to use the application.",
         "an admin must consent to the application's SMTP.Send permission"),
        ("unauthorized_client", "AADSTS700016: Application with identifier 'x' was not found in the directory.",
         "check oauth_client_id and oauth_tenant"),
        ("invalid_grant", "AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.",
         "multi-factor authentication or conditional access"),
    ])
    func microsoftErrors(code: String, description: String, advice: String) async throws {
        let (idp, files, config, state) = try await Self.loggedIn()
        defer { idp.stop(); files.remove() }
        idp.script([.error(code: code, description: description)])
        let refresh = try await CLI.run(["auth", "refresh", "m365", "--config", config], environment: state)
        #expect(refresh.status == 77, "\(refresh)")
        #expect(refresh.stderr.contains(String(description.prefix(12))), "the platform's words are shown: \(refresh)")
        #expect(refresh.stderr.contains("smtpkit: hint: " ) && refresh.stderr.contains(advice), "\(refresh)")
    }
}
