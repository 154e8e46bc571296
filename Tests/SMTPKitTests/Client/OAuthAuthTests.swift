import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// XOAUTH2 and OAUTHBEARER (RFC 7628) against the test server, which takes only the tokens it
/// knows and answers any other with the 334 JSON error challenge, as Google and Microsoft do.
@Suite struct OAuthAuthTests {
    static let token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.access.token"

    static func server(mechanisms: [String], tls: ServerConfiguration.TLSOffer = .startTLS) throws -> SMTPServer {
        try ClientFixture.startServer {
            $0.tls = tls
            $0.authMechanisms = mechanisms
            $0.authRequiresTLS = false
            $0.bearerTokens = [token: ClientFixture.user]
        }
    }

    static func client(for server: SMTPServer, token: String = token, auth: AuthChoice = .auto,
                       tlsMode: TLSMode = .startTLS, allowPlaintext: Bool = false,
                       transcript: TranscriptHandler? = nil) -> SMTPClient {
        var configuration = ClientFixture.configuration(for: server, tlsMode: tlsMode, auth: auth)
        configuration.credentials = CredentialProvider(user: ClientFixture.user, secret: token, kind: .bearerToken)
        configuration.allowPlaintextAuth = allowPlaintext
        return SMTPClient(configuration: configuration, transcript: transcript)
    }

    /// The decoded initial response of the AUTH line for `mechanism`.
    static func initialResponse(_ mechanism: String, in lines: [String]) throws -> String {
        let line = try #require(lines.first { $0.hasPrefix("AUTH \(mechanism) ") })
        let blob = String(line.dropFirst("AUTH \(mechanism) ".count))
        return String(decoding: Data(base64Encoded: blob) ?? Data(), as: UTF8.self)
    }

    @Test func autoPicksOAUTHBEARERForATokenAndSendsHostAndPort() async throws {
        let server = try Self.server(mechanisms: ["PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER"])
        defer { server.stop() }
        let report = try await Self.client(for: server).send(try ClientFixture.message())
        #expect(report.authenticatedUser == ClientFixture.user)
        let lines = ClientFixture.allLines(server)
        #expect(try Self.initialResponse("OAUTHBEARER", in: lines)
                == "n,a=\(ClientFixture.user),\u{01}host=127.0.0.1\u{01}port=\(server.port)\u{01}auth=Bearer \(Self.token)\u{01}\u{01}")
        #expect(!lines.contains { $0.hasPrefix("AUTH PLAIN") || $0.hasPrefix("AUTH LOGIN") }, "a token never goes to a password mechanism")
        #expect(server.messages.first?.authenticatedUser == ClientFixture.user)
    }

    @Test func autoFallsBackToXOAUTH2() async throws {
        let server = try Self.server(mechanisms: ["PLAIN", "XOAUTH2"])
        defer { server.stop() }
        _ = try await Self.client(for: server).send(try ClientFixture.message())
        #expect(try Self.initialResponse("XOAUTH2", in: ClientFixture.allLines(server))
                == "user=\(ClientFixture.user)\u{01}auth=Bearer \(Self.token)\u{01}\u{01}")
    }

    @Test func aTokenWithoutATokenMechanismIsNotSentAsAPassword() async throws {
        let server = try Self.server(mechanisms: ["PLAIN", "LOGIN"])
        defer { server.stop() }
        let error = await #expect(throws: AuthenticationError.self) { try await Self.client(for: server).send(try ClientFixture.message()) }
        #expect(error?.kind == .mechanismNotOffered)
        #expect(error?.wanted == ["OAUTHBEARER", "XOAUTH2"])
        #expect(!ClientFixture.sawCommand("AUTH", in: ClientFixture.allLines(server)))
    }

    @Test func aRefusedOAUTHBEARERTokenIsAnsweredWithCtrlAAndTheJSONErrorIsShown() async throws {
        let server = try Self.server(mechanisms: ["OAUTHBEARER"])
        defer { server.stop() }
        let error = await #expect(throws: AuthenticationError.self) {
            try await Self.client(for: server, token: "expired").send(try ClientFixture.message())
        }
        #expect(error?.kind == .rejected)
        #expect(error?.reply?.code == 535)
        #expect(error?.oauthError?.status == "invalid_token")
        #expect(error?.oauthError?.scope == "https://outlook.office.com/SMTP.Send")
        #expect(error?.oauthError?.openIDConfiguration?.hasSuffix("openid-configuration") == true)
        #expect(error?.description.contains("OAuth error: status invalid_token, scope https://outlook.office.com/SMTP.Send") == true, "\(String(describing: error))")
        let lines = ClientFixture.allLines(server)
        let auth = try #require(lines.firstIndex { $0.hasPrefix("AUTH OAUTHBEARER ") })
        #expect(lines[auth + 1] == "AQ==", "a single %x01 after the error challenge (RFC 7628 §3.2.3)")
        #expect(!ClientFixture.sawCommand("MAIL", in: lines))
        #expect(RetryVerdict(for: error!) == .permanent)
    }

    @Test func aRefusedXOAUTH2TokenShowsGooglesErrorDocument() async throws {
        let server = try Self.server(mechanisms: ["XOAUTH2"])
        defer { server.stop() }
        let error = await #expect(throws: AuthenticationError.self) {
            try await Self.client(for: server, token: "revoked", auth: .xoauth2).send(try ClientFixture.message())
        }
        #expect(error?.oauthError?.status == "401")
        #expect(error?.oauthError?.scope == "https://mail.google.com/")
        #expect(error?.description.contains("the access token was refused") == true)
    }

    @Test func aTokenIsNeverSentUnencryptedEvenWhenPlaintextAuthIsAllowed() async throws {
        let server = try Self.server(mechanisms: ["XOAUTH2", "OAUTHBEARER"], tls: .none)
        defer { server.stop() }
        let error = await #expect(throws: AuthenticationError.self) {
            try await Self.client(for: server, tlsMode: .plaintext, allowPlaintext: true).send(try ClientFixture.message())
        }
        #expect(error?.kind == .tokenRequiresTLS)
        #expect(ClientFixture.allLines(server).isEmpty, "refused before connecting")
    }

    @Test func theTokenNeverAppearsInTheTranscript() async throws {
        let server = try Self.server(mechanisms: ["OAUTHBEARER"])
        defer { server.stop() }
        let lines = TranscriptLines()
        _ = try await Self.client(for: server, transcript: { lines.add($0.text) }).send(try ClientFixture.message())
        let text = lines.all.joined(separator: "\n")
        #expect(text.contains("AUTH OAUTHBEARER ****"))
        #expect(!text.contains(Self.token))
        #expect(!text.contains(Data(Self.token.utf8).base64EncodedString().prefix(16)))
    }

    @Test func aTokenTooLongForTheAUTHLineGoesInTheTwoStepForm() async throws {
        // A token of 9,172 octets: the response is 9,209 octets, 12,280 in base64, so "AUTH XOAUTH2 "
        // with it passes the 12,288-octet line limit (RFC 4954 §4) and the response line alone does not.
        let long = String(repeating: "t", count: 9_172)
        let server = try ClientFixture.startServer {
            $0.authMechanisms = ["XOAUTH2"]
            $0.bearerTokens = [long: ClientFixture.user]
        }
        defer { server.stop() }
        _ = try await Self.client(for: server, token: long, auth: .xoauth2).send(try ClientFixture.message())
        let lines = ClientFixture.allLines(server)
        let auth = try #require(lines.firstIndex(of: "AUTH XOAUTH2"), "AUTH alone, then the response after 334: \(lines.map { $0.prefix(40) })")
        let decoded = String(decoding: Data(base64Encoded: lines[auth + 1]) ?? Data(), as: UTF8.self)
        #expect(decoded == "user=\(ClientFixture.user)\u{01}auth=Bearer \(long)\u{01}\u{01}")
        #expect(server.messages.count == 1)
    }
}

@Suite("OAuth2 SASL encodings (RFC 7628, XOAUTH2)")
struct OAuthMechanismTests {
    @Test("OAUTHBEARER escapes ',' and '=' in the user name (RFC 5801 §4)", arguments: [
        ("alice@example.org", "alice@example.org"),
        ("a,b@example.org", "a=2Cb@example.org"),
        ("a=b@example.org", "a=3Db@example.org"),
        ("=,=", "=3D=2C=3D"),
    ])
    func gs2Escaping(user: String, escaped: String) {
        let mechanism = OAuthBearerMechanism(credentials: Credentials(user: user, secret: "T"), host: "smtp.example.org", port: 587)
        let response = String(decoding: mechanism.initialResponse() ?? [], as: UTF8.self)
        #expect(response == "n,a=\(escaped),\u{01}host=smtp.example.org\u{01}port=587\u{01}auth=Bearer T\u{01}\u{01}")
    }

    @Test func errorChallengesAreParsedAndAnsweredOnce() throws {
        var bearer = OAuthBearerMechanism(credentials: Credentials(user: "u", secret: "T"), host: "h", port: 25)
        #expect(try bearer.respond(to: Array(#"{"status":"invalid_token","scope":"s"}"#.utf8)) == [0x01])
        #expect(bearer.serverError?.status == "invalid_token")
        #expect(throws: AuthenticationError.self) { _ = try bearer.respond(to: []) }
        var xoauth2 = XOAuth2Mechanism(credentials: Credentials(user: "u", secret: "T"))
        #expect(try xoauth2.respond(to: Array(#"{"status":401,"schemes":"bearer"}"#.utf8)) == [])
        #expect(xoauth2.serverError?.status == "401", "a numeric status is read too")
    }

    @Test("what is not an error document is not one", arguments: ["", "not json", "[1,2]", #"{"scope":"x"}"#])
    func notAnErrorDocument(text: String) {
        #expect(OAuthServerError(challenge: Array(text.utf8)) == nil)
    }

    @Test func anErrorDocumentCannotDriveTheTerminal() throws {
        let error = try #require(OAuthServerError(challenge: Array(#"{"status":"x\u001b[2Jy"}"#.utf8)))
        #expect(!error.description.contains("\u{1B}"))
    }

    @Test("auto picks by the kind of secret", arguments: [
        (CredentialProvider.Kind.password, ["XOAUTH2", "LOGIN", "PLAIN"], "PLAIN"),
        (.password, ["XOAUTH2", "LOGIN"], "LOGIN"),
        (.bearerToken, ["PLAIN", "XOAUTH2", "OAUTHBEARER"], "OAUTHBEARER"),
        (.bearerToken, ["PLAIN", "XOAUTH2"], "XOAUTH2"),
    ])
    func autoChoice(kind: CredentialProvider.Kind, offered: [String], picked: String) throws {
        #expect(try SMTPSession.mechanismName(for: .auto, offered: offered, kind: kind) == picked)
    }

    @Test func resolvingXOAUTH2OrOAUTHBEARERMakesATokenLogin() throws {
        for auth in [AuthChoice.xoauth2, .oauthbearer] {
            let configuration = try SMTPClientConfiguration(resolving: Profile(host: "h", auth: auth, user: "u", passwordEnv: "T"), environment: [:])
            #expect(configuration.credentials?.kind == .bearerToken)
        }
        let password = try SMTPClientConfiguration(resolving: Profile(host: "h", user: "u", passwordEnv: "T"), environment: [:])
        #expect(password.credentials?.kind == .password)
        #expect(throws: AuthenticationError.tokenRequiresTLS) {
            _ = try SMTPClientConfiguration(resolving: Profile(host: "h", tls: .plaintext, auth: .oauthbearer, user: "u",
                                                              passwordEnv: "T", allowPlaintextAuth: true), environment: [:])
        }
    }
}

private final class TranscriptLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
