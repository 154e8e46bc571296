import ArgumentParser
import Foundation
import SMTPKit

/// `smtpkit profiles list|show`: what the config file holds, secrets never shown.
struct Profiles: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profiles",
        abstract: "List the profiles of the config file, or show one resolved.",
        subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List profile names (the default is marked *).")
        @Option(help: "Config file (default: $SMTPKIT_CONFIG, then ~/.config/smtpkit/config.toml).")
        var config: String?

        func run() async throws {
            guard let file = try ProfileLoader(configPath: config).configFile() else {
                Terminal.out("no config file (looked for $SMTPKIT_CONFIG and ~/.config/smtpkit/config.toml); see Configs/config.toml")
                return
            }
            Terminal.out("# \(file.path)")
            for name in file.profileNames {
                Terminal.out((name == file.defaultProfile ? "* " : "  ") + name)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a profile's settings after [defaults] and the profile are merged.")
        @Argument(help: "Profile name (default: the file's default_profile).")
        var name: String?
        @Option(help: "Config file (default: $SMTPKIT_CONFIG, then ~/.config/smtpkit/config.toml).")
        var config: String?

        func run() async throws {
            let loader = ProfileLoader(configPath: config)
            guard let file = try loader.configFile() else {
                throw CLIError.config("no config file found; pass --config FILE or create ~/.config/smtpkit/config.toml")
            }
            let profile = try file.profile(named: name)
            Terminal.out("# \(file.path)" + (name.map { " [profiles.\($0)]" } ?? ""))
            for (key, value) in profile.settings {
                Terminal.out("\(key) = \(Self.display(key: key, value: value, environment: loader.environment))")
            }
            // What the library resolves the unset port and mode to (no secret is read).
            let (port, mode) = TLSMode.resolve(port: profile.port, mode: profile.tls)
            if profile.port == nil, profile.host != nil { Terminal.out("port = \(port)  # default for tls \(mode.rawValue)") }
            if profile.tls == nil { Terminal.out("tls = \(mode.rawValue)  # default for port \(port)") }
            do {
                _ = try SMTPClientConfiguration(resolving: profile, environment: loader.environment,
                                                passwordPrompt: { _ in "" })
            } catch {
                Terminal.out("# cannot send as it is: \(error)")
                if let advice = CLIAdvice.advice(for: error) { Terminal.out("# hint: \(advice)") }
            }
        }

        /// Values as they are, with what a user needs to know about password sources;
        /// the secret itself is never read or shown.
        static func display(key: String, value: String, environment: [String: String]) -> String {
            switch key {
            case "password_env":
                return "\(value)  # " + ((environment[value]?.isEmpty == false) ? "set (value hidden)" : "NOT set")
            case "password_file":
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: value),
                      let mode = attributes[.posixPermissions] as? Int else { return "\(value)  # not readable" }
                return "\(value)  # mode \(String(mode, radix: 8))" + (mode & 0o077 == 0 ? "" : " — too open, run chmod 600")
            case "password_command":
                return "\(value)  # run when sending (output hidden)"
            default:
                return value
            }
        }
    }
}
