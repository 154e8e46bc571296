import ArgumentParser
import SMTPKit

/// The flags that pick and reach a server, shared by `send` and `probe`.
/// Each one is the same-named setting of a profile (``ProfileSetting``: its help text, and the
/// rule its value must follow), laid over the config file's profile as the top layer.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Profile from the config file (default: the file's default_profile).")
    var profile: String?
    @Option(help: "Config file (default: $SMTPKIT_CONFIG, then ~/.config/smtpkit/config.toml).")
    var config: String?
    @Option(help: Self.help("host"))
    var host: String?
    @Option(help: Self.help("port"))
    var port: Int?
    @Option(help: Self.help("tls"))
    var tls: TLSMode?
    @Option(help: Self.help("ca_file"))
    var caFile: String?
    @Flag(help: Self.help("insecure_skip_verify"))
    var insecureSkipVerify = false
    @Option(help: Self.help("auth"))
    var auth: AuthChoice?
    @Option(help: Self.help("user"))
    var user: String?
    @Option(help: Self.help("password_env"))
    var passwordEnv: String?
    @Option(help: Self.help("password_command"))
    var passwordCommand: String?
    @Option(help: Self.help("password_file"))
    var passwordFile: String?
    @Flag(help: Self.help("allow_plaintext_auth"))
    var allowPlaintextAuth = false
    @Option(help: Self.help("helo"))
    var helo: String?
    @Option(help: Self.help("timeout"))
    var timeout: Double?
    @Flag(name: [.short, .long], help: "Print the SMTP dialogue as it happens (passwords masked).")
    var verbose = false

    /// The flags' values checked by the same rules as a config file's (one rule per setting).
    func validate() throws {
        let sources = [passwordEnv, passwordCommand, passwordFile].compactMap { $0 }
        if sources.count > 1 {
            throw ValidationError("give only one of --password-env, --password-command, --password-file")
        }
        do {
            try asProfile.validate()
        } catch let error as ConfigError {
            let flag = error.key.flatMap(ProfileSetting.named)?.flag ?? "a flag"
            throw ValidationError("\(flag): \(error.reason ?? error.description)")
        }
    }

    /// The flags as a profile layer: set values only, to lay over the config file's.
    var asProfile: Profile {
        Profile(host: host, port: port, tls: tls, caFile: caFile, insecureSkipVerify: insecureSkipVerify ? true : nil,
                auth: auth, user: user, passwordEnv: passwordEnv, passwordCommand: passwordCommand,
                passwordFile: passwordFile, allowPlaintextAuth: allowPlaintextAuth ? true : nil, helo: helo,
                timeout: timeout)
    }

    /// The help text of the profile setting `key` (``ProfileSetting/summary``): one text for the
    /// flag, the config file's documentation and `profiles show`.
    static func help(_ key: String) -> ArgumentHelp {
        ArgumentHelp(ProfileSetting.named(key)?.summary ?? "")
    }
}
