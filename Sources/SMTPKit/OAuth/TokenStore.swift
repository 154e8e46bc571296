#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SystemPackage

/// Where OAuth2 logins are kept: one JSON document per profile (``OAuthTokens``) in
/// `$XDG_STATE_HOME/smtpkit/` or `~/.local/state/smtpkit/` (XDG Base Directory Specification).
///
/// - The directory is `0700` and each file `0600`; a file or directory others may read or
///   change is refused, never used.
/// - A write is atomic: a temporary file in the same directory, `fsync`, `rename`, then
///   `fsync` of the directory — a crash leaves the old document or the new one, never half.
/// - ``update(profile:_:)`` holds an exclusive lock (`flock`) from the read to the write, so two
///   processes refreshing at once never lose a rotated refresh token: the second reads what the
///   first saved.
///
/// Every system call goes through SMTPKit's one system-call funnel.
public struct TokenStore: Sendable {
    /// The directory holding the documents.
    public let directory: String

    /// A store in `directory` (created, `0700`, when first written).
    public init(directory: String) {
        self.directory = directory
    }

    /// The default directory: `$XDG_STATE_HOME/smtpkit` when that is an absolute path, else
    /// `HOME/.local/state/smtpkit`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment,
                                        home: String = NSHomeDirectory()) -> String {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/smtpkit" }
        return (environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home) + "/.local/state/smtpkit"
    }

    /// The largest token document read: anything bigger is not one.
    static let maximumSize = 1 << 20

    /// The document of `profile`, or nil when it has none.
    /// - Throws: ``OAuthError`` (`storeInsecure`, `storeUnreadable`, `storeCorrupt`).
    public func load(profile: String) throws -> OAuthTokens? {
        try checkDirectory(creating: false)
        return try read(path(for: profile))
    }

    /// Writes `tokens` as the document of `profile`, atomically.
    /// - Throws: ``OAuthError`` (`storeInsecure`, `storeWriteFailed`).
    public func save(_ tokens: OAuthTokens, profile: String) throws {
        try update(profile: profile) { $0 = tokens }
    }

    /// Reads the document of `profile`, lets `body` change it (nil: no document, or delete it),
    /// and writes the result — all under an exclusive lock, so no other process's change is
    /// lost in between. What `body` returns is returned.
    /// - Throws: ``OAuthError``, or what `body` throws (then nothing is written).
    @discardableResult
    public func update<T>(profile: String, _ body: (inout OAuthTokens?) throws -> T) throws -> T {
        try checkDirectory(creating: true)
        let file = path(for: profile)
        let lock = try Lock(path: file + ".lock")
        defer { lock.release() }
        var tokens = try read(file)
        let before = tokens
        let result = try body(&tokens)
        if tokens != before {
            if var tokens {
                tokens.updatedAt = Date()
                try write(tokens, to: file)
            } else {
                try remove(file)
            }
        }
        return result
    }

    /// Removes the document of `profile` (a logout); nothing happens when it has none.
    public func delete(profile: String) throws {
        try update(profile: profile) { $0 = nil }
    }

    /// Checks, before a refresh spends the refresh token, that a new document can be written:
    /// a temporary file with 16 KiB set aside (`posix_fallocate`) is made and removed. A full or
    /// read-only disk is found here, while the old refresh token still works.
    /// - Throws: ``OAuthError/Kind/storeWriteFailed``.
    public func checkWritable() throws {
        let probe = "\(directory)/.\(UUID().uuidString).probe"
        do {
            let descriptor = try SystemCall.run("open") { open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
            defer {
                SystemCall.close(descriptor)
                _ = try? SystemCall.run("unlink") { unlink(probe) }
            }
            #if canImport(Glibc)
            let result = posix_fallocate(descriptor, 0, 16 * 1024)  // returns the error, sets no errno
            guard result == 0 else {
                throw SystemCall.Failure(call: "posix_fallocate", errno: Errno(rawValue: result))
            }
            #endif
        } catch let failure as SystemCall.Failure {
            throw OAuthError.storeWriteFailed(directory, reason: "\(failure.description) — not refreshing, so the stored refresh token stays valid", underlying: failure)
        }
    }

    /// The profiles that have a document, sorted.
    public func profiles() throws -> [String] {
        try checkDirectory(creating: false)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            .compactMap { String($0.dropLast(5)).removingPercentEncoding }.sorted()
    }

    /// The file of `profile`: its name percent-encoded to letters, digits, `-`, `_` and inner
    /// dots, so that no profile name can point outside the directory.
    public func path(for profile: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        if profile.hasPrefix(".") || profile.isEmpty { allowed.remove(".") }
        let name = profile.addingPercentEncoding(withAllowedCharacters: allowed) ?? "profile"
        return directory + "/" + (name.isEmpty ? "%00" : name) + ".json"
    }

    // MARK: - Files

    /// The directory exists as a directory only its owner may use; `creating` makes it (and its
    /// parents) `0700` when missing.
    private func checkDirectory(creating: Bool) throws {
        var info = stat()
        do {
            try SystemCall.run("lstat") { lstat(directory, &info) }
        } catch let failure where failure.errno != .noSuchFileOrDirectory {
            throw OAuthError.storeUnreadable(directory, reason: failure.reason, underlying: failure)
        } catch {
            guard creating else { return }
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw OAuthError.storeWriteFailed(directory, reason: "cannot create the directory", underlying: error)
            }
            return
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw OAuthError.storeUnreadable(directory, reason: "it is not a directory")
        }
        let mode = Int(info.st_mode) & 0o7777
        if mode & 0o077 != 0 { throw OAuthError.storeInsecure(directory, mode: mode, isDirectory: true) }
    }

    private func read(_ path: String) throws -> OAuthTokens? {
        let file: SystemFile
        do {
            file = try SystemFile.open(readingFrom: path)
        } catch let failure where failure.errno == .noSuchFileOrDirectory {
            return nil
        } catch {
            throw OAuthError.storeUnreadable(path, reason: error.reason, underlying: error)
        }
        defer { file.close() }
        do {
            let status = try file.status()
            guard status.type == .regular else { throw OAuthError.storeUnreadable(path, reason: "it is not a regular file") }
            let mode = Int(status.permissions.rawValue)
            if mode & 0o077 != 0 { throw OAuthError.storeInsecure(path, mode: mode, isDirectory: false) }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            while bytes.count <= Self.maximumSize {
                let count = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
                if count == 0 { break }
                bytes += buffer[..<count]
            }
            guard bytes.count <= Self.maximumSize else { throw OAuthError.storeCorrupt(path) }
            do {
                return try Self.decoder.decode(OAuthTokens.self, from: Data(bytes))
            } catch {
                throw OAuthError.storeCorrupt(path, underlying: error)
            }
        } catch let failure as SystemCall.Failure {
            throw OAuthError.storeUnreadable(path, reason: failure.reason, underlying: failure)
        }
    }

    private func write(_ tokens: OAuthTokens, to path: String) throws {
        let data: Data
        do { data = try Self.encoder.encode(tokens) } catch {
            throw OAuthError.storeWriteFailed(path, reason: "cannot encode the tokens", underlying: error)
        }
        let temporary = "\(directory)/.\(UUID().uuidString).tmp"
        do {
            let descriptor = try SystemCall.run("open") { open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
            let file = SystemFile(owning: descriptor)
            defer { file.close() }
            try Array(data).withUnsafeBytes { try file.writeAll($0) }
            try SystemCall.run("fsync") { fsync(descriptor) }
            try SystemCall.run("rename") { rename(temporary, path) }
        } catch let failure as SystemCall.Failure {
            _ = unlink(temporary)
            throw OAuthError.storeWriteFailed(path, reason: failure.description, underlying: failure)
        }
        syncDirectory()
    }

    private func remove(_ path: String) throws {
        do {
            try SystemCall.run("unlink") { unlink(path) }
        } catch let failure where failure.errno == .noSuchFileOrDirectory {
            return
        } catch {
            throw OAuthError.storeWriteFailed(path, reason: error.description, underlying: error)
        }
        syncDirectory()
    }

    /// `fsync` of the directory, so a rename or unlink survives a crash (best effort).
    private func syncDirectory() {
        guard let descriptor = try? SystemCall.run("open", { open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }) else { return }
        _ = try? SystemCall.run("fsync") { fsync(descriptor) }
        SystemCall.close(descriptor)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// An exclusive `flock` on a lock file beside the document, held until released.
    private final class Lock {
        private let descriptor: Int32

        init(path: String) throws {
            do {
                descriptor = try SystemCall.run("open") { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
            } catch {
                throw OAuthError.storeWriteFailed(path, reason: error.description, underlying: error)
            }
            do {
                try SystemCall.run("flock") { flock(descriptor, LOCK_EX) }
            } catch {
                SystemCall.close(descriptor)
                throw OAuthError.storeWriteFailed(path, reason: error.description, underlying: error)
            }
        }

        func release() { SystemCall.close(descriptor) }
    }
}
