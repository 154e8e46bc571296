import Foundation
import Testing
@testable import SMTPKit

/// A config text that must be refused, and exactly how.
struct BadConfig: Sendable, CustomTestStringConvertible {
    let name: String
    let text: String
    let kind: ConfigError.Kind
    let line: Int?
    let key: String?
    /// The description after `/etc/smtpkit/test.toml:LINE: `.
    let message: String

    var testDescription: String { name }
}

@Suite("Config file: errors name file, line and key")
struct ConfigFileErrorTests {
    static let cases: [BadConfig] = [
        BadConfig(
            name: "misspelt key in a profile",
            text: "[profiles.work]\nhost = \"a\"\nport = 25\nhots = \"b\"\n",
            kind: .unknownKey, line: 4, key: "hots",
            message: "unknown key 'hots' in [profiles.work]. Did you mean 'host'?"),
        BadConfig(
            name: "unknown key without suggestion",
            text: "# colours\n[defaults]\ncolour = \"red\"\n",
            kind: .unknownKey, line: 3, key: "colour",
            message: "unknown key 'colour' in [defaults]. Remove it or check its spelling."),
        BadConfig(
            name: "flag spelling with hyphens",
            text: "[defaults]\n\n\nca-file = \"x\"\n",
            kind: .unknownKey, line: 4, key: "ca-file",
            message: "unknown key 'ca-file' in [defaults]. Did you mean 'ca_file'?"),
        BadConfig(
            name: "msmtp's name for a key",
            text: "[profiles.a]\nusername = \"me\"\n",
            kind: .unknownKey, line: 2, key: "username",
            message: "unknown key 'username' in [profiles.a]. Did you mean 'user'?"),
        BadConfig(
            name: "swapped letters",
            text: "[profiles.a]\ntsl = \"tls\"\n",
            kind: .unknownKey, line: 2, key: "tsl",
            message: "unknown key 'tsl' in [profiles.a]. Did you mean 'tls'?"),
        BadConfig(
            name: "truncated key",
            text: "[profiles.a]\nhost = \"h\"\ninsecure = true\n",
            kind: .unknownKey, line: 3, key: "insecure",
            message: "unknown key 'insecure' in [profiles.a]. Did you mean 'insecure_skip_verify'?"),
        BadConfig(
            name: "profile instead of profiles",
            text: "\n[profile.work]\nhost = \"a\"\n",
            kind: .unknownKey, line: 2, key: "profile",
            message: "unknown key 'profile' at the top level. Did you mean 'profiles'?"),
        BadConfig(
            name: "setting outside every table",
            text: "# top\nhost = \"a\"\n[defaults]\n",
            kind: .unknownKey, line: 2, key: "host",
            message: "unknown key 'host' at the top level. Settings belong in [defaults] or a "
                + "[profiles.NAME] table: move it below one of those headers."),
        BadConfig(
            name: "quoted profile name in the table name",
            text: "[profiles.\"my.server\"]\nhost = \"a\"\nprot = 25\n",
            kind: .unknownKey, line: 3, key: "prot",
            message: "unknown key 'prot' in [profiles.\"my.server\"]. Did you mean 'port'?"),
        BadConfig(
            name: "port as a string",
            text: "[profiles.work]\nhost = \"a\"\nport = \"587\"\n",
            kind: .wrongType, line: 3, key: "port",
            message: "port must be an integer, not a string. Change the value on that line."),
        BadConfig(
            name: "port as a float",
            text: "[defaults]\nport = 587.0\n",
            kind: .wrongType, line: 2, key: "port",
            message: "port must be an integer, not a floating-point number. Change the value on that line."),
        BadConfig(
            name: "bool as a string",
            text: "[defaults]\ninsecure_skip_verify = \"yes\"\n",
            kind: .wrongType, line: 2, key: "insecure_skip_verify",
            message: "insecure_skip_verify must be true or false, not a string. Change the value on that line."),
        BadConfig(
            name: "tls as an integer",
            text: "[defaults]\ntls = 1\n",
            kind: .wrongType, line: 2, key: "tls",
            message: "tls must be a quoted string (one of none, starttls, tls), not an integer. "
                + "Change the value on that line."),
        BadConfig(
            name: "timeout as a string",
            text: "[defaults]\ntimeout = \"30s\"\n",
            kind: .wrongType, line: 2, key: "timeout",
            message: "timeout must be a number of seconds, not a string. Change the value on that line."),
        BadConfig(
            name: "host as an array",
            text: "[profiles.a]\nhost = [\n  \"a\",\n  \"b\",\n]\n",
            kind: .wrongType, line: 2, key: "host",
            message: "host must be a string, not an array. Change the value on that line."),
        BadConfig(
            name: "dotted key turns a setting into a table",
            text: "[profiles.a]\nhost = \"h\"\ntls.mode = \"x\"\n",
            kind: .wrongType, line: 3, key: "tls",
            message: "tls must be a quoted string (one of none, starttls, tls), not a table. "
                + "Change the value on that line."),
        BadConfig(
            name: "wrong type inside an inline table",
            text: "[profiles]\nwork = { host = \"a\", port = \"x\" }\n",
            kind: .wrongType, line: 2, key: "port",
            message: "port must be an integer, not a string. Change the value on that line."),
        BadConfig(
            name: "a profile that is not a table",
            text: "[profiles]\nwork = 5\n",
            kind: .wrongType, line: 2, key: "profiles.work",
            message: "profiles.work must be a table ([profiles.work]), not an integer. Change the value on that line."),
        BadConfig(
            name: "an array of profile tables",
            text: "[[profiles.work]]\nhost = \"a\"\n",
            kind: .wrongType, line: 1, key: "profiles.work",
            message: "profiles.work must be a table ([profiles.work]), not an array. Change the value on that line."),
        BadConfig(
            name: "defaults that is not a table",
            text: "defaults = \"x\"\n",
            kind: .wrongType, line: 1, key: "defaults",
            message: "defaults must be a table ([defaults]), not a string. Change the value on that line."),
        BadConfig(
            name: "default_profile that is not a string",
            text: "default_profile = 3\n",
            kind: .wrongType, line: 1, key: "default_profile",
            message: "default_profile must be a string (the name of a profile), not an integer. "
                + "Change the value on that line."),
        BadConfig(
            name: "tls value not known",
            text: "[profiles.a]\nhost = \"h\"\ntls = \"ssl\"\n",
            kind: .invalidValue, line: 3, key: "tls",
            message: "invalid tls: 'ssl' is not one of none, starttls, tls."),
        BadConfig(
            name: "tls in capitals",
            text: "[defaults]\ntls = \"STARTTLS\"\n",
            kind: .invalidValue, line: 2, key: "tls",
            message: "invalid tls: 'STARTTLS' is not one of none, starttls, tls."),
        BadConfig(
            name: "auth value not known",
            text: "[defaults]\nauth = \"cram-md5\"\n",
            kind: .invalidValue, line: 2, key: "auth",
            message: "invalid auth: 'cram-md5' is not one of auto, plain, login, xoauth2, oauthbearer, oauth2, none."),
        BadConfig(
            name: "port zero",
            text: "[defaults]\nport = 0\n",
            kind: .invalidValue, line: 2, key: "port",
            message: "invalid port: 0 is not a TCP port; use a number from 1 to 65535."),
        BadConfig(
            name: "port too high",
            text: "[defaults]\nport = 65536\n",
            kind: .invalidValue, line: 2, key: "port",
            message: "invalid port: 65536 is not a TCP port; use a number from 1 to 65535."),
        BadConfig(
            name: "negative port",
            text: "[defaults]\nport = -25\n",
            kind: .invalidValue, line: 2, key: "port",
            message: "invalid port: -25 is not a TCP port; use a number from 1 to 65535."),
        BadConfig(
            name: "zero timeout",
            text: "[defaults]\ntimeout = 0\n",
            kind: .invalidValue, line: 2, key: "timeout",
            message: "invalid timeout: 0 is not a number of seconds from more than 0 to 86400 (a day)."),
        BadConfig(
            name: "negative float timeout",
            text: "[defaults]\ntimeout = -0.5\n",
            kind: .invalidValue, line: 2, key: "timeout",
            message: "invalid timeout: -0.5 is not a number of seconds from more than 0 to 86400 (a day)."),
        BadConfig(
            name: "infinite timeout",
            text: "[defaults]\ntimeout = inf\n",
            kind: .invalidValue, line: 2, key: "timeout",
            message: "invalid timeout: inf is not a number of seconds from more than 0 to 86400 (a day)."),
        BadConfig(
            name: "nan timeout",
            text: "[defaults]\ntimeout = nan\n",
            kind: .invalidValue, line: 2, key: "timeout",
            message: "invalid timeout: nan is not a number of seconds from more than 0 to 86400 (a day)."),
        BadConfig(
            name: "empty host",
            text: "[profiles.a]\nhost = \"\"\n",
            kind: .invalidValue, line: 2, key: "host",
            message: "invalid host: it is empty; give a value or remove the line."),
        BadConfig(
            name: "host with a space",
            text: "[profiles.a]\nhost = \"smtp example.org\"\n",
            kind: .invalidValue, line: 2, key: "host",
            message: "invalid host: 'smtp example.org' is not a host name; write it without spaces."),
        BadConfig(
            name: "helo with a space",
            text: "[defaults]\nhelo = \"my laptop\"\n",
            kind: .invalidValue, line: 2, key: "helo",
            message: "invalid helo: 'my laptop' contains a space; EHLO takes one domain name (RFC 5321 §4.1.1.1)."),
        BadConfig(
            name: "user with a line break",
            text: "[defaults]\nuser = \"me\\r\\nRSET\"\n",
            kind: .invalidValue, line: 2, key: "user",
            message: "invalid user: it contains a line break, which SMTP commands cannot carry."),
        BadConfig(
            name: "from with a line break",
            text: "[defaults]\nfrom = \"me@example.org\\nRCPT TO:<x@example.org>\"\n",
            kind: .invalidValue, line: 2, key: "from",
            message: "invalid from: it contains a line break, which SMTP commands cannot carry."),
        BadConfig(
            name: "password_env with an equals sign",
            text: "[defaults]\npassword_env = \"PW=secret\"\n",
            kind: .invalidValue, line: 2, key: "password_env",
            message: "invalid password_env: 'PW=secret' is not an environment variable name."),
        BadConfig(
            name: "password file of another user's home",
            text: "[defaults]\npassword_file = \"~bob/pw\"\n",
            kind: .invalidValue, line: 2, key: "password_file",
            message: "invalid password_file: '~bob/pw': ~user is not expanded; write the full path."),
        BadConfig(
            name: "literal password in a profile",
            text: "[profiles.work]\nhost = \"a\"\npassword = \"hunter2\"\n",
            kind: .literalPassword, line: 3, key: "password",
            message: "[profiles.work] contains a literal password, which SMTPKit refuses to read from a "
                + "config file. Use password_env, password_command or password_file instead "
                + "(and `chmod 600` the password file)."),
        BadConfig(
            name: "literal password in defaults, even an empty one",
            text: "[defaults]\npassword = \"\"\n",
            kind: .literalPassword, line: 2, key: "password",
            message: "[defaults] contains a literal password, which SMTPKit refuses to read from a "
                + "config file. Use password_env, password_command or password_file instead "
                + "(and `chmod 600` the password file)."),
        BadConfig(
            name: "two password sources",
            text: "[profiles.work]\npassword_env = \"PW\"\nhost = \"a\"\npassword_file = \"/pw\"\n",
            kind: .conflictingPasswordSources, line: 4, key: nil,
            message: "[profiles.work] sets more than one of password_env, password_command and "
                + "password_file. Keep only one."),
        BadConfig(
            name: "default_profile names a missing profile",
            text: "default_profile = \"wrok\"\n[profiles.work]\nhost = \"a\"\n[profiles.home]\nhost = \"b\"\n",
            kind: .unknownProfile, line: 1, key: nil,
            message: "no profile named 'wrok'. Available profiles: work, home."),
        BadConfig(
            name: "error after a multi-line string that looks like TOML",
            text: """
                [profiles.work]
                password_command = \"\"\"
                [profiles.other]
                host = 'x'
                \"\"\"
                hots = "x"
                """,
            kind: .unknownKey, line: 6, key: "hots",
            message: "unknown key 'hots' in [profiles.work]. Did you mean 'host'?"),
        BadConfig(
            name: "error after a comment and literal multi-line string",
            text: "[defaults] # [profiles.x]\npassword_command = '''\nhots = 1'''  # '''\n\ntimout = 3\n",
            kind: .unknownKey, line: 5, key: "timout",
            message: "unknown key 'timout' in [defaults]. Did you mean 'timeout'?"),
        BadConfig(
            name: "the first problem in file order is reported",
            text: "[profiles.b]\nzzz = 1\n[profiles.a]\naaa = 1\n",
            kind: .unknownKey, line: 2, key: "zzz",
            message: "unknown key 'zzz' in [profiles.b]. Remove it or check its spelling."),
    ]

    @Test(arguments: cases)
    func refusedWithFileLineAndKey(bad: BadConfig) {
        let error = configError { _ = try parseConfig(bad.text) }
        #expect(error?.kind == bad.kind)
        #expect(error?.file == testConfigPath)
        #expect(error?.line == bad.line)
        #expect(error?.key == bad.key)
        let location = bad.line.map { "\(testConfigPath):\($0): " } ?? "\(testConfigPath): "
        #expect(error?.description == location + bad.message)
    }

    @Test func literalPasswordIsNeverEchoed() {
        let error = configError { _ = try parseConfig("[profiles.w]\npassword = \"hunter2\"\n") }
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test(arguments: [
        ("[profiles.work]\nhost = \n", 2, "Error while parsing key-value pair: expected value, saw '\\n'"),
        ("[x]\na = 1\n[x]\n", 3, "Error while parsing table header: cannot redefine existing table 'x'"),
        ("[defaults]\nport = 1\nport = 2\n", 3,
         "Error while parsing key-value pair: cannot redefine existing integer 'port'"),
        ("\n\nhost = \"unterminated\n", 3,
         "Error while parsing string: unescaped control characters other than TAB (U+0009) are explicitly prohibited"),
    ])
    func tomlSyntaxErrorsCarryTheParsersLine(text: String, line: Int, message: String) {
        let error = configError { _ = try parseConfig(text) }
        #expect(error?.kind == .syntax)
        #expect(error?.line == line)
        #expect(error?.description == "\(testConfigPath):\(line): TOML syntax error: \(message). "
            + "Fix the file (the TOML rules are at toml.io).")
    }

    @Test func nulCharacterIsASyntaxError() {
        let error = configError { _ = try parseConfig("[defaults]\nhost = \"a\0b\"\n") }
        #expect(error?.kind == .syntax)
        #expect(error?.line == 2)
    }

    @Test func unknownProfileListsTheAvailableOnes() throws {
        let config = try parseConfig("[profiles.work]\nhost = \"a\"\n[profiles.home]\nhost = \"b\"\n")
        let error = configError { _ = try config.profile(named: "wrok") }
        #expect(error?.kind == .unknownProfile)
        #expect(error?.availableProfiles == ["work", "home"])
        #expect(error?.description == "\(testConfigPath): no profile named 'wrok'. Available profiles: work, home.")
    }

    @Test func unknownProfileInAFileWithoutProfiles() throws {
        let error = configError { _ = try parseConfig("[defaults]\nport = 25\n").profile(named: "x") }
        #expect(error?.description
            == "\(testConfigPath): no profile named 'x'. The file defines no profiles; add a [profiles.x] table.")
    }

    @Test func loadMissingFile() throws {
        let dir = try ConfigTempDirectory()
        let path = dir.path + "/nope.toml"
        let error = configError { _ = try ConfigFile.load(path: path) }
        #expect(error == .fileNotFound(path: path))
        #expect(error?.description
            == "\(path): config file not found. Check the path.")
    }

    @Test func loadDirectory() throws {
        let dir = try ConfigTempDirectory()
        let error = configError { _ = try ConfigFile.load(path: dir.path) }
        #expect(error == .unreadable(path: dir.path, reason: "it is a directory"))
        #expect(error?.description == "\(dir.path): cannot read the config file: it is a directory. "
            + "Check that it is a readable UTF-8 text file.")
    }

    @Test func loadNonUTF8() throws {
        let dir = try ConfigTempDirectory()
        let path = try dir.write("latin1.toml", Data([0x5B, 0x64, 0x5D, 0x0A, 0x23, 0xE6, 0xF8, 0x0A]))
        #expect(configError { _ = try ConfigFile.load(path: path) }
            == .unreadable(path: path, reason: "it is not UTF-8 text"))
    }

    @Test func loadTooLarge() throws {
        let dir = try ConfigTempDirectory()
        let path = try dir.write("big.toml", String(repeating: "# padding\n", count: 110_000))
        #expect(configError { _ = try ConfigFile.load(path: path) }
            == .unreadable(path: path, reason: "it is larger than 1 MiB"))
    }

    @Test func loadReportsErrorsWithTheGivenPath() throws {
        let dir = try ConfigTempDirectory()
        let path = try dir.write("c.toml", "[defaults]\nport = \"x\"\n")
        let error = configError { _ = try ConfigFile.load(path: path) }
        #expect(error?.description.hasPrefix("\(path):2: port must be an integer") == true)
    }

    @Test(arguments: [
        (ConfigError.Kind.fileNotFound, "fileNotFound"), (.syntax, "syntax"), (.unknownKey, "unknownKey"),
        (.passwordFileInsecure, "passwordFileInsecure"), (.conflictingPasswordSources, "conflictingPasswordSources"),
    ])
    func kindsDescribeThemselves(kind: ConfigError.Kind, name: String) {
        #expect(kind.description == name)
    }
}
