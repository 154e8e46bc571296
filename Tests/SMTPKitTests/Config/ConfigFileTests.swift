import Foundation
import Testing
@testable import SMTPKit

@Suite("Config file: valid files")
struct ConfigFileTests {
    static let sample = """
        default_profile = "work"

        [defaults]
        timeout = 30
        from = "default@example.org"
        allow_partial = false

        [profiles.work]
        host = "smtp.office365.com"
        port = 587
        tls = "starttls"
        auth = "login"
        user = "me@example.org"
        from = "me@example.org"
        password_command = "pass show work"

        [profiles.campus]
        host = "smtp.stud.ntnu.no"
        port = 25
        tls = "none"
        auth = "none"
        timeout = 12.5
        """

    @Test func emptyFileIsAnEmptyConfig() throws {
        let config = try parseConfig("")
        #expect(config.defaults == Profile())
        #expect(config.profileNames.isEmpty)
        #expect(config.defaultProfile == nil)
        #expect(try config.profile(named: nil) == Profile())
        #expect(config.path == testConfigPath)
    }

    @Test func commentsOnlyFileIsAnEmptyConfig() throws {
        let config = try parseConfig("# nothing here\n\n   # at all\n")
        #expect(config.profileNames.isEmpty)
    }

    @Test func profileInheritsDefaults() throws {
        let config = try parseConfig(Self.sample)
        #expect(config.defaults == Profile(from: "default@example.org", timeout: 30, allowPartial: false))
        #expect(try config.profile(named: "work") == Profile(
            host: "smtp.office365.com", port: 587, tls: .startTLS, auth: .login, user: "me@example.org",
            passwordCommand: "pass show work", from: "me@example.org", timeout: 30, allowPartial: false))
        #expect(try config.profile(named: "campus") == Profile(
            host: "smtp.stud.ntnu.no", port: 25, tls: .plaintext, auth: .disabled,
            from: "default@example.org", timeout: 12.5, allowPartial: false))
    }

    @Test func flagsOverrideTheProfile() throws {
        let config = try parseConfig(Self.sample)
        let flags = Profile(port: 2525, tls: .implicit, passwordEnv: "PW", allowPartial: true)
        let resolved = try config.profile(named: "work").overlaid(by: flags)
        #expect(resolved.host == "smtp.office365.com")
        #expect(resolved.port == 2525)
        #expect(resolved.tls == .implicit)
        #expect(resolved.allowPartial == true)
        #expect(try resolved.passwordSource() == .environment("PW"))
    }

    @Test func defaultProfileIsUsedWhenNoNameIsGiven() throws {
        let config = try parseConfig(Self.sample)
        #expect(config.defaultProfile == "work")
        #expect(try config.profile(named: nil) == config.profile(named: "work"))
    }

    @Test func anExplicitNameBeatsDefaultProfile() throws {
        let config = try parseConfig(Self.sample)
        #expect(try config.profile(named: "campus").host == "smtp.stud.ntnu.no")
    }

    @Test func withoutDefaultProfileNoNameMeansDefaultsAlone() throws {
        let config = try parseConfig("[defaults]\ntimeout = 5\n[profiles.a]\nhost = \"a\"\n")
        #expect(try config.profile(named: nil) == Profile(timeout: 5))
    }

    @Test func profileNamesKeepFileOrder() throws {
        let config = try parseConfig("""
            [profiles.zeta]
            host = "z"
            [profiles.alpha]
            host = "a"
            [defaults]
            port = 25
            [profiles."with space"]
            host = "s"
            [profiles.mid]
            """)
        #expect(config.profileNames == ["zeta", "alpha", "with space", "mid"])
        #expect(try config.profile(named: "mid") == Profile(port: 25))
        #expect(try config.profile(named: "with space").host == "s")
    }

    @Test func inlineAndDottedTablesAreAccepted() throws {
        let config = try parseConfig("""
            defaults = { port = 2525, tls = "none" }
            [profiles]
            b.host = "b.example"
            a = { host = "a.example", timeout = 3 }
            """)
        #expect(config.profileNames == ["b", "a"])
        #expect(try config.profile(named: "a") == Profile(host: "a.example", port: 2525, tls: .plaintext, timeout: 3))
        #expect(try config.profile(named: "b").host == "b.example")
    }

    @Test(arguments: [
        ("timeout = 30", 30.0), ("timeout = 0.5", 0.5), ("timeout = 1e2", 100.0), ("timeout = 1_000", 1000.0),
    ])
    func timeoutAcceptsIntegersAndFloats(line: String, seconds: Double) throws {
        #expect(try parseConfig("[defaults]\n\(line)\n").defaults.timeout == seconds)
    }

    @Test(arguments: TLSMode.allCases)
    func everyTLSModeParses(mode: TLSMode) throws {
        #expect(try parseConfig("[defaults]\ntls = \"\(mode.rawValue)\"\n").defaults.tls == mode)
    }

    @Test(arguments: AuthChoice.allCases)
    func everyAuthChoiceParses(choice: AuthChoice) throws {
        #expect(try parseConfig("[defaults]\nauth = \"\(choice.rawValue)\"\n").defaults.auth == choice)
    }

    @Test(arguments: [1, 25, 465, 587, 65535])
    func portsAtTheEdgesParse(port: Int) throws {
        #expect(try parseConfig("[defaults]\nport = \(port)\n").defaults.port == port)
    }

    @Test func everyKeyParses() throws {
        let config = try parseConfig("""
            [profiles.all]
            host = "smtp.example.org"
            port = 465
            tls = "tls"
            ca_file = "/etc/ssl/ca.pem"
            insecure_skip_verify = true
            auth = "xoauth2"
            user = "me"
            password_file = "/home/u/.pw"
            allow_plaintext_auth = false
            from = "me@example.org"
            helo = "laptop.example.org"
            timeout = 45
            allow_partial = true
            """)
        #expect(try config.profile(named: "all") == Profile(
            host: "smtp.example.org", port: 465, tls: .implicit, caFile: "/etc/ssl/ca.pem",
            insecureSkipVerify: true, auth: .xoauth2, user: "me", passwordFile: "/home/u/.pw",
            allowPlaintextAuth: false, from: "me@example.org", helo: "laptop.example.org",
            timeout: 45, allowPartial: true))
    }

    @Test func multiLinePasswordCommandIsKept() throws {
        let config = try parseConfig("[defaults]\npassword_command = \"\"\"\nset -e\npass show mail\"\"\"\n")
        #expect(config.defaults.passwordCommand == "set -e\npass show mail")
    }

    @Test func crlfLineEndingsParse() throws {
        let config = try parseConfig("[profiles.a]\r\nhost = \"a\"\r\nport = 25\r\n")
        #expect(try config.profile(named: "a") == Profile(host: "a", port: 25))
    }

    @Test func unicodeValuesSurvive() throws {
        let config = try parseConfig("[defaults]\nfrom = \"Blåbær Ærlig <ø@example.org>\"\n")
        #expect(config.defaults.from == "Blåbær Ærlig <ø@example.org>")
    }

    @Test(arguments: [
        ("certs/ca.pem", "/home/u/.config/smtpkit/certs/ca.pem"),
        ("./ca.pem", "/home/u/.config/smtpkit/ca.pem"),
        ("../shared/ca.pem", "/home/u/.config/shared/ca.pem"),
        ("/etc/ssl/ca.pem", "/etc/ssl/ca.pem"),
        ("~/ca.pem", "/home/u/ca.pem"),
        ("~/./tls/../ca.pem", "/home/u/ca.pem"),
        ("~", "/home/u"),
        ("../../../../../x.pem", "/x.pem"),
    ])
    func pathsAreResolvedAgainstTheConfigDirectory(written: String, resolved: String) throws {
        let text = "[defaults]\nca_file = \"\(written)\"\npassword_file = \"\(written)\"\n"
        let config = try parseConfig(text, path: "/home/u/.config/smtpkit/config.toml")
        #expect(config.defaults.caFile == resolved)
        #expect(config.defaults.passwordFile == resolved)
    }

    @Test func relativeConfigPathIsMadeAbsolute() throws {
        let config = try parseConfig("[defaults]\nca_file = \"ca.pem\"\n", path: "conf/smtp.toml")
        let cwd = FileManager.default.currentDirectoryPath
        #expect(config.defaults.caFile == PathResolver.normalize(cwd + "/conf/ca.pem"))
    }

    @Test func loadReadsAFileAndResolvesPathsBesideIt() throws {
        let dir = try ConfigTempDirectory()
        let file = try dir.write("cfg/config.toml", """
            [profiles.local]
            host = "127.0.0.1"
            ca_file = "ca.pem"
            """, mode: 0o644)
        let config = try ConfigFile.load(path: file, homeDirectory: "/home/u")
        #expect(config.path == file)
        #expect(try config.profile(named: "local").caFile == PathResolver.normalize(dir.path + "/cfg/ca.pem"))
    }
}
