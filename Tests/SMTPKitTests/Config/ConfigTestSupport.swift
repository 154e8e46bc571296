import Foundation
@testable import SMTPKit

/// A fresh directory under the system temporary directory, removed when the value goes away.
final class ConfigTempDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = PathResolver.join(base, "smtpkit-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `text` to `name` (folders created), with `mode`; returns the full path.
    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        try write(name, Data(text.utf8), mode: mode)
    }

    @discardableResult
    func write(_ name: String, _ data: Data, mode: Int = 0o600) throws -> String {
        let file = PathResolver.join(path, name)
        let folder = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: file, contents: data) else {
            throw CocoaError(.fileWriteUnknown)
        }
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        return file
    }

    /// Creates the folder `name`; returns its full path.
    @discardableResult
    func makeFolder(_ name: String) throws -> String {
        let folder = PathResolver.join(path, name)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }
}

/// The path every in-memory test config pretends to live at.
let testConfigPath = "/etc/smtpkit/test.toml"

/// Parses `text` as `/etc/smtpkit/test.toml` with home `/home/u`.
func parseConfig(_ text: String, path: String = testConfigPath) throws -> ConfigFile {
    try ConfigFile(text: text, path: path, homeDirectory: "/home/u")
}

/// The `ConfigError` that `body` throws, or nil.
func configError(_ body: () throws -> Void) -> ConfigError? {
    do {
        try body()
        return nil
    } catch let error as ConfigError {
        return error
    } catch {
        return nil
    }
}
