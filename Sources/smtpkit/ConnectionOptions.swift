import ArgumentParser
import SMTPKit

/// The flags that pick and reach a server, shared by `send` and `probe`.
/// Each one overrides the same-named key of the profile.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Profile from the config file (default: the file's default_profile).")
    var profile: String?
    @Option(help: "Config file (default: $SMTPKIT_CONFIG, then ~/.config/smtpkit/config.toml).")
    var config: String?
    @Option(help: "Server host name or address.")
    var host: String?
    @Option(help: "Server port (default: 465 with --tls tls, otherwise 587).")
    var port: Int?
    @Option(help: "none | starttls (required) | tls (implicit, RFC 8314). Default: tls on port 465, else starttls.")
    var tls: TLSMode?
    @Option(help: "PEM file of CA certificates to trust instead of the system store.")
    var caFile: String?
    @Flag(help: "Do not verify the server's certificate (INSECURE: anyone on the path can read the session).")
    var insecureSkipVerify = false
    @Option(help: "auto | plain | login | xoauth2 | none.")
    var auth: AuthChoice?
    @Option(help: "User name for SMTP AUTH.")
    var user: String?
    @Option(help: "Read the password from this environment variable.")
    var passwordEnv: String?
    @Option(help: "Run this shell command and use its output as the password.")
    var passwordCommand: String?
    @Option(help: "Read the password from the first line of this file (must be chmod 600).")
    var passwordFile: String?
    @Flag(help: "Allow sending the password over an unencrypted connection.")
    var allowPlaintextAuth = false
    @Option(help: "Name to send in EHLO/HELO (default: this host's FQDN or an address literal).")
    var helo: String?
    @Option(help: "Seconds to wait for the connection and for each whole reply (default: RFC 5321's per-phase limits).")
    var timeout: Double?
    @Flag(name: [.short, .long], help: "Print the SMTP dialogue as it happens (passwords masked).")
    var verbose = false

    func validate() throws {
        if let port, !(1...65_535).contains(port) { throw ValidationError("--port must be between 1 and 65535, not \(port)") }
        if let timeout, !(timeout > 0 && timeout <= 86_400) {
            throw ValidationError("--timeout must be a number of seconds between 0 and 86400 (a day)")
        }
        let sources = [passwordEnv, passwordCommand, passwordFile].compactMap { $0 }
        if sources.count > 1 {
            throw ValidationError("give only one of --password-env, --password-command, --password-file")
        }
    }

    /// The flags as a profile layer: set values only, to lay over the config file's.
    var asProfile: Profile {
        var layer = Profile()
        layer.host = host
        layer.port = port
        layer.tls = tls
        layer.caFile = caFile
        layer.insecureSkipVerify = insecureSkipVerify ? true : nil
        layer.auth = auth
        layer.user = user
        layer.passwordEnv = passwordEnv
        layer.passwordCommand = passwordCommand
        layer.passwordFile = passwordFile
        layer.allowPlaintextAuth = allowPlaintextAuth ? true : nil
        layer.helo = helo
        layer.timeout = timeout
        return layer
    }
}
