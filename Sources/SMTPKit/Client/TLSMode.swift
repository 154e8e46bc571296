/// How a session protects its connection (RFC 8314 §3, RFC 3207).
public enum TLSMode: String, Sendable, CaseIterable, Codable {
    /// No TLS at all: the whole dialogue, and any password, travels in clear text.
    /// (Spelt `none` on the command line and in config files; not `.none` in Swift, which
    /// would read as `Optional.none` wherever a mode is optional.)
    case plaintext = "none"
    /// Connect in clear text, then upgrade with STARTTLS (RFC 3207) before anything else.
    /// The upgrade is required: a server that does not offer it is an error.
    case startTLS = "starttls"
    /// Implicit TLS: the handshake starts as soon as the TCP connection is up (RFC 8314 §3.3, port 465).
    case implicit = "tls"

    /// The default for a port: implicit TLS on 465, required STARTTLS everywhere else (RFC 8314 §3).
    public static func defaultMode(forPort port: Int) -> TLSMode {
        port == 465 ? .implicit : .startTLS
    }

    /// The default port for a mode: 465 for implicit TLS (RFC 8314 §3.3), else 587 (submission, RFC 6409).
    public static func defaultPort(for mode: TLSMode?) -> Int {
        mode == .implicit ? 465 : 587
    }

    /// The port and mode a session uses, each from the other when unset — the one place
    /// where these defaults are decided: no port means 465 with implicit TLS, else 587; no
    /// mode means implicit TLS on 465, else required STARTTLS (RFC 8314 §3).
    public static func resolve(port: Int?, mode: TLSMode?) -> (port: Int, mode: TLSMode) {
        let port = port ?? defaultPort(for: mode)
        return (port, mode ?? defaultMode(forPort: port))
    }
}
