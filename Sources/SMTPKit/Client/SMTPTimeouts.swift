/// How long each phase of a session may take, in seconds.
///
/// Each limit bounds the wait for a *whole* reply (one deadline per reply, not per read),
/// so a server that drips one byte at a time cannot hold the client past it.
/// The defaults are RFC 5321 §4.5.3.2's.
public struct SMTPTimeouts: Sendable, Equatable {
    /// Making the TCP connection (all addresses together) and the TLS handshake.
    public var connect: Double = 60
    /// The 220 greeting (§4.5.3.2.1: 5 minutes).
    public var greeting: Double = 300
    /// EHLO, STARTTLS, AUTH, RSET and other commands without their own limit.
    public var command: Double = 300
    /// MAIL FROM (§4.5.3.2.2: 5 minutes).
    public var mail: Double = 300
    /// Each RCPT TO (§4.5.3.2.3: 5 minutes).
    public var rcpt: Double = 300
    /// The 354 to DATA (§4.5.3.2.4: 2 minutes).
    public var dataInitiation: Double = 120
    /// Sending each block of message data (§4.5.3.2.5: 3 minutes).
    public var dataBlock: Double = 180
    /// The reply to the final dot (§4.5.3.2.6: 10 minutes).
    public var dataTermination: Double = 600
    /// The 221 to QUIT; its absence is not a failure.
    public var quit: Double = 10

    /// RFC 5321's defaults.
    public init() {}

    /// Every limit set to `seconds` (what `--timeout` does); QUIT waits at most 10 s.
    public static func uniform(_ seconds: Double) -> SMTPTimeouts {
        var timeouts = SMTPTimeouts()
        timeouts.connect = seconds
        timeouts.greeting = seconds
        timeouts.command = seconds
        timeouts.mail = seconds
        timeouts.rcpt = seconds
        timeouts.dataInitiation = seconds
        timeouts.dataBlock = seconds
        timeouts.dataTermination = seconds
        timeouts.quit = min(seconds, 10)
        return timeouts
    }
}
