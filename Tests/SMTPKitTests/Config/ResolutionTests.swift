import Foundation
import Testing
import SMTPKit  // not @testable: resolution is what a Swift program calls

/// `SMTPClientConfiguration(resolving:)`: every default and every check, decided once, with
/// the same verdict whether a value comes from a config file or from a program's own layer.
@Suite struct ResolutionTests {
    static func resolve(_ profile: Profile, environment: [String: String] = [:],
                        prompt: (@Sendable (String) throws -> String)? = nil) throws -> SMTPClientConfiguration {
        try SMTPClientConfiguration(resolving: profile, environment: environment, passwordPrompt: prompt)
    }

    static func configError(_ body: () throws -> Void) -> ConfigError? {
        do { try body() } catch let error as ConfigError { return error } catch { Issue.record("\(error)") }
        return nil
    }

    // MARK: Port and TLS mode (RFC 8314 §3)

    @Test("port and mode follow from each other", arguments: [
        (nil, nil, 587, TLSMode.startTLS),
        (nil, .implicit, 465, .implicit),
        (nil, .startTLS, 587, .startTLS),
        (nil, .plaintext, 587, .plaintext),
        (465, nil, 465, .implicit),
        (25, nil, 25, .startTLS),
        (25, .plaintext, 25, .plaintext),
        (2465, .implicit, 2465, .implicit),
    ] as [(Int?, TLSMode?, Int, TLSMode)])
    func portAndMode(port: Int?, mode: TLSMode?, expectedPort: Int, expectedMode: TLSMode) throws {
        let resolved = try Self.resolve(Profile(host: "mail.example.org", port: port, tls: mode))
        #expect(resolved.port == expectedPort)
        #expect(resolved.tlsMode == expectedMode)
        // The memberwise initialiser decides the same way (it once gave implicit TLS port 587).
        let direct = SMTPClientConfiguration(host: "mail.example.org", port: port, tlsMode: mode)
        #expect(direct.port == expectedPort)
        #expect(direct.tlsMode == expectedMode)
    }

    // MARK: Timeouts

    @Test func noTimeoutKeepsRFC5321sPerPhaseLimits() throws {
        #expect(try Self.resolve(Profile(host: "h")).timeouts == SMTPTimeouts())
        #expect(SMTPTimeouts().greeting == 300 && SMTPTimeouts().dataTermination == 600)
    }

    @Test func aTimeoutSetsEveryPhaseAndQUITWaitsAtMostTenSeconds() throws {
        let timeouts = try Self.resolve(Profile(host: "h", timeout: 30)).timeouts
        #expect(timeouts == .uniform(30))
        #expect(timeouts.greeting == 30 && timeouts.dataTermination == 30 && timeouts.quit == 10)
    }

    @Test("one timeout rule for a file and a program's layer", arguments: ["1e10", "0", "-1", "inf", "nan", "86400.5"])
    func timeoutRule(value: String) throws {
        let fromFile = Self.configError { _ = try ConfigFile(text: "[defaults]\ntimeout = \(value)\n", path: "/c.toml") }
        let seconds = Double(value)!
        let fromLayer = Self.configError { _ = try Self.resolve(Profile(host: "h", timeout: seconds)) }
        #expect(fromFile?.kind == .invalidValue)
        #expect(fromLayer?.kind == .invalidValue)
        #expect(fromFile?.key == "timeout" && fromLayer?.key == "timeout")
        #expect(fromFile?.reason != nil)
        #expect(fromFile?.reason == fromLayer?.reason, "the same words from the same rule")
        #expect(fromLayer?.reason?.contains("86400") == true)
    }

    @Test func theLongestTimeoutIsADay() throws {
        #expect(try Self.resolve(Profile(host: "h", timeout: 86_400)).timeouts.greeting == 86_400)
        #expect(try ConfigFile(text: "[defaults]\ntimeout = 86400\n", path: "/c.toml").defaults.timeout == 86_400)
    }

    @Test("every rule applies to a program's layer too", arguments: [
        (Profile(host: "h", port: 0), "port"),
        (Profile(host: "h", port: 70_000), "port"),
        (Profile(host: "smtp example.org"), "host"),
        (Profile(host: "h", helo: "my host"), "helo"),
        (Profile(host: "h", passwordEnv: "A=B"), "password_env"),
        (Profile(host: "h", user: "a\r\nRCPT TO:<x>"), "user"),
        (Profile(host: "h", from: ""), "from"),
    ])
    func rulesForLayers(profile: Profile, key: String) {
        let error = Self.configError { _ = try Self.resolve(profile) }
        #expect(error?.kind == .invalidValue)
        #expect(error?.key == key)
        #expect(error?.file == nil, "a layer from no file names none")
    }

    // MARK: Required settings and combinations

    @Test func noHostIsAMissingSetting() {
        let error = Self.configError { _ = try Self.resolve(Profile(port: 25)) }
        #expect(error?.kind == .missingSetting)
        #expect(error?.key == "host")
    }

    @Test func aMechanismWithoutAUserIsRefused() {
        let error = Self.configError { _ = try Self.resolve(Profile(host: "h", auth: .plain)) }
        #expect(error?.kind == .missingSetting)
        #expect(error?.key == "user")
        #expect(error?.description.contains("auth = plain") == true)
    }

    @Test func autoOrNoneWithoutAUserNeedsNoLogin() throws {
        #expect(try Self.resolve(Profile(host: "h")).credentials == nil)
        #expect(try Self.resolve(Profile(host: "h", auth: .disabled, user: "me", passwordEnv: "PW")).credentials == nil)
    }

    @Test func aUserWithoutAPasswordSourceOrPromptIsRefused() {
        let error = Self.configError { _ = try Self.resolve(Profile(host: "h", user: "me")) }
        #expect(error?.kind == .missingSetting)
        #expect(error?.description.contains("password_env, password_command or password_file") == true)
    }

    @Test func aPromptAsksForTheUsersPasswordOnlyWhenAUTHNeedsIt() throws {
        let asked = Counter()
        let configuration = try Self.resolve(Profile(host: "h", user: "me@example.org"), prompt: { user in
            asked.add(user)
            return "typed"
        })
        #expect(asked.values.isEmpty, "resolving asks for nothing")
        let credentials = try #require(configuration.credentials).credentials()
        #expect(credentials == Credentials(user: "me@example.org", secret: "typed"))
        _ = try configuration.credentials?.credentials()
        #expect(asked.values == ["me@example.org"], "asked once")
    }

    @Test("a login over plaintext is refused before any password is fetched", arguments: [
        Profile(host: "h", tls: .plaintext, user: "me"),
        Profile(host: "h", port: 25, tls: .plaintext, user: "me", passwordCommand: "touch MARKER"),
    ])
    func plaintextLoginRefused(profile: Profile) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var profile = profile
        profile.passwordCommand = profile.passwordCommand.map { _ in "touch '\(directory)/ran'" }
        #expect(throws: AuthenticationError.plaintextRefused) { _ = try Self.resolve(profile) }
        #expect(!FileManager.default.fileExists(atPath: directory + "/ran"), "the password command must not run")
    }

    @Test func plaintextLoginWhenExplicitlyAllowed() throws {
        let configuration = try Self.resolve(Profile(host: "h", tls: .plaintext, user: "me", passwordEnv: "PW",
                                                     allowPlaintextAuth: true), environment: ["PW": "s"])
        #expect(configuration.allowPlaintextAuth)
        #expect(try configuration.credentials?.credentials().secret == "s")
    }

    // MARK: The password source, fetched lazily and once

    @Test func thePasswordCommandRunsOnlyWhenAskedAndOnlyOnce() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = directory + "/runs"
        let configuration = try Self.resolve(Profile(host: "h", user: "me", passwordCommand: "echo run >> '\(log)'; echo secret"))
        #expect(!FileManager.default.fileExists(atPath: log), "resolving runs nothing")
        let provider = try #require(configuration.credentials)
        #expect(try provider.credentials().secret == "secret")
        var copy = configuration
        copy.host = "other"
        #expect(try copy.credentials?.credentials().secret == "secret", "copies share the fetched secret")
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "run\n", "the command ran once")
    }

    @Test func aMissingEnvironmentVariableFailsWhenFetchedNotWhenResolved() throws {
        let configuration = try Self.resolve(Profile(host: "h", user: "me", passwordEnv: "SMTPKIT_TEST_NOT_SET"))
        let error = Self.configError { _ = try configuration.credentials?.credentials() }
        #expect(error?.kind == .passwordUnavailable)
        #expect(error?.description.contains("SMTPKIT_TEST_NOT_SET") == true)
    }

    @Test func theEnvironmentGivenIsTheOneRead() throws {
        let configuration = try Self.resolve(Profile(host: "h", user: "me", passwordEnv: "PW"), environment: ["PW": "from-env"])
        #expect(try configuration.credentials?.credentials() == Credentials(user: "me", secret: "from-env"))
    }

    // MARK: Every other setting reaches the session

    @Test func settingsReachTheConfiguration() throws {
        let configuration = try Self.resolve(Profile(
            host: "smtp.example.org", caFile: "/etc/ca.pem", insecureSkipVerify: true, auth: .login, user: "u",
            passwordEnv: "PW", helo: "client.example.org", allowPartial: true), environment: ["PW": "p"])
        #expect(configuration.host == "smtp.example.org")
        #expect(configuration.tls.caFile == "/etc/ca.pem")
        #expect(!configuration.tls.verifiesCertificate)
        #expect(configuration.auth == .login)
        #expect(configuration.heloName == "client.example.org")
        #expect(configuration.allowPartialDelivery)
        #expect(configuration.credentials?.user == "u")
    }

    @Test func theDefaultsAreSecure() throws {
        let configuration = try Self.resolve(Profile(host: "h"))
        #expect(configuration.tls.verifiesCertificate)
        #expect(!configuration.allowPlaintextAuth)
        #expect(!configuration.allowPartialDelivery)
        #expect(configuration.auth == .auto)
    }

    // MARK: The settings table

    @Test func everySettingIsDeclaredOnceWithItsFlag() {
        #expect(ProfileSetting.all.map(\.key) == Profile.tomlKeys)
        #expect(Set(Profile.tomlKeys).count == Profile.tomlKeys.count)
        #expect(ProfileSetting.named("ca_file")?.flag == "--ca-file")
        #expect(ProfileSetting.named("allow_plaintext_auth")?.flag == "--allow-plaintext-auth")
        #expect(ProfileSetting.all.allSatisfy { !$0.summary.isEmpty })
    }

    @Test func aFileAndAnEqualLayerResolveAlike() throws {
        let file = try ConfigFile(text: """
            [profiles.p]
            host = "smtp.example.org"
            port = 465
            timeout = 12.5
            helo = "me.example.org"
            """, path: "/c.toml")
        let fromFile = try Self.resolve(file.profile(named: "p"))
        let fromLayer = try Self.resolve(Profile(host: "smtp.example.org", port: 465, helo: "me.example.org", timeout: 12.5))
        #expect(fromFile.port == fromLayer.port && fromFile.tlsMode == fromLayer.tlsMode)
        #expect(fromFile.timeouts == fromLayer.timeouts && fromFile.heloName == fromLayer.heloName)
        #expect(fromFile.tlsMode == .implicit)
    }

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "/smtpkit-resolution-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Collects values from any thread.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ value: String) { lock.withLock { stored.append(value) } }
    var values: [String] { lock.withLock { stored } }
}
