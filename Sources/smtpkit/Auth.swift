import ArgumentParser
import Foundation
import SMTPKit

/// `smtpkit auth login|status|token|refresh|logout`: a profile's OAuth2 login (`auth = "oauth2"`).
struct Auth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Log in with OAuth2 (Microsoft 365, Google, custom) and manage the stored tokens.",
        subcommands: [Login.self, Status.self, Token.self, Refresh.self, Logout.self])

    /// The profile argument and the config file option every `auth` command takes.
    struct ProfileOptions: ParsableArguments {
        @Argument(help: "Profile from the config file (default: the file's default_profile).")
        var name: String?
        @Option(help: "Config file (default: $SMTPKIT_CONFIG, then ~/.config/smtpkit/config.toml).")
        var config: String?

        /// The profile's OAuth2 login, resolved by the library.
        func login() throws -> (OAuthLogin, String) {
            guard let file = try ProfileLoader(configPath: config).configFile() else {
                throw CLIError.config("no config file found; pass --config FILE or create ~/.config/smtpkit/config.toml")
            }
            let profile = try file.profile(named: name)
            guard let profileName = profile.name else {
                throw CLIError.usage("name the profile to log in with (the config file has no default_profile)")
            }
            return (try OAuthLogin(resolving: profile, tls: TLSConfiguration(resolvingOAuthEndpointsOf: profile)), profileName)
        }
    }

    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
        commandName: "login",
            abstract: "Log in once and store the tokens: in the browser, or with a device code (the default without a display or over SSH).")
        @OptionGroup var profile: ProfileOptions
        @Flag(help: "Use a device code: open the URL shown on any device and type the code.")
        var device = false
        @Flag(help: "Use the browser on this machine (a redirect to 127.0.0.1).")
        var browser = false

        func validate() throws {
            if device && browser { throw ValidationError("give only one of --device, --browser") }
        }

        func run() async throws {
            let (login, name) = try profile.login()
            let useBrowser = browser || (!device && Self.hasBrowser && login.provider.authorizeURL != nil)
                || login.provider.deviceFlowRefusal != nil
            let tokens = try await BlockingIO.runOnce("smtpkit auth") { _ in
                if useBrowser {
                    return try login.loginWithBrowser { url in
                        Terminal.error("To sign in, open this URL in a browser (opening it now):\n  \(url.absoluteString)")
                        Self.open(url)
                    }
                }
                return try login.loginWithDeviceCode(show: { authorization in
                    Terminal.error(authorization.message
                        ?? "To sign in, open \(authorization.verificationURI) and enter the code \(authorization.userCode)")
                    Terminal.error("waiting for the login to be approved (it expires at \(authorization.expiresAt)); Ctrl-C to stop")
                })
            }
            Terminal.out("logged in as \(tokens.user) (\(tokens.provider), profile \(name)); tokens stored in \(login.store.path(for: login.storeKey))")
        }

        /// A browser can be opened here: a graphical session (or macOS), not over SSH.
        static var hasBrowser: Bool {
            let environment = ProcessInfo.processInfo.environment
            if environment["SSH_CONNECTION"] != nil || environment["SSH_TTY"] != nil { return false }
            #if os(macOS)
            return true
            #else
            return environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil
            #endif
        }

        /// Opens `url` with `xdg-open` (`open` on macOS), best effort: the URL is printed anyway.
        static func open(_ url: URL) {
            let process = Process()
            #if os(macOS)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/open")
            #else
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["xdg-open"]
            #endif
            process.arguments = (process.arguments ?? []) + [url.absoluteString]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try? process.run()
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Every OAuth2 profile's login: user, scopes, expiry, where it is stored.")
        @Option(help: "Config file (default: $SMTPKIT_CONFIG, then ~/.config/smtpkit/config.toml).")
        var config: String?

        func run() async throws {
            guard let file = try ProfileLoader(configPath: config).configFile() else {
                Terminal.out("no config file, so no OAuth2 profiles")
                return
            }
            var any = false
            for name in file.profileNames {
                let profile = try file.profile(named: name)
                guard profile.auth == .oauth2 || profile.oauthClientID != nil else { continue }
                any = true
                let login: OAuthLogin
                let stored: OAuthTokens?
                do {
                    login = try OAuthLogin(resolving: profile, tls: TLSConfiguration(resolvingOAuthEndpointsOf: profile))
                    stored = try login.storedTokens()
                } catch {
                    Terminal.out("\(name): \(error)")  // one broken profile does not hide the others
                    continue
                }
                guard let tokens = stored else {
                    Terminal.out("\(name): not logged in (smtpkit auth login \(name))")
                    continue
                }
                let expiry = tokens.accessTokenExpiresAt.map { $0 > Date() ? "valid until \($0)" : "expired \($0)" } ?? "no access token"
                Terminal.out("\(name): \(tokens.user) via \(tokens.provider); access token \(expiry); refresh token \(tokens.refreshToken == nil ? "none" : "stored")")
                Terminal.out("  scopes: \(tokens.scopes.joined(separator: " "))")
                Terminal.out("  stored in \(login.store.path(for: login.storeKey))")
            }
            if !any { Terminal.out("no profile uses auth = \"oauth2\"") }
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "token", abstract: "Print a valid access token (refreshed if needed), for other programs.")
        @OptionGroup var profile: ProfileOptions

        func run() async throws {
            let (login, _) = try profile.login()
            Terminal.out(try await BlockingIO.runOnce("smtpkit auth") { _ in try login.accessToken().value })
        }
    }

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "refresh", abstract: "Refresh the access token now and store the rotated refresh token.")
        @OptionGroup var profile: ProfileOptions

        func run() async throws {
            let (login, name) = try profile.login()
            let secret = try await BlockingIO.runOnce("smtpkit auth") { _ in try login.accessToken(forceRefresh: true) }
            Terminal.out("refreshed \(name); the access token is valid until \(secret.expiresAt.map { "\($0)" } ?? "an unknown time")")
        }
    }

    struct Logout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "logout", abstract: "Remove the stored tokens of a profile.")
        @OptionGroup var profile: ProfileOptions

        func run() async throws {
            let (login, name) = try profile.login()
            try login.logout()
            Terminal.out("logged out of \(name): its tokens are removed from \(login.store.directory)")
        }
    }
}
