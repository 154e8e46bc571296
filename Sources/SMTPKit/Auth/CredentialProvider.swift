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
    private let fetch: @Sendable () throws -> String
    private let lock = NSLock()
    private var secret: String?

    /// A provider that calls `fetch` for the secret the first time AUTH needs it.
    /// `fetch` runs on the session's I/O thread; it may block (prompt, run a command).
    public init(user: String, kind: Kind = .password, fetch: @escaping @Sendable () throws -> String) {
        self.user = user
        self.kind = kind
        self.fetch = fetch
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

    /// The user name and secret, fetching the secret if this is the first time.
    /// - Throws: whatever the fetch throws (``ConfigError/Kind/passwordUnavailable`` for a password source).
    public func credentials() throws -> Credentials {
        try lock.withLock {
            if let secret { return Credentials(user: user, secret: secret) }
            let fetched = try fetch()
            secret = fetched
            return Credentials(user: user, secret: fetched)
        }
    }

    /// Forgets the fetched secret, so the next AUTH fetches it again. The session calls it when
    /// the server rejects the credentials for good (5xx, RFC 4954 §6), so a changed password
    /// (or a new token) is picked up by the next connection instead of the rejected one reused.
    public func forget() {
        lock.withLock { secret = nil }
    }

    /// Whether the secret has been fetched already.
    public var hasFetched: Bool { lock.withLock { secret != nil } }

    /// "me@example.org (secret hidden)".
    public var description: String { "\(user) (secret hidden)" }
}
