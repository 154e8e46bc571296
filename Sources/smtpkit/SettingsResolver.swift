import Foundation
import SMTPKit

/// Turns flags and the config file into resolved settings: the config file's `[defaults]`,
/// then the chosen profile, then the flags, each overriding the one before.
struct SettingsResolver {
    let options: ConnectionOptions
    var environment = ProcessInfo.processInfo.environment

    init(options: ConnectionOptions) { self.options = options }

    /// A resolver that only reads the config file (for `profiles`): no other flags apply.
    init(configPath: String?) {
        var options = ConnectionOptions()
        options.config = configPath
        self.options = options
    }

    /// The config file in effect, if any (`--config`, `$SMTPKIT_CONFIG`, ~/.config/smtpkit/config.toml).
    func configFile() throws -> ConfigFile? {
        let home = environment["HOME"] ?? NSHomeDirectory()
        guard let path = try ConfigLocator.resolve(explicitPath: options.config, environment: environment, homeDirectory: home) else {
            return nil
        }
        return try ConfigFile.load(path: path)
    }

    /// The profile layers merged, flags on top.
    func profile() throws -> Profile {
        let file = try configFile()
        if file == nil, let name = options.profile {
            throw CLIError.config("no config file found, so there is no profile '\(name)'; create ~/.config/smtpkit/config.toml (see Configs/config.toml) or pass --config FILE")
        }
        let base = try file?.profile(named: options.profile) ?? Profile()
        return base.overlaid(by: options.asProfile)
    }

    /// The client configuration for `profile`, with the password fetched from its source.
    func clientConfiguration(_ profile: Profile) throws -> SMTPClientConfiguration {
        guard let host = profile.host, !host.isEmpty else {
            throw CLIError.usage("no server given: pass --host (and --port), or --profile NAME")
        }
        let port = profile.port ?? (profile.tls == .implicit ? 465 : 587)
        let tlsMode = profile.tls ?? TLSMode.defaultMode(forPort: port)
        var configuration = SMTPClientConfiguration(host: host, port: port, tlsMode: tlsMode)
        configuration.tls = TLSConfiguration(caFile: profile.caFile, verifiesCertificate: profile.insecureSkipVerify != true)
        configuration.auth = profile.auth ?? .auto
        configuration.allowPlaintextAuth = profile.allowPlaintextAuth ?? false
        configuration.heloName = profile.helo
        configuration.allowPartialDelivery = profile.allowPartial ?? false
        if let seconds = profile.timeout { configuration.timeouts = .uniform(seconds) }
        if let user = profile.user, configuration.auth != .disabled {
            if tlsMode == .plaintext && !configuration.allowPlaintextAuth {
                // Refuse before asking for (or running a command for) a password we would not send.
                throw AuthenticationError.plaintextRefused
            }
            configuration.credentials = Credentials(user: user, secret: try password(for: profile, user: user))
        } else if configuration.auth != .disabled && configuration.auth != .auto {
            throw CLIError.usage("--auth \(configuration.auth.rawValue) needs a user name: pass --user or set user in the profile")
        }
        return configuration
    }

    private func password(for profile: Profile, user: String) throws -> String {
        if let source = try profile.passwordSource() {
            return try source.resolve(environment: environment)
        }
        if isatty(STDIN_FILENO) == 1, let typed = getpass("Password for \(user): ") {
            return String(cString: typed)
        }
        throw CLIError.config("a user name is set (\(user)) but no password: pass --password-env VAR, --password-command CMD or --password-file FILE, or set one of them in the profile")
    }
}
