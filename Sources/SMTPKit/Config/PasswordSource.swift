import Foundation

import SystemPackage

/// Where a password comes from. A configuration file never holds the password itself
/// (`password` is refused); it names one of these, like msmtp's `passwordeval`.
///
/// The password is only read when ``resolve(environment:commandTimeout:)`` is called — just
/// before AUTH (RFC 4954) — and is never part of a description or an error message.
public enum PasswordSource: Sendable, Equatable, CustomStringConvertible {
    /// The value of an environment variable (`password_env`, `--password-env`).
    case environment(String)
    /// The standard output of a shell command, run with `/bin/sh -c` (`password_command`, `--password-command`).
    case command(String)
    /// The first line of a file that only its owner may access (`password_file`, `--password-file`).
    case file(String)

    /// How long a password command may run before it is killed: 60 seconds.
    public static let defaultCommandTimeout: Double = 60

    /// The most a password command may print, or a password file hold: 64 KiB.
    public static let maximumLength = 64 * 1024

    /// "environment variable PW", "command `pass show mail`", "file ~/.smtp-pass".
    public var description: String {
        switch self {
        case .environment(let name): "environment variable \(name)"
        case .command(let command): "command `\(command)`"
        case .file(let path): "file \(path)"
        }
    }

    /// Reads the password.
    ///
    /// - An environment variable must be set and not empty; its value is used as it is.
    /// - A command runs with `/bin/sh -c`, `environment` as its environment and no standard
    ///   input; it must exit 0 within `commandTimeout` seconds (else it and its process group
    ///   are killed), and its output, less one trailing newline (`\n` or `\r\n`), is the password.
    /// - A file must not be accessible to group or others (mode `& 0o077 == 0`, as `chmod 600`
    ///   makes it); its first line is the password.
    ///
    /// - Throws: ``ConfigError/Kind/passwordUnavailable`` saying why, or
    ///   ``ConfigError/Kind/passwordFileInsecure`` for a file others may read.
    public func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        commandTimeout: Double = PasswordSource.defaultCommandTimeout
    ) throws -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name] else { throw unavailable("it is not set") }
            guard !value.isEmpty else { throw unavailable("it is empty") }
            return value
        case .command(let command):
            let output = try CommandRunner(source: self, timeout: commandTimeout)
                .run(command, environment: environment)
            return try password(from: output, firstLineOnly: false)
        case .file(let path):
            return try password(from: readFile(path), firstLineOnly: true)
        }
    }

    func unavailable(_ reason: String) -> ConfigError {
        ConfigError.passwordUnavailable(source: self, reason: reason)
    }

    /// The password in `bytes`: the first line, or everything less one trailing newline.
    private func password(from bytes: [UInt8], firstLineOnly: Bool) throws -> String {
        var bytes = bytes[...]
        if firstLineOnly, let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
            bytes = bytes[..<newline]
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        } else if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        }
        guard let password = String(bytes: bytes, encoding: .utf8) else {
            throw unavailable("the password is not UTF-8 text")
        }
        guard !password.isEmpty else {
            throw unavailable(firstLineOnly ? "its first line is empty" : "it printed nothing")
        }
        return password
    }

    /// The bytes of the password file, after checking its mode on the opened file (no race
    /// between the check and the read). Every call goes through ``SystemCall``.
    private func readFile(_ path: String) throws -> [UInt8] {
        let file: SystemFile
        do {
            file = try SystemFile.open(readingFrom: path)
        } catch {
            throw unavailable(error.errno == .noSuchFileOrDirectory ? "it does not exist" : "it cannot be opened: \(error.reason)")
        }
        let status: Stat
        do {
            status = try file.status()
        } catch {
            throw unavailable("cannot stat it: \(error.reason)")
        }
        guard status.type == .regular else { throw unavailable("it is not a regular file") }
        let mode = Int(status.mode.rawValue) & 0o7777
        guard mode & 0o077 == 0 else { throw ConfigError.passwordFileInsecure(path: path, mode: mode) }

        var bytes: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { buffer.deallocate() }
        while bytes.count <= Self.maximumLength {
            let count: Int
            do {
                count = try file.read(into: buffer)
            } catch {
                throw unavailable("it cannot be read: \(error.reason)")
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[..<count])
        }
        guard bytes.count <= Self.maximumLength else { throw unavailable("it is larger than 64 KiB") }
        return bytes
    }
}
