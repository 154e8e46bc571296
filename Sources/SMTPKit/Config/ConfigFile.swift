import Foundation
import TOMLKit

/// A parsed and validated SMTPKit configuration file.
///
/// ```toml
/// default_profile = "office365"      # used when no --profile is given
///
/// [defaults]                         # inherited by every profile
/// timeout = 30
///
/// [profiles.office365]
/// host = "smtp.office365.com"
/// port = 587
/// tls = "starttls"
/// auth = "login"
/// user = "me@example.org"
/// password_command = "pass show office365"
/// ```
///
/// Only `default_profile`, `[defaults]` and `[profiles.NAME]` are allowed at the top level;
/// every key of a profile is checked for its type and value when the file is read, and any
/// problem is a ``ConfigError`` naming the file, line and key. A literal `password` is
/// refused: secrets come from a ``PasswordSource``.
public struct ConfigFile: Sendable {
    /// The path the file was read from, as given.
    public let path: String
    /// The `[defaults]` table (empty when the file has none), with paths already resolved.
    public let defaults: Profile
    /// The names of the `[profiles.NAME]` tables, in the order the file lists them.
    public let profileNames: [String]
    /// The `default_profile` key: the profile used when none is named.
    public let defaultProfile: String?

    private let profiles: [String: Profile]

    /// Parses `text` as the configuration file at `path`.
    ///
    /// `path` names the file in error messages, and relative `ca_file` and `password_file`
    /// paths are resolved against its directory; `~/` means `homeDirectory` (default: `$HOME`).
    /// - Throws: ``ConfigError``: ``ConfigError/Kind/syntax`` for invalid TOML, or any validation error.
    public init(text: String, path: String, homeDirectory: String? = nil) throws {
        guard !text.unicodeScalars.contains("\0") else {
            let line = text.prefix { $0 != "\0" }.filter { $0 == "\n" || $0 == "\r\n" }.count + 1
            throw ConfigError.syntax(file: path, line: line, message: "the file contains a NUL character")
        }
        let index = TOMLLineIndex(text: text)
        if let trap = index.parserTrap {
            throw ConfigError.syntax(file: path, line: trap.line, message: trap.message)
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let line = error.source.begin.line
            throw ConfigError.syntax(file: path, line: line > 0 ? line : nil, message: error.description, underlying: error)
        }
        let parser = ConfigParser(
            file: path,
            index: index,
            directory: PathResolver.directory(
                of: path, workingDirectory: FileManager.default.currentDirectoryPath),
            home: homeDirectory ?? Self.defaultHomeDirectory()
        )
        let parsed = try parser.parse(root)
        self.path = path
        self.defaults = parsed.defaults
        self.profiles = parsed.profiles
        self.profileNames = parsed.profileNames
        self.defaultProfile = parsed.defaultProfile
    }

    /// Reads and parses the configuration file at `path`.
    ///
    /// - Throws: ``ConfigError/Kind/fileNotFound``, ``ConfigError/Kind/unreadable`` (a directory,
    ///   no permission, larger than 1 MiB, not UTF-8), or anything ``init(text:path:homeDirectory:)`` throws.
    public static func load(path: String, homeDirectory: String? = nil) throws -> ConfigFile {
        let text = try readText(path: path)
        return try ConfigFile(text: text, path: path, homeDirectory: homeDirectory)
    }

    /// The settings for a profile: `[defaults]` overlaid by `[profiles.NAME]`.
    ///
    /// With `name` nil, the `default_profile` is used if the file sets one; otherwise the
    /// defaults alone. Lay the command-line flags over the result with ``Profile/overlaid(by:)``.
    /// - Throws: ``ConfigError/Kind/unknownProfile`` listing the profiles the file has.
    public func profile(named name: String?) throws -> Profile {
        guard let name = name ?? defaultProfile else { return defaults }
        guard let profile = profiles[name] else {
            throw ConfigError.unknownProfile(name: name, available: profileNames, file: path)
        }
        var merged = defaults.overlaid(by: profile)
        merged.name = name
        return merged
    }

    /// The largest configuration file read: anything bigger is surely not one.
    static let maximumSize = 1 << 20

    static func readText(path: String) throws -> String {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError.fileNotFound(path: path)
        }
        guard !isDirectory.boolValue else {
            throw ConfigError.unreadable(path: path, reason: "it is a directory")
        }
        guard manager.isReadableFile(atPath: path) else {
            throw ConfigError.unreadable(path: path, reason: "permission denied")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError.unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        guard data.count <= maximumSize else {
            throw ConfigError.unreadable(path: path, reason: "it is larger than 1 MiB")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError.unreadable(path: path, reason: "it is not UTF-8 text")
        }
        return text
    }

    /// `$HOME`, or the account's home directory when it is unset.
    static func defaultHomeDirectory() -> String {
        if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty { return home }
        return FileManager.default.homeDirectoryForCurrentUser.path
    }
}
