import Foundation
import Testing
@testable import SMTPKit

@Suite("Password sources")
struct PasswordSourceTests {
    // MARK: Environment

    @Test(arguments: ["secret", " spaced secret ", "ünïcødé", "with\nnewline"])
    func environmentValueIsUsedAsIs(value: String) throws {
        #expect(try PasswordSource.environment("PW").resolve(environment: ["PW": value]) == value)
    }

    @Test func unsetVariable() {
        let error = configError { _ = try PasswordSource.environment("PW").resolve(environment: ["OTHER": "x"]) }
        #expect(error == .passwordUnavailable(source: .environment("PW"), reason: "it is not set"))
        #expect(error?.description == "no password from environment variable PW: it is not set. "
            + "Export it (export PW=...) or choose another password source.")
    }

    @Test func emptyVariable() {
        let error = configError { _ = try PasswordSource.environment("PW").resolve(environment: ["PW": ""]) }
        #expect(error == .passwordUnavailable(source: .environment("PW"), reason: "it is empty"))
    }

    // MARK: Command

    @Test(arguments: [
        ("printf 'secret\\n'", "secret"),
        ("printf 'secret\\r\\n'", "secret"),
        ("printf 'secret'", "secret"),
        ("printf 'secret\\n\\n'", "secret\n"),
        ("printf 'two\\nlines\\n'", "two\nlines"),
        ("printf ' padded \\n'", " padded "),
        ("echo noise >&2; echo pw", "pw"),
        ("printf '%s\\n' \"$MY_PW\"", "from-env"),
        ("head -c 200000 /dev/zero >&2; echo pw", "pw"),
        ("set -e\necho multi\n", "multi"),
    ])
    func commandOutputLessOneNewline(command: String, password: String) throws {
        let source = PasswordSource.command(command)
        #expect(try source.resolve(environment: ["MY_PW": "from-env", "PATH": "/usr/bin:/bin"]) == password)
    }

    @Test func commandFailureShowsStatusAndFirstStderrLine() {
        let source = PasswordSource.command("echo 'gpg: decryption failed' >&2; echo second >&2; exit 3")
        let error = configError { _ = try source.resolve(environment: [:]) }
        #expect(error?.kind == .passwordUnavailable)
        #expect(error?.description == "no password from command `echo 'gpg: decryption failed' >&2; echo second >&2; "
            + "exit 3`: it exited with status 3: gpg: decryption failed. Run the command yourself to see what is wrong.")
    }

    @Test func commandFailureWithoutStderr() {
        let error = configError { _ = try PasswordSource.command("exit 1").resolve(environment: [:]) }
        #expect(error == .passwordUnavailable(source: .command("exit 1"), reason: "it exited with status 1"))
    }

    @Test func commandNotFound() {
        let error = configError {
            _ = try PasswordSource.command("no-such-command-smtpkit").resolve(environment: ["PATH": "/usr/bin:/bin"])
        }
        #expect(error?.kind == .passwordUnavailable)
        #expect(error?.description.contains("it exited with status 127: ") == true)
        #expect(error?.description.contains("not found") == true)
    }

    @Test func commandKilledBySignal() {
        let error = configError { _ = try PasswordSource.command("kill -9 $$").resolve(environment: [:]) }
        #expect(error == .passwordUnavailable(source: .command("kill -9 $$"), reason: "it was killed by signal 9"))
    }

    @Test(arguments: ["true", "printf '\\n'", "cat"])
    func commandPrintingNothing(command: String) {
        // `cat` proves standard input is closed: it must not wait for a terminal.
        let error = configError { _ = try PasswordSource.command(command).resolve(environment: [:]) }
        #expect(error == .passwordUnavailable(source: .command(command), reason: "it printed nothing"))
    }

    @Test(arguments: ["sleep 30", "sleep 30 & wait", "exec sleep 30"])
    func hangingCommandHitsTheLimit(command: String) {
        let error = configError {
            _ = try PasswordSource.command(command).resolve(environment: ["PATH": "/usr/bin:/bin"], commandTimeout: 0.3)
        }
        #expect(error == .passwordUnavailable(
            source: .command(command), reason: "it did not finish within 0.3 seconds and was stopped"))
    }

    @Test func backgroundChildHoldingStdoutHitsTheLimit() {
        let command = "echo pw; sleep 30 &"
        let error = configError {
            _ = try PasswordSource.command(command).resolve(environment: ["PATH": "/usr/bin:/bin"], commandTimeout: 0.3)
        }
        #expect(error?.kind == .passwordUnavailable)
    }

    @Test func endlessOutputIsCut() {
        let error = configError {
            _ = try PasswordSource.command("yes").resolve(environment: ["PATH": "/usr/bin:/bin"], commandTimeout: 20)
        }
        #expect(error == .passwordUnavailable(source: .command("yes"), reason: "it printed more than 64 KiB"))
    }

    @Test func invalidUTF8Output() {
        let error = configError { _ = try PasswordSource.command("printf '\\377\\n'").resolve(environment: [:]) }
        #expect(error?.description.contains("the password is not UTF-8 text") == true)
    }

    // MARK: File

    @Test(arguments: [0o600, 0o400, 0o700])
    func privateFileGivesItsFirstLine(mode: Int) throws {
        let dir = try ConfigTempDirectory()
        let path = try dir.write("pw", "s3cret pass\nsecond line\n", mode: mode)
        #expect(try PasswordSource.file(path).resolve() == "s3cret pass")
    }

    @Test(arguments: [("pw", "pw"), ("pw\r\nx", "pw"), ("pw\n", "pw"), ("  pw  \n", "  pw  ")])
    func firstLineEndings(content: String, password: String) throws {
        let dir = try ConfigTempDirectory()
        let path = try dir.write("pw", content)
        #expect(try PasswordSource.file(path).resolve() == password)
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o610, 0o601, 0o666, 0o777])
    func fileOthersCanReachIsRefused(mode: Int) throws {
        let dir = try ConfigTempDirectory()
        let path = try dir.write("pw", "secret\n", mode: mode)
        let error = configError { _ = try PasswordSource.file(path).resolve() }
        #expect(error == .passwordFileInsecure(path: path, mode: mode))
        #expect(error?.description.contains("chmod 600 \(path)") == true)
        #expect(error?.description.contains("secret") == false)
    }

    @Test func insecureFileMessage() throws {
        let error = ConfigError.passwordFileInsecure(path: "/home/u/.smtp-pass", mode: 0o644)
        #expect(error.description == "password file /home/u/.smtp-pass can be read or changed by other users "
            + "(mode 0644). Run `chmod 600 /home/u/.smtp-pass` and try again.")
    }

    @Test func missingFile() throws {
        let dir = try ConfigTempDirectory()
        let path = dir.path + "/none"
        let error = configError { _ = try PasswordSource.file(path).resolve() }
        #expect(error == .passwordUnavailable(source: .file(path), reason: "it does not exist"))
        #expect(error?.description == "no password from file \(path): it does not exist. Check that the file "
            + "exists, is readable by you and holds the password on its first line.")
    }

    @Test func directoryIsNotAPasswordFile() throws {
        let dir = try ConfigTempDirectory()
        let folder = try dir.makeFolder("d")
        #expect(configError { _ = try PasswordSource.file(folder).resolve() }
            == .passwordUnavailable(source: .file(folder), reason: "it is not a regular file"))
    }

    @Test(arguments: ["", "\n", "\r\nsecond"])
    func emptyFirstLine(content: String) throws {
        let dir = try ConfigTempDirectory()
        let path = try dir.write("pw", content)
        #expect(configError { _ = try PasswordSource.file(path).resolve() }
            == .passwordUnavailable(source: .file(path), reason: "its first line is empty"))
    }

    @Test func oversizedFile() throws {
        let dir = try ConfigTempDirectory()
        let path = try dir.write("pw", String(repeating: "x", count: 70_000))
        #expect(configError { _ = try PasswordSource.file(path).resolve() }
            == .passwordUnavailable(source: .file(path), reason: "it is larger than 64 KiB"))
    }

    // MARK: Descriptions

    @Test(arguments: [
        (PasswordSource.environment("PW"), "environment variable PW"),
        (.command("pass show mail"), "command `pass show mail`"),
        (.file("~/.smtp-pass"), "file ~/.smtp-pass"),
    ])
    func descriptions(source: PasswordSource, text: String) {
        #expect(source.description == text)
    }

    @Test func profilePasswordFileFromConfigIsResolvedBesideIt() throws {
        let dir = try ConfigTempDirectory()
        try dir.write("smtpkit/pw", "from-file\n")
        let config = try dir.write("smtpkit/config.toml", "[profiles.a]\npassword_file = \"pw\"\n", mode: 0o644)
        let source = try ConfigFile.load(path: config).profile(named: "a").passwordSource()
        #expect(try source?.resolve() == "from-file")
    }
}
