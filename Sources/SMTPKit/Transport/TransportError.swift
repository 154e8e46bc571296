/// Something went wrong below SMTP: name resolution, the TCP connection, a deadline, or TLS.
///
/// In the style of AsyncHTTPClient's `HTTPClientError`: a struct over a private enum, so new
/// cases can be added without breaking callers. Match on ``kind``; show ``description``.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, for matching (`error.kind == .timedOut`).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// The host name does not resolve (and will not on retry).
        public static let hostNotFound = Kind(name: "hostNotFound")
        /// Name resolution failed for a reason that may pass (no network, DNS down).
        public static let resolutionFailed = Kind(name: "resolutionFailed")
        /// No address of the host accepted the TCP connection.
        public static let connectFailed = Kind(name: "connectFailed")
        /// A deadline passed while connecting, reading or writing.
        public static let timedOut = Kind(name: "timedOut")
        /// The peer closed the connection.
        public static let connectionClosed = Kind(name: "connectionClosed")
        /// A read or write failed (reset, broken pipe, …).
        public static let ioFailed = Kind(name: "ioFailed")
        /// The TLS handshake failed for a reason other than the certificate.
        public static let tlsHandshakeFailed = Kind(name: "tlsHandshakeFailed")
        /// The server's certificate was not trusted or did not match the host name (RFC 9525).
        public static let certificateRejected = Kind(name: "certificateRejected")
        /// TLS could not be set up locally (unreadable CA file, bad key, OpenSSL failure).
        public static let tlsSetupFailed = Kind(name: "tlsSetupFailed")
        /// Bytes arrived after the server's STARTTLS reply and before the handshake:
        /// a command-injection attack (CVE-2011-0411, RFC 3207 §4.2).
        public static let startTLSInjection = Kind(name: "startTLSInjection")
        /// The connection was cancelled by the caller.
        public static let cancelled = Kind(name: "cancelled")
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// The sentence a user reads: what happened and what to do next.
    public let description: String

    private init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    /// True when trying again later may succeed (network trouble, timeouts, closed connections).
    public var isTransient: Bool {
        [.resolutionFailed, .connectFailed, .timedOut, .connectionClosed, .ioFailed].contains(kind)
    }

    static func hostNotFound(_ host: String, reason: String) -> TransportError {
        TransportError(.hostNotFound, "cannot resolve host name '\(host)': \(reason); check the spelling of the host name, and that this machine has a working network and DNS")
    }

    static func resolutionFailed(_ host: String, reason: String) -> TransportError {
        TransportError(.resolutionFailed, "cannot resolve host name '\(host)' right now: \(reason); check the network and DNS, then try again")
    }

    static func connectFailed(_ host: String, port: Int, attempts: [String]) -> TransportError {
        TransportError(.connectFailed, "cannot connect to \(host) port \(port): \(attempts.joined(separator: "; ")); is the server up, and are the host and port right?")
    }

    static func timedOut(_ operation: String, seconds: Double) -> TransportError {
        TransportError(.timedOut, "timed out after \(formatSeconds(seconds)) \(operation); the server is too slow or unreachable (raise --timeout to wait longer)")
    }

    static func connectionClosed(_ operation: String) -> TransportError {
        TransportError(.connectionClosed, "the server closed the connection \(operation)")
    }

    static func ioFailed(_ operation: String, reason: String) -> TransportError {
        TransportError(.ioFailed, "network error \(operation): \(reason)")
    }

    static func tlsHandshakeFailed(_ reason: String) -> TransportError {
        TransportError(.tlsHandshakeFailed, "TLS handshake failed: \(reason)")
    }

    /// The same failure with advice added ("…; try --tls starttls").
    func adding(advice: String) -> TransportError {
        TransportError(kind, description + "; " + advice)
    }

    static func certificateRejected(_ host: String, reason: String) -> TransportError {
        TransportError(.certificateRejected, "the certificate of \(host) was rejected: \(reason); if you trust this server, pass its CA with --ca-file (or, insecurely, --insecure-skip-verify)")
    }

    static func tlsSetupFailed(_ reason: String) -> TransportError {
        TransportError(.tlsSetupFailed, "cannot set up TLS: \(reason)")
    }

    static func startTLSInjection(bytes: Int?) -> TransportError {
        let what = bytes.map { "\($0) unexpected byte(s)" } ?? "unexpected bytes"
        return TransportError(.startTLSInjection, "the server sent \(what) after its STARTTLS reply, before encryption began; refusing to continue (possible STARTTLS command injection, CVE-2011-0411)")
    }

    static let cancelled = TransportError(.cancelled, "the operation was cancelled")

    private static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
    }
}

#if canImport(Foundation)
import Foundation
#endif
