import Foundation
import SMTPKit

/// Finds the config file and lays the flags over its profile; the library resolves the result
/// (``SMTPClientConfiguration/init(resolving:environment:passwordPrompt:)``). The CLI decides
/// nothing here but where the layers come from and how a missing setting is worded for a
/// command-line user.
struct ProfileLoader {
    var configPath: String?
    var profileName: String?
    var flags = Profile()
    var environment = ProcessInfo.processInfo.environment

    init(options: ConnectionOptions) {
        configPath = options.config
        profileName = options.profile
        flags = options.asProfile
    }

    /// A loader that only reads the config file (for `profiles`): no other flags apply.
    init(configPath: String?) {
        self.configPath = configPath
    }

    /// The config file in effect, if any (`--config`, `$SMTPKIT_CONFIG`, ~/.config/smtpkit/config.toml).
    func configFile() throws -> ConfigFile? {
        let home = environment["HOME"] ?? NSHomeDirectory()
        guard let path = try ConfigLocator.resolve(explicitPath: configPath, environment: environment, homeDirectory: home) else {
            return nil
        }
        return try ConfigFile.load(path: path)
    }

    /// The file's profile (`[defaults]` under it), the flags on top.
    func profile() throws -> Profile {
        let file = try configFile()
        if file == nil, let name = profileName {
            throw CLIError.config("no config file found, so there is no profile '\(name)'; create ~/.config/smtpkit/config.toml (see Configs/config.toml) or pass --config FILE")
        }
        let base = try file?.profile(named: profileName) ?? Profile()
        return base.overlaid(by: flags)
    }

    /// The session settings for `profile`, resolved by the library; a password with no source
    /// is asked for on the terminal, when there is one, right before AUTH.
    func configuration(_ profile: Profile) throws -> SMTPClientConfiguration {
        let prompt: (@Sendable (String) throws -> String)? = isatty(STDIN_FILENO) == 1 ? Self.askPassword : nil
        do {
            return try SMTPClientConfiguration(resolving: profile, environment: environment, passwordPrompt: prompt)
        } catch let error as ConfigError where error.kind == .missingSetting {
            switch error.key {
            case "host":
                throw CLIError.usage("no server given: pass --host (and --port), or --profile NAME")
            case "user":
                throw CLIError.usage("--auth \(profile.auth?.rawValue ?? "") needs a user name: pass --user or set user in the profile")
            case "password_source":
                throw CLIError.config("a user name is set (\(profile.user ?? "")) but no password: pass --password-env VAR, --password-command CMD or --password-file FILE, or set one of them in the profile")
            default:
                throw error
            }
        }
    }

    @Sendable private static func askPassword(user: String) throws -> String {
        guard let typed = getpass("Password for \(user): ") else {
            throw CLIError.config("no password was typed for \(user)")
        }
        return String(cString: typed)
    }
}
