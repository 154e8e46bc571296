import Testing
@testable import SMTPKit

@Suite("Profile layers")
struct ProfileTests {
    static let full = Profile(
        host: "smtp.example.org", port: 587, tls: .startTLS, caFile: "/etc/ca.pem",
        insecureSkipVerify: false, auth: .login, user: "me", passwordEnv: "PW",
        passwordCommand: nil, passwordFile: nil, allowPlaintextAuth: true,
        from: "me@example.org", helo: "laptop.example.org", timeout: 2.5, allowPartial: true)

    @Test func emptyProfileHasNoSettings() throws {
        let profile = Profile()
        #expect(profile.settings.isEmpty)
        #expect(profile == Profile(host: nil))
        #expect(try profile.passwordSource() == nil)
    }

    @Test func settingsAreListedInFileOrderWithTOMLKeys() {
        let settings = Self.full.settings
        #expect(settings.map(\.key) == [
            "host", "port", "tls", "ca_file", "insecure_skip_verify", "auth", "user",
            "password_env", "allow_plaintext_auth", "from", "helo", "timeout", "allow_partial",
        ])
        #expect(settings.map(\.value) == [
            "smtp.example.org", "587", "starttls", "/etc/ca.pem", "false", "login", "me",
            "PW", "true", "me@example.org", "laptop.example.org", "2.5", "true",
        ])
    }

    @Test(arguments: [
        (30.0, "30"), (2.5, "2.5"), (0.25, "0.25"), (600.0, "600"), (1e20, "1e+20"),
    ])
    func timeoutIsShownWithoutNeedlessFraction(seconds: Double, shown: String) {
        #expect(Profile(timeout: seconds).settings.first?.value == shown)
    }

    @Test func tlsModesAreShownAsTheirTOMLValues() {
        #expect(Profile(tls: .implicit).settings.map(\.value) == ["tls"])
        #expect(Profile(tls: .plaintext).settings.map(\.value) == ["none"])
        #expect(Profile(auth: .xoauth2).settings.map(\.value) == ["xoauth2"])
    }

    @Test func tomlKeysMatchSettingsOrder() {
        let all = Profile(
            host: "h", port: 1, tls: .implicit, caFile: "c", insecureSkipVerify: true, auth: .plain,
            user: "u", passwordEnv: "E", passwordCommand: "C", passwordFile: "F",
            allowPlaintextAuth: false, from: "f", helo: "h", timeout: 1, allowPartial: false,
            maxMessagesPerConnection: 100, messagesPerMinute: 30, maxRecipientsPerMessage: 500,
            oauthProvider: .custom, oauthClientID: "id", oauthTenant: "t", oauthScopes: "s", oauthClientSecretCommand: "c",
            oauthTokenURL: "https://t.example", oauthDeviceURL: "https://d.example", oauthAuthorizeURL: "https://a.example", oauthCAFile: "o")
        #expect(all.settings.map(\.key) == Profile.tomlKeys)
    }

    @Test func topWinsWhereItHasAValue() {
        let bottom = Self.full
        let top = Profile(port: 465, tls: .implicit, insecureSkipVerify: true, timeout: 10)
        let result = bottom.overlaid(by: top)
        var expected = Self.full
        expected.port = 465
        expected.tls = .implicit
        expected.insecureSkipVerify = true
        expected.timeout = 10
        #expect(result == expected)
    }

    @Test func falseOverridesTrue() {
        let result = Profile(allowPlaintextAuth: true, allowPartial: true)
            .overlaid(by: Profile(allowPlaintextAuth: false))
        #expect(result.allowPlaintextAuth == false)
        #expect(result.allowPartial == true)
    }

    @Test func emptyTopChangesNothing() {
        #expect(Self.full.overlaid(by: Profile()) == Self.full)
        #expect(Profile().overlaid(by: Self.full) == Self.full)
    }

    @Test func threeLayersDefaultsProfileFlags() {
        let defaults = Profile(port: 587, from: "default@example.org", timeout: 30)
        let profile = Profile(host: "smtp.office365.com", from: "me@example.org")
        let flags = Profile(port: 2525, helo: "cli")
        let result = defaults.overlaid(by: profile).overlaid(by: flags)
        #expect(result == Profile(host: "smtp.office365.com", port: 2525, from: "me@example.org",
                                  helo: "cli", timeout: 30))
    }

    @Test(arguments: [
        (Profile(passwordCommand: "pass x"), PasswordSource.command("pass x")),
        (Profile(passwordFile: "/p"), PasswordSource.file("/p")),
        (Profile(passwordEnv: "PW"), PasswordSource.environment("PW")),
    ])
    func aPasswordSourceInTheTopReplacesAllBelow(top: Profile, expected: PasswordSource) throws {
        let bottom = Profile(passwordEnv: "OLD")
        let result = bottom.overlaid(by: top)
        #expect(try result.passwordSource() == expected)
    }

    @Test func bottomPasswordSourceSurvivesWhenTopHasNone() throws {
        let result = Profile(passwordFile: "/p").overlaid(by: Profile(user: "me"))
        #expect(try result.passwordSource() == .file("/p"))
        #expect(result.user == "me")
    }

    @Test(arguments: [
        Profile(passwordEnv: "A", passwordCommand: "b"),
        Profile(passwordEnv: "A", passwordFile: "/c"),
        Profile(passwordCommand: "b", passwordFile: "/c"),
        Profile(passwordEnv: "A", passwordCommand: "b", passwordFile: "/c"),
    ])
    func twoSourcesInOneLayerConflict(profile: Profile) {
        let error = configError { _ = try profile.passwordSource() }
        #expect(error?.kind == .conflictingPasswordSources)
        #expect(error?.description ==
            "more than one of password_env, password_command and password_file is set. Keep only one.")
    }
}
