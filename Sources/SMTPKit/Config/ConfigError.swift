/// A problem with a configuration file, a profile, or a password source.
///
/// An ``SMTPKitError``: match on ``kind``, read the context (``file``, ``line``, ``key``, …), show
/// ``description``: a sentence `<file>:<line>: <what happened>. <what to do>.` Equal when kind and
/// context are equal.
///
/// The CLI maps every `ConfigError` to exit status 78 (`EX_CONFIG`, sysexits.h).
public struct ConfigError: SMTPKitError {
    /// What went wrong, without the details; compare with `==` against the static members.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable, Hashable {
            case fileNotFound, unreadable, syntax, unknownKey, wrongType, invalidValue
            case literalPassword, unknownProfile, passwordFileInsecure, passwordUnavailable
            case conflictingPasswordSources, missingSetting
        }

        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// The configuration file does not exist.
        public static let fileNotFound = Kind(.fileNotFound)
        /// The configuration file exists but cannot be read (permissions, a directory, not UTF-8, too large).
        public static let unreadable = Kind(.unreadable)
        /// The file is not valid TOML.
        public static let syntax = Kind(.syntax)
        /// A key or table that SMTPKit does not know.
        public static let unknownKey = Kind(.unknownKey)
        /// A value of the wrong TOML type (`port = "587"`).
        public static let wrongType = Kind(.wrongType)
        /// A value of the right type that is not allowed (`tls = "ssl"`, `port = 0`).
        public static let invalidValue = Kind(.invalidValue)
        /// A literal `password` in a configuration file, which SMTPKit refuses.
        public static let literalPassword = Kind(.literalPassword)
        /// A profile name (the CLI's `--profile`, or `default_profile`) that the file does not define.
        public static let unknownProfile = Kind(.unknownProfile)
        /// A password file that group or others may access.
        public static let passwordFileInsecure = Kind(.passwordFileInsecure)
        /// A password source that gave no password.
        public static let passwordUnavailable = Kind(.passwordUnavailable)
        /// More than one of `password_env`, `password_command`, `password_file` in one place.
        public static let conflictingPasswordSources = Kind(.conflictingPasswordSources)
        /// A setting a session needs is not set in any layer (``ConfigError/key`` names it):
        /// no `host`; an `auth` mechanism but no `user`; a `user` but no password source.
        public static let missingSetting = Kind(.missingSetting)

        /// The case name, e.g. `unknownKey`.
        public var description: String { code.rawValue }
    }

    /// What went wrong; compare with the static members of ``Kind``.
    public let kind: Kind
    /// The configuration file the problem is in, when known (as the user named it).
    public let file: String?
    /// The 1-based line in ``file``, when known.
    public let line: Int?
    /// The TOML key concerned, when there is one (`port`, `profiles.work`).
    public let key: String?
    /// Who named a file that is missing or unreadable (`$SMTPKIT_CONFIG`); nil when the caller
    /// gave the path explicitly (the CLI's `--config`).
    public let origin: String?
    /// The explanation: why a file cannot be read, the TOML parser's message, why a value is not
    /// allowed, why a password source gave nothing.
    public let reason: String?
    /// The table of an unknown key (`[defaults]`, `[profiles.work]`, or ``topLevel``).
    public let table: String?
    /// The key suggested for a misspelt one (``Kind/unknownKey``), e.g. `host` for `hots`.
    public let suggestion: String?
    /// The type a value must have (``Kind/wrongType``), as a phrase: "an integer".
    public let expected: String?
    /// The type it has (``Kind/wrongType``), as a phrase: "a string".
    public let found: String?
    /// The profile concerned: the table holding a literal password or conflicting password
    /// sources (`[profiles.work]`), or the name of an unknown profile.
    public let profile: String?
    /// The profile names a file offers, for ``Kind/unknownProfile``; empty otherwise.
    public let availableProfiles: [String]
    /// The path of an insecure password file (``Kind/passwordFileInsecure``).
    public let passwordFile: String?
    /// The permission bits of an insecure password file (``Kind/passwordFileInsecure``).
    public let mode: Int?
    /// The password source that gave no password (``Kind/passwordUnavailable``).
    public let passwordSource: PasswordSource?
    private let cause: UnderlyingError

    /// The error that caused this one (the TOML parser's, the file system's), if any.
    public var underlying: (any Error & Sendable)? { cause.error }

    private init(_ kind: Kind, file: String? = nil, line: Int? = nil, key: String? = nil, origin: String? = nil,
                 reason: String? = nil, table: String? = nil, suggestion: String? = nil, expected: String? = nil,
                 found: String? = nil, profile: String? = nil, availableProfiles: [String] = [], passwordFile: String? = nil, mode: Int? = nil,
                 passwordSource: PasswordSource? = nil, underlying: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.file = file
        self.line = line
        self.key = key
        self.origin = origin
        self.reason = reason
        self.table = table
        self.suggestion = suggestion
        self.expected = expected
        self.found = found
        self.profile = profile
        self.availableProfiles = availableProfiles
        self.passwordFile = passwordFile
        self.mode = mode
        self.passwordSource = passwordSource
        self.cause = UnderlyingError(underlying)
    }

    /// The `table` of an unknown key outside every table.
    public static let topLevel = "the top level"

    // MARK: - Cases

    /// No file at `path`; `origin` says who named it (`$SMTPKIT_CONFIG`), nil for an explicit path.
    public static func fileNotFound(path: String, origin: String? = nil) -> ConfigError {
        ConfigError(.fileNotFound, file: path, origin: origin)
    }

    /// The file at `path` exists but cannot be read, for `reason`; `origin` as for ``fileNotFound(path:origin:)``.
    public static func unreadable(
        path: String, reason: String, origin: String? = nil, underlying: (any Error & Sendable)? = nil
    ) -> ConfigError {
        ConfigError(.unreadable, file: path, origin: origin, reason: reason, underlying: underlying)
    }

    /// The TOML parser rejected the file at `line` with `message`.
    public static func syntax(
        file: String, line: Int?, message: String, underlying: (any Error & Sendable)? = nil
    ) -> ConfigError {
        ConfigError(.syntax, file: file, line: line, reason: message, underlying: underlying)
    }

    /// `key` is not known in `table` (`"[defaults]"`, `"[profiles.work]"`, or ``topLevel``).
    public static func unknownKey(
        file: String, line: Int?, table: String, key: String, suggestion: String?
    ) -> ConfigError {
        ConfigError(.unknownKey, file: file, line: line, key: key, table: table, suggestion: suggestion)
    }

    /// `key` holds a value of the wrong type; `expected` and `found` read after "must be" and
    /// "not" ("an integer", "a string").
    public static func wrongType(
        file: String, line: Int?, key: String, expected: String, found: String? = nil
    ) -> ConfigError {
        ConfigError(.wrongType, file: file, line: line, key: key, expected: expected, found: found)
    }

    /// `key` holds a value of the right type that is not allowed, for `reason`.
    public static func invalidValue(file: String?, line: Int?, key: String, reason: String) -> ConfigError {
        ConfigError(.invalidValue, file: file, line: line, key: key, reason: reason)
    }

    /// A literal `password` key in `profile` (a table name such as `[profiles.work]`).
    public static func literalPassword(file: String, line: Int?, profile: String) -> ConfigError {
        ConfigError(.literalPassword, file: file, line: line, key: "password", profile: profile)
    }

    /// No profile called `name`; `available` lists those the file defines.
    public static func unknownProfile(
        name: String, available: [String], file: String? = nil, line: Int? = nil
    ) -> ConfigError {
        ConfigError(.unknownProfile, file: file, line: line, profile: name, availableProfiles: available)
    }

    /// The password file at `path` has permission bits for group or others in `mode`.
    public static func passwordFileInsecure(path: String, mode: Int) -> ConfigError {
        ConfigError(.passwordFileInsecure, passwordFile: path, mode: mode)
    }

    /// `source` gave no password, for `reason`.
    public static func passwordUnavailable(
        source: PasswordSource, reason: String, underlying: (any Error & Sendable)? = nil
    ) -> ConfigError {
        ConfigError(.passwordUnavailable, reason: reason, passwordSource: source, underlying: underlying)
    }

    /// The setting `key` is needed and not set, for `reason` ("no server is set").
    public static func missingSetting(key: String, reason: String) -> ConfigError {
        ConfigError(.missingSetting, key: key, reason: reason)
    }

    /// More than one password source is set in one layer (`profile` names it, or `nil` for flags).
    public static func conflictingPasswordSources(
        profile: String?, file: String? = nil, line: Int? = nil
    ) -> ConfigError {
        ConfigError(.conflictingPasswordSources, file: file, line: line, profile: profile)
    }

    // MARK: - Description

    /// `<file>:<line>: <what happened>. <what to do>.`
    public var description: String {
        var location = ""
        if let file {
            location = file
            if let line { location += ":\(line)" }
            location += ": "
        }
        let message = self.message
        let end = message.hasSuffix("?") || message.hasSuffix(".") ? "" : "."
        return location + message + end
    }

    private var message: String {
        let reason = reason ?? "unknown reason"
        let named = origin.map { " (named by \($0))" } ?? ""
        switch kind {
        case .fileNotFound:
            return "config file not found\(named). Check the path"
        case .unreadable:
            return "cannot read the config file: \(reason)\(named). Check that it is a readable UTF-8 text file"
        case .syntax:
            return "TOML syntax error: \(reason). Fix the file (the TOML rules are at toml.io)"
        case .unknownKey:
            let table = table ?? Self.topLevel
            var hint = suggestion.map { "Did you mean '\($0)'?" } ?? "Remove it or check its spelling"
            if table == Self.topLevel, let key, Profile.tomlKeys.contains(key) {
                hint = "Settings belong in [defaults] or a [profiles.NAME] table: move it below one of those headers"
            }
            let place = table == Self.topLevel ? "at \(table)" : "in \(table)"
            return "unknown key '\(key ?? "")' \(place). \(hint)"
        case .wrongType:
            let was = found.map { ", not \($0)" } ?? ""
            return "\(key ?? "value") must be \(expected ?? "of another type")\(was). Change the value on that line"
        case .invalidValue:
            return "invalid \(key ?? "value"): \(reason)"
        case .literalPassword:
            return "\(profile ?? "the profile") contains a literal password, which SMTPKit refuses to read from a config file. "
                + "Use password_env, password_command or password_file instead "
                + "(and `chmod 600` the password file)"
        case .unknownProfile:
            let name = profile ?? ""
            let list = availableProfiles.isEmpty
                ? "The file defines no profiles; add a [profiles.\(name)] table"
                : "Available profiles: \(availableProfiles.joined(separator: ", "))"
            return "no profile named '\(name)'. \(list)"
        case .passwordFileInsecure:
            let path = passwordFile ?? "?"
            return "password file \(path) can be read or changed by other users (mode "
                + Self.octal(mode ?? 0) + "). Run `chmod 600 \(path)` and try again"
        case .passwordUnavailable:
            guard let source = passwordSource else { return "no password: \(reason)" }
            return "no password from \(source): \(reason). " + Self.advice(for: source)
        case .conflictingPasswordSources:
            let sources = "more than one of password_env, password_command and password_file"
            let what = profile.map { "\($0) sets \(sources)" } ?? "\(sources) is set"
            return what + ". Keep only one"
        case .missingSetting:
            return reason
        default:
            return "configuration error (\(kind))"
        }
    }

    private static func octal(_ mode: Int) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private static func advice(for source: PasswordSource) -> String {
        switch source {
        case .environment(let name):
            "Export it (export \(name)=...) or choose another password source"
        case .command:
            "Run the command yourself to see what is wrong"
        case .file:
            "Check that the file exists, is readable by you and holds the password on its first line"
        }
    }
}
