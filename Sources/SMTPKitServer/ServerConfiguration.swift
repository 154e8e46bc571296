import SMTPKit

/// How an ``SMTPServer`` behaves: what it offers, whom it lets in, and how it misbehaves.
public struct ServerConfiguration: Sendable {
    /// How the server offers TLS.
    public enum TLSOffer: Sendable, Equatable {
        /// No TLS: STARTTLS is not advertised (a relay like the campus server, or a downgrade).
        case none
        /// STARTTLS advertised in EHLO (RFC 3207).
        case startTLS
        /// TLS from the first byte (RFC 8314 §3.3).
        case implicit
    }

    /// The name in the greeting and EHLO reply.
    public var hostname = "smtpkit.test"
    /// How TLS is offered.
    public var tls: TLSOffer = .startTLS
    /// The server's certificate; nil makes one from a new ``TestCertificateAuthority``.
    public var identity: TestCertificateAuthority.Identity?
    /// user → password, for AUTH PLAIN and LOGIN.
    public var users: [String: String] = [:]
    /// access token → user, for AUTH XOAUTH2 and OAUTHBEARER (list them in ``authMechanisms``).
    public var bearerTokens: [String: String] = [:]
    /// Asked for a token not in ``bearerTokens``: the user it was issued to, or nil
    /// (``MockIdentityProvider/user(forAccessToken:)``).
    public var bearerTokenValidator: (@Sendable (_ token: String) -> String?)?
    /// Mechanisms listed after AUTH in EHLO.
    public var authMechanisms = ["PLAIN", "LOGIN"]
    /// AUTH is advertised and accepted only once TLS is on (RFC 4954 §4, like Postfix's smtpd_tls_auth_only).
    public var authRequiresTLS = true
    /// MAIL is refused with 530 until the client has authenticated.
    public var requireAuthentication = false
    /// Extensions advertised in EHLO.
    public var pipelining = true
    public var eightBitMIME = true
    public var smtpUTF8 = false
    public var enhancedStatusCodes = true
    public var dsn = false
    /// `CHUNKING`: BDAT (RFC 3030).
    public var chunking = false
    /// `BINARYMIME` (RFC 3030 §3), advertised only together with ``chunking``.
    public var binaryMIME = false
    /// `SIZE n` in EHLO and enforced on MAIL and DATA; nil advertises no SIZE.
    public var sizeLimit: Int? = 10_485_760
    /// Recipients to refuse: address (lower-cased) → the whole reply line ("550 5.1.1 User unknown").
    public var refusedRecipients: [String: String] = [:]
    /// Scripted misbehaviour, checked at each point of the dialogue.
    public var faults: [ServerFault] = []
    /// Whether the server ends TLS with a close_notify alert when it closes. Off only for round-trip
    /// counts (``RoundTripProxy``): a close_notify crossing the client's own would look like an answer.
    public var sendsCloseNotify = true
    /// How long the server waits for a client line before it hangs up.
    public var idleTimeout: Double = 30

    public init() {}
}

/// A point in the dialogue where the server answers.
public enum ServerEvent: String, Sendable, Equatable {
    case greeting, ehlo, helo, startTLS, mail, rcpt, data, endOfData, rset, noop, quit
    /// Each BDAT chunk but the last (BDAT … LAST answers as ``endOfData``).
    case bdat
    /// The final answer to AUTH (235, 535, …).
    case auth
    /// Each 334 challenge during AUTH.
    case authChallenge
}

/// Scripted misbehaviour, for tests of how a client copes with a bad server.
public indirect enum ServerFault: Sendable, Equatable {
    /// Answer `event` with these reply lines instead (each sent followed by CRLF).
    case reply(to: ServerEvent, lines: [String])
    /// Say nothing at `event`; keep the connection open until the client leaves.
    case silence(at: ServerEvent)
    /// Close the connection at `event` instead of answering.
    case drop(at: ServerEvent)
    /// Send the usual reply at `event` one byte at a time, `interval` seconds apart.
    case drip(at: ServerEvent, interval: Double)
    /// After the 220 to STARTTLS, send `bytes` in the same write, before the handshake
    /// (the STARTTLS command-injection attack, CVE-2011-0411).
    case injectAfterStartTLS(String)
    /// After the 220 to STARTTLS, wait for the client's first TLS bytes and answer them with a
    /// TLS close_notify alert instead of a handshake, then close.
    case closeNotifyInHandshake
    /// During DATA, once `afterBytes` of message data have arrived, send these reply lines
    /// and close the connection (a server refusing a message mid-stream).
    case replyDuringData(afterBytes: Int, lines: [String])
    /// `fault`, but only the `occurrence`-th time (1-based) its event comes in a session: a
    /// server that fails in the middle of a connection (the second MAIL, the third DATA). For
    /// the faults that answer an event: reply, silence, drop, drip.
    case onOccurrence(Int, ServerFault)

    /// The fault itself, without ``onOccurrence(_:_:)``.
    var base: ServerFault {
        if case .onOccurrence(_, let fault) = self { return fault.base }
        return self
    }

    /// Whether the fault plays the `occurrence`-th time its event comes.
    func applies(at occurrence: Int) -> Bool {
        if case .onOccurrence(let wanted, let fault) = self { return wanted == occurrence && fault.applies(at: occurrence) }
        return true
    }

    var event: ServerEvent? {
        switch self {
        case .onOccurrence(_, let fault): return fault.event
        case .reply(let event, _), .silence(let event), .drop(let event), .drip(let event, _): return event
        case .injectAfterStartTLS, .closeNotifyInHandshake: return .startTLS
        case .replyDuringData: return .data
        }
    }
}
