import Foundation

/// Finds the configuration file, in the order msmtp and most XDG programs use.
///
/// 1. an explicit path (the CLI's `--config FILE`) — it must exist;
/// 2. `$SMTPKIT_CONFIG` — it must exist;
/// 3. `$XDG_CONFIG_HOME/smtpkit/config.toml`, or `~/.config/smtpkit/config.toml` when
///    `XDG_CONFIG_HOME` is unset, empty or relative (XDG Base Directory Specification) —
///    optional: having no configuration file is fine.
public enum ConfigLocator {
    /// The environment variable that names a configuration file.
    public static let environmentVariable = "SMTPKIT_CONFIG"

    /// The path of the configuration file to read, or nil when there is none.
    ///
    /// `~/` at the start of `explicitPath` or `$SMTPKIT_CONFIG` means `homeDirectory`
    /// (a shell does not expand it in `--config=~/…`).
    /// - Throws: ``ConfigError/Kind/fileNotFound`` when `explicitPath` or `$SMTPKIT_CONFIG` names a
    ///   file that does not exist; ``ConfigError/Kind/unreadable`` when it names a directory.
    public static func resolve(
        explicitPath: String?, environment: [String: String], homeDirectory: String
    ) throws -> String? {
        if let explicitPath {
            return try required(explicitPath, origin: nil, home: homeDirectory)
        }
        if let path = environment[environmentVariable], !path.isEmpty {
            return try required(path, origin: "$\(environmentVariable)", home: homeDirectory)
        }
        let base: String
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            base = PathResolver.join(homeDirectory, ".config")
        }
        let path = PathResolver.join(PathResolver.join(base, "smtpkit"), "config.toml")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard !isDirectory.boolValue else {
            throw ConfigError.unreadable(path: path, reason: "it is a directory")
        }
        return path
    }

    /// `origin` names who gave `path` (`$SMTPKIT_CONFIG`) for the error text; nil for the caller.
    private static func required(_ path: String, origin: String?, home: String) throws -> String {
        let expanded: String
        if path == "~" || path.hasPrefix("~/") {
            expanded = PathResolver.join(home, String(path.dropFirst(path == "~" ? 1 : 2)))
        } else {
            expanded = path
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory) else {
            throw ConfigError.fileNotFound(path: expanded, origin: origin)
        }
        guard !isDirectory.boolValue else {
            throw ConfigError.unreadable(path: expanded, reason: "it is a directory", origin: origin)
        }
        return expanded
    }
}
