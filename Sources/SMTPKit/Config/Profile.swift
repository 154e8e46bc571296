/// One layer of connection and sending settings: the `[defaults]` table, a `[profiles.NAME]`
/// table, or the command-line flags.
///
/// Every field is optional: `nil` means "this layer says nothing", so layers stack with
/// ``overlaid(by:)`` — defaults, then the profile, then the flags. Fields are named like the
/// flags (`--ca-file` is ``caFile``, TOML key `ca_file`).
public struct Profile: Sendable, Equatable {
    /// Two layers are equal when they hold the same settings; ``name`` is not a setting.
    public static func == (lhs: Profile, rhs: Profile) -> Bool {
        ProfileSetting.all.allSatisfy { $0.read(lhs) == $0.read(rhs) }
    }

    /// The SMTP server's host name or address (`host`, `--host`).
    public var host: String?
    /// The TCP port (`port`, `--port`): 25 relay, 587 submission (RFC 6409), 465 implicit TLS (RFC 8314).
    public var port: Int?
    /// How the connection is protected (`tls`, `--tls`): `none`, `starttls` (RFC 3207) or `tls` (RFC 8314).
    public var tls: TLSMode?
    /// A PEM file of CA certificates to trust instead of the system store (`ca_file`, `--ca-file`).
    public var caFile: String?
    /// Skip certificate verification — insecure (`insecure_skip_verify`, `--insecure-skip-verify`).
    public var insecureSkipVerify: Bool?
    /// The SASL mechanism to use (`auth`, `--auth`; RFC 4954).
    public var auth: AuthChoice?
    /// The user name to authenticate as (`user`, `--user`).
    public var user: String?
    /// Read the password from this environment variable (`password_env`, `--password-env`).
    public var passwordEnv: String?
    /// Read the password from this shell command's output (`password_command`, `--password-command`).
    public var passwordCommand: String?
    /// Read the password from the first line of this file (`password_file`, `--password-file`).
    public var passwordFile: String?
    /// Allow sending a password on an unencrypted connection (`allow_plaintext_auth`, `--allow-plaintext-auth`).
    public var allowPlaintextAuth: Bool?
    /// The envelope and header sender (`from`, `--from`; RFC 5321 §4.1.1.2).
    public var from: String?
    /// The name sent with EHLO/HELO (`helo`, `--helo`; RFC 5321 §4.1.1.1).
    public var helo: String?
    /// Seconds to wait for a connection and for each whole reply (`timeout`, `--timeout`).
    public var timeout: Double?
    /// Send to the accepted recipients when some are refused (`allow_partial`, `--allow-partial`).
    public var allowPartial: Bool?
    /// The most messages on one connection of a bulk send (`max_messages_per_connection`).
    public var maxMessagesPerConnection: Int?
    /// The most messages a bulk send starts in any minute (`messages_per_minute`; Microsoft 365: 30).
    public var messagesPerMinute: Int?
    /// The most recipients per transaction (`max_recipients_per_message`; Microsoft 365: 500).
    public var maxRecipientsPerMessage: Int?
    /// The OAuth2 provider (`oauth_provider`): `microsoft` (the default), `google` or `custom`.
    public var oauthProvider: OAuthProvider.Kind?
    /// The application (client) id registered with the provider (`oauth_client_id`).
    public var oauthClientID: String?
    /// The Microsoft Entra tenant (`oauth_tenant`): `common` (the default), `organizations`, an id or domain.
    public var oauthTenant: String?
    /// The scopes, separated by spaces (`oauth_scopes`); the provider's own when unset.
    public var oauthScopes: String?
    /// A command that prints the client secret (`oauth_client_secret_command`; Google desktop clients need one).
    public var oauthClientSecretCommand: String?
    /// A custom provider's token endpoint (`oauth_token_url`).
    public var oauthTokenURL: String?
    /// A custom provider's device authorization endpoint (`oauth_device_url`).
    public var oauthDeviceURL: String?
    /// A custom provider's authorization endpoint (`oauth_authorize_url`).
    public var oauthAuthorizeURL: String?
    /// CA certificates to trust for the OAuth2 endpoints instead of the system store (`oauth_ca_file`).
    /// Neither `ca_file` nor `insecure_skip_verify` applies to them: a refresh token is too valuable.
    public var oauthCAFile: String?
    /// The profile's name in its config file, when it came from one: the key of its stored OAuth2
    /// login. Not a setting; kept by ``overlaid(by:)`` unless the top layer names another.
    public var name: String?

    /// A layer with the given settings; every parameter defaults to `nil`, so `Profile()` says nothing.
    public init(
        host: String? = nil,
        port: Int? = nil,
        tls: TLSMode? = nil,
        caFile: String? = nil,
        insecureSkipVerify: Bool? = nil,
        auth: AuthChoice? = nil,
        user: String? = nil,
        passwordEnv: String? = nil,
        passwordCommand: String? = nil,
        passwordFile: String? = nil,
        allowPlaintextAuth: Bool? = nil,
        from: String? = nil,
        helo: String? = nil,
        timeout: Double? = nil,
        allowPartial: Bool? = nil,
        maxMessagesPerConnection: Int? = nil,
        messagesPerMinute: Int? = nil,
        maxRecipientsPerMessage: Int? = nil,
        oauthProvider: OAuthProvider.Kind? = nil,
        oauthClientID: String? = nil,
        oauthTenant: String? = nil,
        oauthScopes: String? = nil,
        oauthClientSecretCommand: String? = nil,
        oauthTokenURL: String? = nil,
        oauthDeviceURL: String? = nil,
        oauthAuthorizeURL: String? = nil,
        oauthCAFile: String? = nil,
        name: String? = nil
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.caFile = caFile
        self.insecureSkipVerify = insecureSkipVerify
        self.auth = auth
        self.user = user
        self.passwordEnv = passwordEnv
        self.passwordCommand = passwordCommand
        self.passwordFile = passwordFile
        self.allowPlaintextAuth = allowPlaintextAuth
        self.from = from
        self.helo = helo
        self.timeout = timeout
        self.allowPartial = allowPartial
        self.maxMessagesPerConnection = maxMessagesPerConnection
        self.messagesPerMinute = messagesPerMinute
        self.maxRecipientsPerMessage = maxRecipientsPerMessage
        self.oauthProvider = oauthProvider
        self.oauthClientID = oauthClientID
        self.oauthTenant = oauthTenant
        self.oauthScopes = oauthScopes
        self.oauthClientSecretCommand = oauthClientSecretCommand
        self.oauthTokenURL = oauthTokenURL
        self.oauthDeviceURL = oauthDeviceURL
        self.oauthAuthorizeURL = oauthAuthorizeURL
        self.oauthCAFile = oauthCAFile
        self.name = name
    }

    /// This layer with `top` laid over it: each setting `top` has wins, the rest stay.
    ///
    /// The three password sources count as one setting: when `top` names any of them, this
    /// layer's sources are all dropped, so `--password-file` on the command line replaces a
    /// profile's `password_env` instead of conflicting with it.
    public func overlaid(by top: Profile) -> Profile {
        var result = self
        result.name = top.name ?? name
        let replacesPassword = top.hasPasswordSource
        for setting in ProfileSetting.all {
            if let value = setting.read(top) {
                setting.write(&result, value)
            } else if replacesPassword && setting.isPasswordSource {
                setting.write(&result, nil)
            }
        }
        return result
    }

    /// Whether any of the three password sources is set.
    var hasPasswordSource: Bool {
        passwordEnv != nil || passwordCommand != nil || passwordFile != nil
    }

    /// Checks every value this layer holds against its setting's rule (``ProfileSetting``),
    /// the same rules a config file is checked with, and that at most one password source is set.
    ///
    /// - Throws: ``ConfigError/Kind/invalidValue`` naming the key (no file: the layer is not
    ///   from one), or ``ConfigError/Kind/conflictingPasswordSources``.
    public func validate() throws {
        for setting in ProfileSetting.all {
            if let value = setting.read(self), let problem = setting.problem(with: value) {
                throw ConfigError.invalidValue(file: nil, line: nil, key: setting.key, reason: problem)
            }
        }
        _ = try passwordSource()
    }

    /// Where the password comes from, or `nil` when no source is set.
    ///
    /// - Throws: ``ConfigError/Kind/conflictingPasswordSources`` when more than one is set.
    public func passwordSource() throws -> PasswordSource? {
        var sources: [PasswordSource] = []
        if let passwordEnv { sources.append(.environment(passwordEnv)) }
        if let passwordCommand { sources.append(.command(passwordCommand)) }
        if let passwordFile { sources.append(.file(passwordFile)) }
        guard sources.count <= 1 else { throw ConfigError.conflictingPasswordSources(profile: nil) }
        return sources.first
    }

    /// The settings this layer has, as `(TOML key, value)` in the order of ``Profile/tomlKeys``,
    /// for `profiles show`.
    ///
    /// Values are plain text, not TOML (`host`, `587`, `starttls`, `true`, `30`, `2.5`).
    /// Password sources appear as the name, command or path they hold, never as a password.
    public var settings: [(key: String, value: String)] {
        ProfileSetting.all.compactMap { setting in setting.read(self).map { (key: setting.key, value: $0.display) } }
    }

    /// Every key a profile table may hold, in the order ``settings`` lists them.
    public static let tomlKeys: [String] = ProfileSetting.all.map(\.key)
}

extension Profile {
    /// `30` for 30.0, `2.5` for 2.5.
    static func format(seconds: Double) -> String { SettingValue.seconds(seconds).display }
}
