/// A problem with a configuration file, a profile, or a password source.
///
/// Built in the style of AsyncHTTPClient's `HTTPClientError`: a struct wrapping a private
/// enum, so that cases can be added later without breaking anyone who switches on ``kind``.
/// The ``description`` is a sentence for a user: `<file>:<line>: <what happened>. <what to do>.`
///
/// The CLI maps every `ConfigError` to exit status 78 (`EX_CONFIG`, sysexits.h).
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, without the details; compare with `==` against the static members.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case fileNotFound, unreadable, syntax, unknownKey, wrongType, invalidValue
            case literalPassword, unknownProfile, passwordFileInsecure, passwordUnavailable
            case conflictingPasswordSources, missingSetting
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

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
        /// `--profile` or `default_profile` names a profile the file does not define.
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
        public var description: String { base.rawValue }
    }

    private enum Reason: Sendable, Equatable {
        case fileNotFound(path: String, origin: String?)
        case unreadable(path: String, reason: String)
        case syntax(message: String)
        case unknownKey(table: String, suggestion: String?)
        case wrongType(expected: String, found: String?)
        case invalidValue(reason: String)
        case literalPassword(profile: String)
        case unknownProfile(name: String, available: [String])
        case passwordFileInsecure(path: String, mode: Int)
        case passwordUnavailable(source: PasswordSource, reason: String)
        case conflictingPasswordSources(profile: String?)
        case missingSetting(reason: String)
    }

    private let reason: Reason

    /// The configuration file the problem is in, when known (as the user named it).
    public let file: String?
    /// The 1-based line in ``file``, when known.
    public let line: Int?
    /// The TOML key concerned, when there is one (`port`, `profiles.work`).
    public let key: String?

    private init(_ reason: Reason, file: String? = nil, line: Int? = nil, key: String? = nil) {
        self.reason = reason
        self.file = file
        self.line = line
        self.key = key
    }

    /// What went wrong; compare with the static members of ``Kind``.
    public var kind: Kind {
        switch reason {
        case .fileNotFound: .fileNotFound
        case .unreadable: .unreadable
        case .syntax: .syntax
        case .unknownKey: .unknownKey
        case .wrongType: .wrongType
        case .invalidValue: .invalidValue
        case .literalPassword: .literalPassword
        case .unknownProfile: .unknownProfile
        case .passwordFileInsecure: .passwordFileInsecure
        case .passwordUnavailable: .passwordUnavailable
        case .conflictingPasswordSources: .conflictingPasswordSources
        case .missingSetting: .missingSetting
        }
    }

    /// The profile names a file offers, for ``Kind/unknownProfile``; empty otherwise.
    public var availableProfiles: [String] {
        if case .unknownProfile(_, let available) = reason { return available }
        return []
    }

    /// The key suggested for a misspelt one (``Kind/unknownKey``), e.g. `host` for `hots`.
    public var suggestion: String? {
        if case .unknownKey(_, let suggestion) = reason { return suggestion }
        return nil
    }

    /// The `table` of an unknown key outside every table.
    public static let topLevel = "the top level"

    // MARK: - Cases

    /// No file at `path`; `origin` says who named it (`--config`, `$SMTPKIT_CONFIG`).
    public static func fileNotFound(path: String, origin: String? = nil) -> ConfigError {
        ConfigError(.fileNotFound(path: path, origin: origin), file: path)
    }

    /// The file at `path` exists but cannot be read, for `reason`.
    public static func unreadable(path: String, reason: String) -> ConfigError {
        ConfigError(.unreadable(path: path, reason: reason), file: path)
    }

    /// The TOML parser rejected the file at `line` with `message`.
    public static func syntax(file: String, line: Int?, message: String) -> ConfigError {
        ConfigError(.syntax(message: message), file: file, line: line)
    }

    /// `key` is not known in `table` (`"[defaults]"`, `"[profiles.work]"`, or ``topLevel``).
    public static func unknownKey(
        file: String, line: Int?, table: String, key: String, suggestion: String?
    ) -> ConfigError {
        ConfigError(.unknownKey(table: table, suggestion: suggestion), file: file, line: line, key: key)
    }

    /// `key` holds a value of the wrong type; `expected` and `found` read after "must be" and
    /// "not" ("an integer", "a string").
    public static func wrongType(
        file: String, line: Int?, key: String, expected: String, found: String? = nil
    ) -> ConfigError {
        ConfigError(.wrongType(expected: expected, found: found), file: file, line: line, key: key)
    }

    /// `key` holds a value of the right type that is not allowed, for `reason`.
    public static func invalidValue(file: String?, line: Int?, key: String, reason: String) -> ConfigError {
        ConfigError(.invalidValue(reason: reason), file: file, line: line, key: key)
    }

    /// A literal `password` key in `profile` (a table name such as `[profiles.work]`).
    public static func literalPassword(file: String, line: Int?, profile: String) -> ConfigError {
        ConfigError(.literalPassword(profile: profile), file: file, line: line, key: "password")
    }

    /// No profile called `name`; `available` lists those the file defines.
    public static func unknownProfile(
        name: String, available: [String], file: String? = nil, line: Int? = nil
    ) -> ConfigError {
        ConfigError(.unknownProfile(name: name, available: available), file: file, line: line)
    }

    /// The password file at `path` has permission bits for group or others in `mode`.
    public static func passwordFileInsecure(path: String, mode: Int) -> ConfigError {
        ConfigError(.passwordFileInsecure(path: path, mode: mode))
    }

    /// `source` gave no password, for `reason`.
    public static func passwordUnavailable(source: PasswordSource, reason: String) -> ConfigError {
        ConfigError(.passwordUnavailable(source: source, reason: reason))
    }

    /// More than one password source is set in one layer (`profile` names it, or `nil` for flags).
    public static func conflictingPasswordSources(
        profile: String?, file: String? = nil, line: Int? = nil
    ) -> ConfigError {
        ConfigError(.conflictingPasswordSources(profile: profile), file: file, line: line)
    }

    /// The setting `key` is needed and not set, for `reason` ("no server is set").
    public static func missingSetting(key: String, reason: String) -> ConfigError {
        ConfigError(.missingSetting(reason: reason), key: key)
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
        switch reason {
        case .fileNotFound(_, let origin):
            let by = origin.map { " (named by \($0))" } ?? ""
            return "config file not found\(by). Check the path, or create the file from Configs/config.toml"
        case .unreadable(_, let reason):
            return "cannot read the config file: \(reason). Check that it is a readable UTF-8 text file"
        case .syntax(let message):
            return "TOML syntax error: \(message). Fix the file (the TOML rules are at toml.io)"
        case .unknownKey(let table, let suggestion):
            var hint = suggestion.map { "Did you mean '\($0)'?" } ?? "Remove it or check its spelling"
            if table == Self.topLevel, let key, Profile.tomlKeys.contains(key) {
                hint = "Settings belong in [defaults] or a [profiles.NAME] table: move it below one of those headers"
            }
            let place = table == Self.topLevel ? "at \(table)" : "in \(table)"
            return "unknown key '\(key ?? "")' \(place). \(hint)"
        case .wrongType(let expected, let found):
            let was = found.map { ", not \($0)" } ?? ""
            return "\(key ?? "value") must be \(expected)\(was). Change the value on that line"
        case .invalidValue(let reason):
            return "invalid \(key ?? "value"): \(reason)"
        case .literalPassword(let profile):
            return "\(profile) contains a literal password, which SMTPKit refuses to read from a config file. "
                + "Use password_env, password_command or password_file instead "
                + "(and `chmod 600` the password file)"
        case .unknownProfile(let name, let available):
            let list = available.isEmpty
                ? "The file defines no profiles; add a [profiles.\(name)] table"
                : "Available profiles: \(available.joined(separator: ", "))"
            return "no profile named '\(name)'. \(list)"
        case .passwordFileInsecure(let path, let mode):
            return "password file \(path) can be read or changed by other users (mode "
                + Self.octal(mode) + "). Run `chmod 600 \(path)` and try again"
        case .passwordUnavailable(let source, let reason):
            return "no password from \(source): \(reason). " + Self.advice(for: source)
        case .conflictingPasswordSources(let profile):
            let sources = "more than one of password_env, password_command and password_file"
            let what = profile.map { "\($0) sets \(sources)" } ?? "\(sources) is set"
            return what + ". Keep only one"
        case .missingSetting(let reason):
            return reason
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
