/// The server refused something, or broke the protocol, or a policy of the session stopped it.
///
/// A rejection carries the command that was sent (as the transcript shows it), the server's
/// reply with its code and enhanced status code (RFC 3463), and ``isTransient`` (4xx) /
/// ``isPermanent`` (5xx) so a caller knows whether to retry.
public struct SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, for matching.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// The greeting was not 220: the server does not want to talk (RFC 5321 §3.1).
        public static let serviceUnavailable = Kind(name: "serviceUnavailable")
        /// A command got a 4xx or 5xx reply.
        public static let rejected = Kind(name: "rejected")
        /// A reply that makes no sense at this point (RFC 5321 §4.3.2), e.g. 354 to MAIL.
        public static let unexpectedReply = Kind(name: "unexpectedReply")
        /// TLS is required but the server does not list STARTTLS (RFC 3207 §4), or ignores EHLO.
        public static let startTLSNotOffered = Kind(name: "startTLSNotOffered")
        /// The server answered STARTTLS with something other than 220.
        public static let startTLSRefused = Kind(name: "startTLSRefused")
        /// Some recipients were refused and the policy is to send nothing (or none was accepted).
        public static let recipientsRefused = Kind(name: "recipientsRefused")
        /// The message data was sent but no reply to the final dot came (RFC 5321 §6.1):
        /// the message may or may not have been accepted.
        public static let deliveryStatusUnknown = Kind(name: "deliveryStatusUnknown")
        /// The message is larger than the server's SIZE limit (RFC 1870 §6).
        public static let messageTooLarge = Kind(name: "messageTooLarge")
        /// An address needs SMTPUTF8 (RFC 6531) and the server does not offer it.
        public static let smtpUTF8Required = Kind(name: "smtpUTF8Required")
        /// The message has 8-bit data and the server does not offer 8BITMIME (RFC 6152 §3).
        public static let eightBitNotSupported = Kind(name: "eightBitNotSupported")
        /// The connection cannot carry another transaction: the server closed it (421,
        /// RFC 5321 §3.8), it broke, or its ``SMTPClient/withConnection(isolation:_:)`` scope ended.
        public static let connectionUnusable = Kind(name: "connectionUnusable")
    }

    public let kind: Kind
    /// The command as the transcript shows it ("RCPT TO:<bob@example.org>"), when one was refused.
    public let command: String?
    /// The server's reply, when there was one.
    public let reply: Reply?
    /// Every recipient's reply, for `recipientsRefused`.
    public let recipients: [RecipientResult]
    public let description: String

    init(_ kind: Kind, _ description: String, command: String? = nil, reply: Reply? = nil, recipients: [RecipientResult] = []) {
        self.kind = kind
        self.description = description
        self.command = command
        self.reply = reply
        self.recipients = recipients
    }

    /// True when the server said "not now" (4xx) — or, for refused recipients, when every
    /// refusal was temporary. Trying again later may work.
    public var isTransient: Bool {
        if kind == .recipientsRefused {
            let refused = recipients.filter { !$0.isAccepted }
            return !refused.isEmpty && refused.allSatisfy { $0.reply.isTransient }
        }
        if kind == .deliveryStatusUnknown || kind == .connectionUnusable { return true }
        return reply?.isTransient ?? false
    }

    /// True when the server said "never" (5xx) for at least one part of the request.
    public var isPermanent: Bool {
        if kind == .recipientsRefused { return recipients.contains { $0.reply.isPermanent } }
        if kind == .messageTooLarge || kind == .smtpUTF8Required || kind == .eightBitNotSupported { return true }
        return reply?.isPermanent ?? false
    }

    static func serviceUnavailable(_ server: String, reply: Reply) -> SMTPError {
        SMTPError(.serviceUnavailable, "\(server) refused the connection: \(reply)" + (reply.isTransient ? "; try again later" : ""), reply: reply)
    }

    static func rejected(_ command: String, reply: Reply) -> SMTPError {
        let advice = reply.isTransient ? "; this is temporary, try again later" : ""
        return SMTPError(.rejected, "the server rejected \(command): \(reply)\(advice)", command: command, reply: reply)
    }

    static func unexpectedReply(_ command: String, reply: Reply) -> SMTPError {
        SMTPError(.unexpectedReply, "protocol error: unexpected reply to \(command): \(reply)", command: command, reply: reply)
    }

    static func startTLSNotOffered(_ server: String) -> SMTPError {
        SMTPError(.startTLSNotOffered, "\(server) does not offer STARTTLS; use --tls none to send unencrypted (or --tls tls if it speaks implicit TLS, usually on port 465)")
    }

    static func ehloRefusedWithTLSRequired(_ server: String, reply: Reply) -> SMTPError {
        SMTPError(.startTLSNotOffered, "\(server) does not support EHLO (\(reply)), so it cannot offer STARTTLS or AUTH; use --tls none and no login to send unencrypted", reply: reply)
    }

    static func startTLSRefused(reply: Reply) -> SMTPError {
        SMTPError(.startTLSRefused, "the server refused STARTTLS: \(reply); not continuing without encryption", command: "STARTTLS", reply: reply)
    }

    static func recipientsRefused(_ results: [RecipientResult], sentNothing: Bool) -> SMTPError {
        let refused = results.filter { !$0.isAccepted }
        let list = refused.map { "<\($0.address)>: \($0.reply)" }.joined(separator: "\n  ")
        let what = sentNothing && refused.count < results.count
            ? "\(refused.count) of \(results.count) recipients refused, so nothing was sent (use --allow-partial to send to the others)"
            : "every recipient was refused, nothing was sent"
        return SMTPError(.recipientsRefused, "\(what):\n  \(list)", recipients: results)
    }

    static func deliveryStatusUnknown(_ cause: String) -> SMTPError {
        SMTPError(.deliveryStatusUnknown, "delivery status unknown: the message was sent but the server's reply to the final dot did not arrive (\(cause)); it may or may not have been accepted — check before sending again")
    }

    static func messageTooLarge(size: Int, limit: Int) -> SMTPError {
        SMTPError(.messageTooLarge, "the message (\(size) octets) is larger than the server's limit of \(limit) octets (SIZE); nothing was sent")
    }

    static func eightBitNotSupported(_ server: String) -> SMTPError {
        SMTPError(.eightBitNotSupported, "the message contains 8-bit data and \(server) does not offer 8BITMIME (RFC 6152), so it cannot be sent as it is; encode its parts as quoted-printable or base64 first (or let smtpkit compose it); nothing was sent")
    }

    static func connectionUnusable(_ reason: String) -> SMTPError {
        SMTPError(.connectionUnusable, "the connection can no longer be used: \(reason); nothing more was sent on it — open a new connection to go on")
    }

    static func smtpUTF8Required(_ address: String) -> SMTPError {
        SMTPError(.smtpUTF8Required, "the address <\(address)> has a non-ASCII local part and the server does not offer SMTPUTF8 (RFC 6531), so it cannot be sent there; nothing was sent")
    }
}
