import Foundation

/// One setting of a ``Profile``, declared once: its TOML key (and so the CLI's flag name),
/// the type of its value, the rule a value must follow, and how it is shown.
///
/// The table ``all`` drives every place a setting appears: the config-file parser (type and
/// rule, with file and line in the error), ``Profile/validate()`` (the same rule for any layer:
/// flags, a program's own `Profile`), ``Profile/overlaid(by:)``, ``Profile/settings``
/// (`profiles show`) and ``Profile/tomlKeys``. A rule is therefore the same wherever a value
/// comes from: `timeout = 1e10` in a file and a flag of the same value get the same verdict.
public struct ProfileSetting: Sendable {
    /// The TOML key: `ca_file`.
    public let key: String
    /// One line saying what the setting does (the CLI's help text for the same-named flag).
    public let summary: String
    /// The kind of value the setting holds.
    public let type: ValueType
    let read: @Sendable (Profile) -> SettingValue?
    let write: @Sendable (inout Profile, SettingValue?) -> Void
    let rule: @Sendable (SettingValue) -> String?

    /// The kinds of value a setting holds, as a config file writes them.
    public enum ValueType: Sendable, Equatable {
        /// A string on one line (it may end up in an SMTP command, RFC 5321 §2.3.8).
        case text
        /// A string that may span lines (a shell command).
        case multilineText
        /// A file path; in a config file `~/` and relative paths are resolved.
        case path
        /// A whole number.
        case integer
        /// `true` or `false`.
        case boolean
        /// A number of seconds, whole or not.
        case seconds
        /// One of a fixed list of names.
        case choice([String])
    }

    /// The flag that sets it on the command line: `--ca-file` for `ca_file`.
    public var flag: String { "--" + key.split(separator: "_").joined(separator: "-") }

    /// Why `value` is not allowed for this setting, or nil when it is.
    public func problem(with value: SettingValue) -> String? { rule(value) }

    /// Whether this setting is one of the three password sources, which overlay as one.
    var isPasswordSource: Bool { ["password_env", "password_command", "password_file"].contains(key) }

    /// The setting with TOML key `key`.
    public static func named(_ key: String) -> ProfileSetting? { all.first { $0.key == key } }

    /// Every setting, in the order `profiles show` lists them.
    public static let all: [ProfileSetting] = [
        text("host", \.host, "Server host name or address.", rule: hostRule),
        integer("port", \.port, "Server port: 25 relay, 587 submission (RFC 6409), 465 implicit TLS (RFC 8314).", rule: portRule),
        choice("tls", \.tls, "none | starttls (required, RFC 3207) | tls (implicit, RFC 8314). Default: tls on port 465, else starttls."),
        text("ca_file", \.caFile, "PEM file of CA certificates to trust instead of the system store.", type: .path),
        boolean("insecure_skip_verify", \.insecureSkipVerify, "Do not verify the server's certificate (INSECURE: anyone on the path can read the session)."),
        choice("auth", \.auth, "auto | plain | login | xoauth2 | oauthbearer | none (RFC 4954; with xoauth2 and oauthbearer the password source gives an OAuth2 access token)."),
        text("user", \.user, "User name for SMTP AUTH."),
        text("password_env", \.passwordEnv, "Read the password from this environment variable.", rule: environmentNameRule),
        text("password_command", \.passwordCommand, "Run this shell command and use its output as the password.", type: .multilineText),
        text("password_file", \.passwordFile, "Read the password from the first line of this file (must be chmod 600).", type: .path),
        boolean("allow_plaintext_auth", \.allowPlaintextAuth, "Allow sending the password over an unencrypted connection."),
        text("from", \.from, "Sender address (envelope and From header)."),
        text("helo", \.helo, "Name to send in EHLO/HELO (default: this host's FQDN or an address literal).", rule: heloRule),
        seconds("timeout", \.timeout, "Seconds to wait for the connection and for each whole reply (default: RFC 5321's per-phase limits).", rule: timeoutRule),
        boolean("allow_partial", \.allowPartial, "When some recipients are refused, send to the accepted ones anyway."),
        integer("max_messages_per_connection", \.maxMessagesPerConnection,
                "Bulk sends: the most messages on one connection before a new one is opened (default: no limit).", rule: countRule),
        integer("messages_per_minute", \.messagesPerMinute,
                "Bulk sends: the most messages started in any minute (Microsoft 365 allows 30; default: no limit).", rule: countRule),
        integer("max_recipients_per_message", \.maxRecipientsPerMessage,
                "The most recipients in one transaction; with --allow-partial more go in further transactions (Microsoft 365: 500).", rule: countRule),
        choice("oauth_provider", \.oauthProvider, "OAuth2 provider for auth = oauth2: microsoft (default) | google | custom."),
        text("oauth_client_id", \.oauthClientID, "The application (client) id registered with the OAuth2 provider."),
        text("oauth_tenant", \.oauthTenant, "Microsoft Entra tenant: common (default), organizations, or a tenant id or domain."),
        text("oauth_scopes", \.oauthScopes, "OAuth2 scopes, separated by spaces (default: the provider's)."),
        text("oauth_client_secret_command", \.oauthClientSecretCommand, "A command that prints the OAuth2 client secret (Google desktop clients).", type: .multilineText),
        text("oauth_token_url", \.oauthTokenURL, "A custom provider's token endpoint.", rule: urlRule),
        text("oauth_device_url", \.oauthDeviceURL, "A custom provider's device authorization endpoint.", rule: urlRule),
        text("oauth_authorize_url", \.oauthAuthorizeURL, "A custom provider's authorization endpoint.", rule: urlRule),
        text("oauth_ca_file", \.oauthCAFile, "PEM file of CA certificates to trust for the OAuth2 endpoints instead of the system store.", type: .path),
    ]

    /// The longest `timeout`: a day. Longer is surely a mistake (and overflows deadlines).
    public static let maximumTimeout: Double = 86_400

    // MARK: - Rules

    private static func hostRule(_ value: SettingValue) -> String? {
        guard case .text(let host) = value else { return nil }
        return host.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 })
            ? "'\(host)' is not a host name; write it without spaces" : nil
    }

    private static func portRule(_ value: SettingValue) -> String? {
        guard case .integer(let port) = value else { return nil }
        return (1...65_535).contains(port) ? nil : "\(port) is not a TCP port; use a number from 1 to 65535"
    }

    private static func countRule(_ value: SettingValue) -> String? {
        guard case .integer(let count) = value else { return nil }
        return count >= 1 ? nil : "\(count) is not a number of messages; use 1 or more"
    }

    private static func environmentNameRule(_ value: SettingValue) -> String? {
        guard case .text(let name) = value else { return nil }
        return name.contains("=") ? "'\(name)' is not an environment variable name" : nil
    }

    private static func heloRule(_ value: SettingValue) -> String? {
        guard case .text(let name) = value else { return nil }
        return name.unicodeScalars.contains(where: { $0.properties.isWhitespace })
            ? "'\(name)' contains a space; EHLO takes one domain name (RFC 5321 §4.1.1.1)" : nil
    }

    /// An endpoint URL: https, or http to this machine only (tokens never cross a network in clear).
    private static func urlRule(_ value: SettingValue) -> String? {
        guard case .text(let text) = value else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return "'\(text)' is not a URL"
        }
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(host.lowercased())
        return scheme == "https" || (scheme == "http" && loopback) ? nil : "'\(text)' is not an https URL"
    }

    private static func timeoutRule(_ value: SettingValue) -> String? {
        guard case .seconds(let seconds) = value else { return nil }
        return seconds.isFinite && seconds > 0 && seconds <= maximumTimeout ? nil
            : "\(SettingValue.seconds(seconds).display) is not a number of seconds from more than 0 to 86400 (a day)"
    }

    /// The rule every string setting shares: not empty, and on one line unless it may span lines.
    private static func textRule(_ type: ValueType) -> @Sendable (SettingValue) -> String? {
        { value in
            guard case .text(let string) = value else { return nil }
            if string.allSatisfy({ $0 == " " || $0 == "\t" }) { return "it is empty; give a value or remove the line" }
            if type != .multilineText, string.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                return "it contains a line break, which SMTP commands cannot carry"
            }
            return nil
        }
    }

    // MARK: - Entries

    private static func text(
        _ key: String, _ path: WritableKeyPath<Profile, String?> & Sendable, _ summary: String,
        type: ValueType = .text, rule: @escaping @Sendable (SettingValue) -> String? = { _ in nil }
    ) -> ProfileSetting {
        let common = textRule(type)
        return ProfileSetting(
            key: key, summary: summary, type: type,
            read: { $0[keyPath: path].map(SettingValue.text) },
            write: { profile, value in profile[keyPath: path] = value?.text },
            rule: { common($0) ?? rule($0) })
    }

    /// A setting whose value is `Value` in a ``Profile`` and `wrap(value)` as a ``SettingValue``.
    private static func typed<Value: Sendable>(
        _ key: String, _ path: WritableKeyPath<Profile, Value?> & Sendable, _ summary: String, type: ValueType,
        wrap: @escaping @Sendable (Value) -> SettingValue, unwrap: @escaping @Sendable (SettingValue) -> Value?,
        rule: @escaping @Sendable (SettingValue) -> String? = { _ in nil }
    ) -> ProfileSetting {
        ProfileSetting(
            key: key, summary: summary, type: type,
            read: { $0[keyPath: path].map(wrap) },
            write: { profile, value in profile[keyPath: path] = value.flatMap(unwrap) },
            rule: rule)
    }

    private static func integer(
        _ key: String, _ path: WritableKeyPath<Profile, Int?> & Sendable, _ summary: String,
        rule: @escaping @Sendable (SettingValue) -> String?
    ) -> ProfileSetting {
        typed(key, path, summary, type: .integer, wrap: SettingValue.integer, unwrap: {
            if case .integer(let int) = $0 { return int } else { return nil }
        }, rule: rule)
    }

    private static func boolean(
        _ key: String, _ path: WritableKeyPath<Profile, Bool?> & Sendable, _ summary: String
    ) -> ProfileSetting {
        typed(key, path, summary, type: .boolean, wrap: SettingValue.boolean, unwrap: {
            if case .boolean(let bool) = $0 { return bool } else { return nil }
        })
    }

    private static func seconds(
        _ key: String, _ path: WritableKeyPath<Profile, Double?> & Sendable, _ summary: String,
        rule: @escaping @Sendable (SettingValue) -> String?
    ) -> ProfileSetting {
        typed(key, path, summary, type: .seconds, wrap: SettingValue.seconds, unwrap: {
            if case .seconds(let seconds) = $0 { return seconds } else { return nil }
        }, rule: rule)
    }

    private static func choice<Choice: RawRepresentable & CaseIterable & Sendable>(
        _ key: String, _ path: WritableKeyPath<Profile, Choice?> & Sendable, _ summary: String
    ) -> ProfileSetting where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue)
        return ProfileSetting(
            key: key, summary: summary, type: .choice(names),
            read: { $0[keyPath: path].map { SettingValue.text($0.rawValue) } },
            write: { profile, value in profile[keyPath: path] = value?.text.flatMap(Choice.init(rawValue:)) },
            rule: { value in
                guard let name = value.text, Choice(rawValue: name) == nil else { return nil }
                return "'\(name)' is not one of \(names.joined(separator: ", "))"
            })
    }
}

/// A setting's value, whatever layer it came from.
public enum SettingValue: Sendable, Equatable {
    /// A string: a name, a path, a command, one of a choice's names.
    case text(String)
    /// A whole number.
    case integer(Int)
    /// `true` or `false`.
    case boolean(Bool)
    /// A number of seconds.
    case seconds(Double)

    /// The string, for `.text`.
    public var text: String? {
        if case .text(let string) = self { return string }
        return nil
    }

    /// Plain text, not TOML: `host`, `587`, `starttls`, `true`, `30` (for 30.0), `2.5`.
    public var display: String {
        switch self {
        case .text(let string): string
        case .integer(let int): String(int)
        case .boolean(let bool): String(bool)
        case .seconds(let seconds):
            seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
        }
    }
}
