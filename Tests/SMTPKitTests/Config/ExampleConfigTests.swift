import Foundation
import Testing
@testable import SMTPKit

/// `Configs/config.toml`, the example users copy, must parse and say what its comments say.
@Suite("Configs/config.toml")
struct ExampleConfigTests {
    static let path: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Config
        .deletingLastPathComponent()  // SMTPKitTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Configs/config.toml").path

    struct Expected: Sendable, CustomTestStringConvertible {
        let name: String
        let host: String
        let port: Int
        let tls: TLSMode
        let auth: AuthChoice
        let password: PasswordSource?
        var testDescription: String { name }
    }

    static let profiles: [Expected] = [
        Expected(name: "ntnu", host: "smtp.stud.ntnu.no", port: 25, tls: .plaintext, auth: .disabled, password: nil),
        Expected(name: "office365", host: "smtp.office365.com", port: 587, tls: .startTLS, auth: .oauth2,
                 password: nil),
        Expected(name: "gmail", host: "smtp.gmail.com", port: 465, tls: .implicit, auth: .plain,
                 password: .environment("GMAIL_APP_PASSWORD")),
        Expected(name: "local", host: "127.0.0.1", port: 10587, tls: .startTLS, auth: .plain,
                 password: .environment("SMTPKIT_INTEROP_PASSWORD")),
    ]

    @Test func parsesWithTheFourProfilesInOrder() throws {
        let config = try ConfigFile.load(path: Self.path)
        #expect(config.profileNames == ["ntnu", "office365", "gmail", "local"])
        #expect(config.defaultProfile == nil)
        #expect(config.defaults.timeout == 30)
    }

    @Test(arguments: profiles)
    func profileResolvesToTheDocumentedServer(expected: Expected) throws {
        let profile = try ConfigFile.load(path: Self.path).profile(named: expected.name)
        #expect(profile.host == expected.host)
        #expect(profile.port == expected.port)
        #expect(profile.tls == expected.tls)
        #expect(profile.auth == expected.auth)
        #expect(try profile.passwordSource() == expected.password)
        #expect(profile.timeout == 30)
        #expect(profile.insecureSkipVerify == nil)
        #expect(profile.allowPlaintextAuth == nil)
    }

    @Test func localProfileUsesTheInteropUser() throws {
        let profile = try ConfigFile.load(path: Self.path).profile(named: "local")
        #expect(profile.user == "alice@interop.test")
    }

    @Test func gmailUsesTheDefaultModeForItsPort() throws {
        let profile = try ConfigFile.load(path: Self.path).profile(named: "gmail")
        #expect(profile.tls == TLSMode.defaultMode(forPort: 465))
    }

    @Test func everyCommentedOutSettingAlsoParses() throws {
        // Uncommenting the example lines must give a valid file too.
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let settings = ["# default_profile", "# helo", "# allow_partial", "# from", "# ca_file"]
            return settings.contains(where: { line.hasPrefix($0) }) ? String(line.dropFirst(2)) : String(line)
        }.joined(separator: "\n")
        let config = try ConfigFile(text: uncommented, path: "/home/u/.config/smtpkit/config.toml")
        #expect(config.defaultProfile == "office365")
        #expect(try config.profile(named: nil).host == "smtp.office365.com")
        #expect(try config.profile(named: "local").caFile == "/home/u/.config/smtpkit/interop/ca.pem")
        #expect(try config.profile(named: "ntnu").from == "you@stud.ntnu.no")
    }
}
