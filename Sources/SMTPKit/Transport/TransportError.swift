#if canImport(Foundation)
import Foundation
#endif

/// Something went wrong below SMTP: name resolution, the TCP connection, a deadline, or TLS.
///
/// An ``SMTPKitError``: match on ``kind``, read the context (``host``, ``port``, ``operation``,
/// ``reason``, …), show ``description``. Equal when kind and context are equal.
public struct TransportError: SMTPKitError {
    /// The kind of failure, for matching (`error.kind == .timedOut`).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: String, Hashable, Sendable {
            case hostNotFound, resolutionFailed, connectFailed, timedOut, connectionClosed, ioFailed
            case tlsHandshakeFailed, certificateRejected, tlsSetupFailed, startTLSInjection, cancelled
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// The host name does not resolve (and will not on retry).
        public static let hostNotFound = Kind(.hostNotFound)
        /// Name resolution failed for a reason that may pass (no network, DNS down).
        public static let resolutionFailed = Kind(.resolutionFailed)
        /// No address of the host accepted the TCP connection.
        public static let connectFailed = Kind(.connectFailed)
        /// A deadline passed while connecting, reading or writing.
        public static let timedOut = Kind(.timedOut)
        /// The peer closed the connection.
        public static let connectionClosed = Kind(.connectionClosed)
        /// A read or write failed (reset, broken pipe, …).
        public static let ioFailed = Kind(.ioFailed)
        /// The TLS handshake failed for a reason other than the certificate.
        public static let tlsHandshakeFailed = Kind(.tlsHandshakeFailed)
        /// The server's certificate was not trusted or did not match the host name (RFC 9525).
        public static let certificateRejected = Kind(.certificateRejected)
        /// TLS could not be set up locally (unreadable CA file, bad key, OpenSSL failure).
        public static let tlsSetupFailed = Kind(.tlsSetupFailed)
        /// Bytes arrived after the server's STARTTLS reply and before the handshake:
        /// a command-injection attack (CVE-2011-0411, RFC 3207 §4.2).
        public static let startTLSInjection = Kind(.startTLSInjection)
        /// The connection was cancelled by the caller.
        public static let cancelled = Kind(.cancelled)

        /// The kind's name, e.g. `timedOut`.
        public var description: String { code.rawValue }
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// The host concerned (``Kind/hostNotFound``, ``Kind/resolutionFailed``, ``Kind/connectFailed``,
    /// ``Kind/certificateRejected``).
    public let host: String?
    /// The port concerned (``Kind/connectFailed``; a ``Kind/tlsHandshakeFailed`` in implicit TLS).
    public let port: Int?
    /// What was being done, as a phrase: "waiting for the reply to EHLO", "while sending".
    public let operation: String?
    /// The explanation of the resolver, the system or OpenSSL ("certificate verify failed").
    public let reason: String?
    /// The deadline that passed, in seconds (``Kind/timedOut``).
    public let timeout: Double?
    /// One line per address tried, for ``Kind/connectFailed`` ("127.0.0.1: Connection refused").
    public let attempts: [String]
    /// How many bytes arrived early, when known (``Kind/startTLSInjection``).
    public let unexpectedBytes: Int?
    /// True when a ``Kind/tlsHandshakeFailed`` happened at the start of implicit TLS (RFC 8314 §3.3),
    /// where the usual cause is a server that speaks plain SMTP first on ``port``.
    public let isImplicitTLS: Bool
    private let cause: UnderlyingError

    /// The error that caused this one, if any.
    public var underlying: (any Error & Sendable)? { cause.error }

    private init(_ kind: Kind, host: String? = nil, port: Int? = nil, operation: String? = nil,
                 reason: String? = nil, timeout: Double? = nil, attempts: [String] = [],
                 unexpectedBytes: Int? = nil, isImplicitTLS: Bool = false, underlying: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.host = host
        self.port = port
        self.operation = operation
        self.reason = reason
        self.timeout = timeout
        self.attempts = attempts
        self.unexpectedBytes = unexpectedBytes
        self.isImplicitTLS = isImplicitTLS
        self.cause = UnderlyingError(underlying)
    }

    /// True when trying again later may succeed (network trouble, timeouts, closed connections).
    public var isTransient: Bool {
        [.resolutionFailed, .connectFailed, .timedOut, .connectionClosed, .ioFailed].contains(kind)
    }

    static func hostNotFound(_ host: String, reason: String, underlying: (any Error & Sendable)? = nil) -> TransportError {
        TransportError(.hostNotFound, host: host, reason: reason, underlying: underlying)
    }

    static func resolutionFailed(_ host: String, reason: String, underlying: (any Error & Sendable)? = nil) -> TransportError {
        TransportError(.resolutionFailed, host: host, reason: reason, underlying: underlying)
    }

    static func connectFailed(_ host: String, port: Int, attempts: [String]) -> TransportError {
        TransportError(.connectFailed, host: host, port: port, attempts: attempts)
    }

    static func timedOut(_ operation: String, seconds: Double) -> TransportError {
        TransportError(.timedOut, operation: operation, timeout: seconds)
    }

    static func connectionClosed(_ operation: String) -> TransportError {
        TransportError(.connectionClosed, operation: operation)
    }

    static func ioFailed(_ operation: String, reason: String, underlying: (any Error & Sendable)? = nil) -> TransportError {
        TransportError(.ioFailed, operation: operation, reason: reason, underlying: underlying)
    }

    static func tlsHandshakeFailed(_ reason: String) -> TransportError {
        TransportError(.tlsHandshakeFailed, reason: reason)
    }

    /// The same failure, marked as the first step of implicit TLS on `port` (RFC 8314 §3.3).
    func duringImplicitTLS(port: Int) -> TransportError {
        TransportError(kind, host: host, port: port, operation: operation, reason: reason, timeout: timeout,
                       attempts: attempts, unexpectedBytes: unexpectedBytes, isImplicitTLS: true, underlying: underlying)
    }

    static func certificateRejected(_ host: String, reason: String) -> TransportError {
        TransportError(.certificateRejected, host: host, reason: reason)
    }

    static func tlsSetupFailed(_ reason: String, underlying: (any Error & Sendable)? = nil) -> TransportError {
        TransportError(.tlsSetupFailed, reason: reason, underlying: underlying)
    }

    static func startTLSInjection(bytes: Int?) -> TransportError {
        TransportError(.startTLSInjection, unexpectedBytes: bytes)
    }

    static let cancelled = TransportError(.cancelled)

    /// What happened, with the context, in SMTPKit's words.
    public var description: String {
        let host = host ?? "the server"
        let reason = reason ?? "unknown reason"
        let operation = operation.map { " " + $0 } ?? ""
        switch kind {
        case .hostNotFound:
            return "cannot resolve host name '\(host)': \(reason); check the spelling of the host name, and that this machine has a working network and DNS"
        case .resolutionFailed:
            return "cannot resolve host name '\(host)' right now: \(reason); check the network and DNS, then try again"
        case .connectFailed:
            return "cannot connect to \(host) port \(port.map(String.init) ?? "?"): \(attempts.joined(separator: "; ")); is the server up, and are the host and port right?"
        case .timedOut:
            return "timed out after \(Self.formatSeconds(timeout ?? 0))\(operation); the server is too slow or unreachable"
        case .connectionClosed:
            return "the server closed the connection\(operation)"
        case .ioFailed:
            return "network error\(operation): \(reason)"
        case .tlsHandshakeFailed where isImplicitTLS:
            let port = port.map { "port \($0)" } ?? "this port"
            return "TLS handshake failed: \(reason); does \(port) speak implicit TLS (RFC 8314 §3.3)? "
                + "If the server greets in clear, use STARTTLS (usually port 587) or no TLS"
        case .tlsHandshakeFailed:
            return "TLS handshake failed: \(reason)"
        case .certificateRejected:
            return "the certificate of \(host) was rejected: \(reason); if you trust this server, trust its CA certificate"
        case .tlsSetupFailed:
            return "cannot set up TLS: \(reason)"
        case .startTLSInjection:
            let what = unexpectedBytes.map { "\($0) unexpected byte(s)" } ?? "unexpected bytes"
            return "the server sent \(what) after its STARTTLS reply, before encryption began; refusing to continue (possible STARTTLS command injection, CVE-2011-0411)"
        case .cancelled:
            return "the operation was cancelled"
        default:
            return "transport error (\(kind))"
        }
    }

    private static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
    }
}
