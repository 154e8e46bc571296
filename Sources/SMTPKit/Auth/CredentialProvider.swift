import Foundation

/// Where a session's login comes from: a user name, and a secret fetched only when AUTH needs
/// it (RFC 4954 §4) — from a ``PasswordSource``, from your own closure, or given as is.
///
/// The secret is fetched at most once per provider: the first successful fetch is kept and
/// every later session (or connection) that shares the provider reuses it, so a password
/// command runs once however many messages are sent. A failed fetch is not kept, and a secret
/// the server rejects is forgotten (``forget()``); the next AUTH asks again. A provider never appears in a description, log or transcript with its secret.
///
/// ```swift
/// let login = CredentialProvider(user: "me@example.org", source: .command("pass show mail"))
/// let configuration = SMTPClientConfiguration(host: "smtp.example.org", credentials: login)
/// ```
public final class CredentialProvider: @unchecked Sendable, CustomStringConvertible {
    /// What the secret is.
    public enum Kind: Sendable, Hashable {
        /// A password, for PLAIN or LOGIN (RFC 4616, draft-murchison-sasl-login).
        case password
        /// An OAuth2 access token, for OAUTHBEARER or XOAUTH2 (RFC 7628); never sent unencrypted.
        case bearerToken
    }

    /// The user name to authenticate as (the SASL authentication identity).
    public let user: String
    /// Whether the secret is a password or an access token; `auto` picks the mechanism from it.
    public let kind: Kind
    private let fetch: Fetch
    private let lock = NSLock()
    private var secret: CredentialSecret?
    private var rejected: CredentialSecret?

    /// How a secret is fetched — on the calling thread, or by an async function the caller
    /// waits for — given the secret the server last rejected, if any.
    private enum Fetch: Sendable {
        case blocking(@Sendable (_ rejected: CredentialSecret?) throws -> CredentialSecret)
        case async(@Sendable (_ rejected: CredentialSecret?) async throws -> CredentialSecret)
    }

    /// A token fetched less than this long before it expires is fetched again before AUTH
    /// (5 minutes: enough for a slow DATA phase not to start with a token about to lapse).
    public static let refreshMargin: TimeInterval = 300

    /// A provider that calls `fetch` for the secret the first time AUTH needs it.
    /// `fetch` runs on the session's I/O thread; it may block (prompt, run a command).
    public init(user: String, kind: Kind = .password, fetch: @escaping @Sendable () throws -> String) {
        self.user = user
        self.kind = kind
        self.fetch = .blocking { _ in CredentialSecret(try fetch()) }
    }

    /// A provider whose blocking `fetch` is told the secret the server last rejected (nil at
    /// first), so a token source can refresh instead of handing the same token back. It runs
    /// on the session's I/O thread, so it may block on files and the network.
    public init(user: String, kind: Kind = .bearerToken,
                refreshing fetch: @escaping @Sendable (_ rejected: CredentialSecret?) throws -> CredentialSecret) {
        self.user = user
        self.kind = kind
        self.fetch = .blocking(fetch)
    }

    /// A provider whose secret comes from an async function — an OAuth2 token source that
    /// refreshes over the network — with its expiry, so a token about to expire is fetched
    /// again before AUTH (``refreshMargin``) instead of being sent to be refused.
    public init(user: String, kind: Kind = .bearerToken, fetch: @escaping @Sendable () async throws -> CredentialSecret) {
        self.user = user
        self.kind = kind
        self.fetch = .async { _ in try await fetch() }
    }

    /// A provider with the secret already known.
    public convenience init(user: String, secret: String, kind: Kind = .password) {
        self.init(user: user, kind: kind, fetch: { secret })
    }

    /// A provider over fixed ``Credentials``.
    public convenience init(_ credentials: Credentials) {
        self.init(user: credentials.user, secret: credentials.secret)
    }

    /// A provider that reads the password from `source` (see ``PasswordSource/resolve(environment:commandTimeout:)``),
    /// with `environment` as the variables an environment source reads and a command runs with.
    public convenience init(
        user: String, source: PasswordSource, kind: Kind = .password,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.init(user: user, kind: kind, fetch: { try source.resolve(environment: environment) })
    }

    /// The user name and secret, fetching the secret the first time, after ``forget()``, or
    /// when the kept one expires within ``refreshMargin``.
    ///
    /// Blocks until the fetch is done. SMTPKit calls it on a connection's I/O thread; do not
    /// call it from an actor or a task with an async fetch, which it waits for.
    /// - Throws: whatever the fetch throws (``ConfigError/Kind/passwordUnavailable`` for a password source).
    public func credentials(now: Date = Date()) throws -> Credentials {
        try lock.withLock {
            if let secret, !secret.expires(within: Self.refreshMargin, of: now) {
                return Credentials(user: user, secret: secret.value)
            }
            let fetched: CredentialSecret
            switch fetch {
            case .blocking(let body): fetched = try body(rejected)
            case .async(let body): fetched = try Self.wait(for: { [rejected] in try await body(rejected) })
            }
            secret = fetched
            rejected = nil
            return Credentials(user: user, secret: fetched.value)
        }
    }

    /// Runs `body` as a task and blocks this (non-pool) thread until it is done.
    private static func wait(for body: @escaping @Sendable () async throws -> CredentialSecret) throws -> CredentialSecret {
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        let task = Task.detached {
            let result: Result<CredentialSecret, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            box.set(result)
            done.signal()
        }
        // Bounded like a password command: a source that never answers cannot hold the session.
        guard done.wait(timeout: .now() + PasswordSource.defaultCommandTimeout) == .success else {
            task.cancel()
            throw TransportError.timedOut("waiting for the credentials to be fetched", seconds: PasswordSource.defaultCommandTimeout)
        }
        return try box.get()
    }

    /// Forgets the fetched secret, so the next AUTH fetches it again. The session calls it when
    /// the server rejects the credentials for good (5xx, RFC 4954 §6), so a changed password
    /// (or a new token) is picked up by the next connection instead of the rejected one reused.
    public func forget() {
        lock.withLock {
            rejected = secret
            secret = nil
        }
    }

    /// Whether the secret has been fetched already.
    public var hasFetched: Bool { lock.withLock { secret != nil } }

    /// When the kept secret expires, if it is kept and its expiry is known.
    public var expiresAt: Date? { lock.withLock { secret?.expiresAt } }

    /// "me@example.org (secret hidden)".
    public var description: String { "\(user) (secret hidden)" }
}

/// A secret as a fetch returns it: the value, and when it stops being valid, if known (an
/// OAuth2 access token's `expires_in`, RFC 6749 §5.1, as an absolute time).
public struct CredentialSecret: Sendable, CustomStringConvertible {
    /// The password or access token.
    public var value: String
    /// When the secret expires; nil for a password, which does not.
    public var expiresAt: Date?

    /// A secret that expires at `expiresAt`, or never.
    public init(_ value: String, expiresAt: Date? = nil) {
        self.value = value
        self.expiresAt = expiresAt
    }

    /// Whether it expires within `margin` seconds of `now`.
    func expires(within margin: TimeInterval, of now: Date) -> Bool {
        expiresAt.map { $0.timeIntervalSince(now) < margin } ?? false
    }

    /// Never the secret itself.
    public var description: String { "secret hidden" + (expiresAt.map { ", expires \($0)" } ?? "") }
}

extension CredentialSecret: CustomReflectable {
    /// `dump()` and debuggers see the expiry only.
    public var customMirror: Mirror { Mirror(self, children: ["expiresAt": expiresAt as Any]) }
}

/// One fetch's result, handed from a task to the waiting thread.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<CredentialSecret, any Error>?
    func set(_ value: Result<CredentialSecret, any Error>) { lock.withLock { result = value } }
    func get() throws -> CredentialSecret { try lock.withLock { result! }.get() }
}
