/// Turns a path written in a configuration file into the one to open.
///
/// `~` and `~/…` mean the home directory; a relative path is relative to the directory of
/// the configuration file (as msmtp and git do), not to wherever the command was run.
/// `.` and `..` components are removed lexically, without touching the file system.
enum PathResolver {
    /// `path` made absolute: `~/` expanded, relative paths joined to `directory`.
    ///
    /// Returns nil for `~user/…`, which SMTPKit does not expand.
    static func resolve(_ path: String, relativeTo directory: String, home: String) -> String? {
        if path == "~" { return normalize(home) }
        if path.hasPrefix("~/") { return normalize(join(home, String(path.dropFirst(2)))) }
        if path.hasPrefix("~") { return nil }
        if path.hasPrefix("/") { return normalize(path) }
        return normalize(join(directory, path))
    }

    /// The directory holding `file`, made absolute against `workingDirectory`.
    static func directory(of file: String, workingDirectory: String) -> String {
        let absolute = file.hasPrefix("/") ? file : join(workingDirectory, file)
        var components = normalize(absolute).split(separator: "/", omittingEmptySubsequences: true)
        if !components.isEmpty { components.removeLast() }
        return "/" + components.joined(separator: "/")
    }

    static func join(_ base: String, _ relative: String) -> String {
        base.hasSuffix("/") ? base + relative : base + "/" + relative
    }

    /// Removes empty, `.` and `..` components of an absolute path (`..` at the root stays at the root).
    static func normalize(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path }
        var result: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": if !result.isEmpty { result.removeLast() }
            default: result.append(component)
            }
        }
        return "/" + result.joined(separator: "/")
    }
}
