/// The server refused something, or broke the protocol, or a policy of the session stopped it.
///
/// An ``SMTPKitError``. A rejection carries the command that was sent (as the transcript shows it),
/// the server's reply with its code and enhanced status code (RFC 3463), and ``isTransient`` (4xx) /
/// ``isPermanent`` (5xx) so a caller knows whether to retry. Equal when kind and context are equal.
public struct SMTPError: SMTPKitError {
    /// The kind of failure, for matching.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: String, Hashable, Sendable {
            case serviceUnavailable, rejected, unexpectedReply, startTLSNotOffered, startTLSRefused
            case recipientsRefused, deliveryStatusUnknown, messageTooLarge, smtpUTF8Required, eightBitNotSupported
            case connectionUnusable, extensionNotOffered, partiallyDelivered
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// The greeting was not 220: the server does not want to talk (RFC 5321 §3.1).
        public static let serviceUnavailable = Kind(.serviceUnavailable)
        /// A command got a 4xx or 5xx reply.
        public static let rejected = Kind(.rejected)
        /// A reply that makes no sense at this point (RFC 5321 §4.3.2), e.g. 354 to MAIL.
        public static let unexpectedReply = Kind(.unexpectedReply)
        /// TLS is required but the server does not list STARTTLS (RFC 3207 §4), or refuses EHLO
        /// (then ``SMTPError/reply`` holds the refusal).
        public static let startTLSNotOffered = Kind(.startTLSNotOffered)
        /// The server answered STARTTLS with something other than 220.
        public static let startTLSRefused = Kind(.startTLSRefused)
        /// Some recipients were refused and the policy is to send nothing (or none was accepted).
        public static let recipientsRefused = Kind(.recipientsRefused)
        /// The message data was sent but no reply to the final dot came (RFC 5321 §6.1):
        /// the message may or may not have been accepted.
        public static let deliveryStatusUnknown = Kind(.deliveryStatusUnknown)
        /// The message is larger than the server's SIZE limit (RFC 1870 §6).
        public static let messageTooLarge = Kind(.messageTooLarge)
        /// An address needs SMTPUTF8 (RFC 6531) and the server does not offer it.
        public static let smtpUTF8Required = Kind(.smtpUTF8Required)
        /// The message has 8-bit data and the server does not offer 8BITMIME (RFC 6152 §3).
        public static let eightBitNotSupported = Kind(.eightBitNotSupported)
        /// The connection cannot carry another transaction: the server closed it (421,
        /// RFC 5321 §3.8), it broke, or its ``SMTPClient/withConnection(isolation:_:)`` scope
        /// ended. Nothing was sent by the call that got it; ``SMTPError/cause`` says why.
        public static let connectionUnusable = Kind(.connectionUnusable)
        /// The envelope asks for a parameter whose extension (``SMTPError/extensionName``, such
        /// as `DSN`, RFC 3461) the server does not offer; nothing was sent.
        public static let extensionNotOffered = Kind(.extensionNotOffered)
        /// A message sent in several transactions (more recipients than the server takes in
        /// one, ``SendingLimits/recipientsPerMessage``) reached some recipients and not others:
        /// ``SMTPError/recipients`` holds each one's fate, ``SMTPError/notSent`` those never
        /// tried. Sending it again would reach the others twice: send it to the rest only.
        public static let partiallyDelivered = Kind(.partiallyDelivered)

        /// The kind's name, e.g. `rejected`.
        public var description: String { code.rawValue }
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// The server as the session names it ("smtp.example.org:587"), when the text names it.
    public let server: String?
    /// The command as the transcript shows it ("RCPT TO:<bob@example.org>"), when one was refused.
    public let command: String?
    /// The server's reply, when there was one.
    public let reply: Reply?
    /// Every recipient's reply, for ``Kind/recipientsRefused``.
    public let recipients: [RecipientResult]
    /// For ``Kind/recipientsRefused``: true when the refusal of some recipients stopped the
    /// transaction (partial delivery not allowed), false when every recipient was refused.
    public let partialDeliveryRefused: Bool
    /// What ended the wait for the final reply (``Kind/deliveryStatusUnknown``), or what made
    /// the connection unusable (``Kind/connectionUnusable``), as text.
    public let cause: String?
    /// The message size in octets (``Kind/messageTooLarge``).
    public let size: Int?
    /// The server's SIZE limit in octets (``Kind/messageTooLarge``).
    public let limit: Int?
    /// The address that needs SMTPUTF8 (``Kind/smtpUTF8Required``).
    public let address: String?
    /// The EHLO keyword the server did not offer (``Kind/extensionNotOffered``).
    public let extensionName: String?
    /// Recipients whose transaction never went out (``Kind/partiallyDelivered``).
    public let notSent: [String]
    private let underlyingError: UnderlyingError

    /// The error that caused this one (for ``Kind/deliveryStatusUnknown``, what ended the wait).
    public var underlying: (any Error & Sendable)? { underlyingError.error }

    private init(_ kind: Kind, server: String? = nil, command: String? = nil, reply: Reply? = nil,
                 recipients: [RecipientResult] = [], partialDeliveryRefused: Bool = false, cause: String? = nil,
                 size: Int? = nil, limit: Int? = nil, address: String? = nil, extensionName: String? = nil,
                 notSent: [String] = [], underlying: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.server = server
        self.command = command
        self.reply = reply
        self.recipients = recipients
        self.partialDeliveryRefused = partialDeliveryRefused
        self.cause = cause
        self.size = size
        self.limit = limit
        self.address = address
        self.extensionName = extensionName
        self.notSent = notSent
        self.underlyingError = UnderlyingError(underlying)
    }

    /// True when the server said "not now" (4xx) — or, for refused recipients, when every
    /// refusal was temporary. Trying again later may work.
    public var isTransient: Bool {
        if kind == .recipientsRefused || kind == .partiallyDelivered {
            let refused = recipients.filter { !$0.isAccepted }
            return !refused.isEmpty && refused.allSatisfy { $0.reply.isTransient }
        }
        if kind == .deliveryStatusUnknown || kind == .connectionUnusable { return true }
        return reply?.isTransient ?? false
    }

    /// True when the server said "never" (5xx) for at least one part of the request.
    public var isPermanent: Bool {
        if kind == .recipientsRefused || kind == .partiallyDelivered { return recipients.contains { $0.reply.isPermanent } }
        if [.messageTooLarge, .smtpUTF8Required, .eightBitNotSupported, .extensionNotOffered].contains(kind) { return true }
        return reply?.isPermanent ?? false
    }

    static func serviceUnavailable(_ server: String, reply: Reply) -> SMTPError {
        SMTPError(.serviceUnavailable, server: server, reply: reply)
    }

    static func rejected(_ command: String, reply: Reply) -> SMTPError {
        SMTPError(.rejected, command: command, reply: reply)
    }

    static func unexpectedReply(_ command: String, reply: Reply) -> SMTPError {
        SMTPError(.unexpectedReply, command: command, reply: reply)
    }

    static func startTLSNotOffered(_ server: String) -> SMTPError {
        SMTPError(.startTLSNotOffered, server: server)
    }

    static func ehloRefusedWithTLSRequired(_ server: String, reply: Reply) -> SMTPError {
        SMTPError(.startTLSNotOffered, server: server, command: "EHLO", reply: reply)
    }

    static func startTLSRefused(reply: Reply) -> SMTPError {
        SMTPError(.startTLSRefused, command: "STARTTLS", reply: reply)
    }

    static func recipientsRefused(_ results: [RecipientResult], sentNothing: Bool) -> SMTPError {
        let partial = sentNothing && results.contains(where: \.isAccepted)
        return SMTPError(.recipientsRefused, recipients: results, partialDeliveryRefused: partial)
    }

    static func partiallyDelivered(_ results: [RecipientResult], notSent: [String], cause: String?) -> SMTPError {
        SMTPError(.partiallyDelivered, recipients: results, cause: cause, notSent: notSent)
    }

    static func deliveryStatusUnknown(_ cause: String, underlying: (any Error & Sendable)? = nil) -> SMTPError {
        SMTPError(.deliveryStatusUnknown, cause: cause, underlying: underlying)
    }

    static func messageTooLarge(size: Int, limit: Int) -> SMTPError {
        SMTPError(.messageTooLarge, size: size, limit: limit)
    }

    static func eightBitNotSupported(_ server: String) -> SMTPError {
        SMTPError(.eightBitNotSupported, server: server)
    }

    static func connectionUnusable(_ reason: String, underlying: (any Error & Sendable)? = nil) -> SMTPError {
        SMTPError(.connectionUnusable, cause: reason, underlying: underlying)
    }

    static func extensionNotOffered(_ name: String, server: String) -> SMTPError {
        SMTPError(.extensionNotOffered, server: server, extensionName: name)
    }

    static func smtpUTF8Required(_ address: String) -> SMTPError {
        SMTPError(.smtpUTF8Required, address: address)
    }

    /// What happened, with the context, in SMTPKit's words.
    public var description: String {
        let server = server ?? "the server"
        let reply = reply.map { "\($0)" } ?? "no reply"
        let command = command ?? "the command"
        switch kind {
        case .serviceUnavailable:
            return "\(server) refused the connection: \(reply)" + (self.reply?.isTransient == true ? "; try again later" : "")
        case .rejected:
            let advice = self.reply?.isTransient == true ? "; this is temporary, try again later" : ""
            return "the server rejected \(command): \(reply)\(advice)"
        case .unexpectedReply:
            return "protocol error: unexpected reply to \(command): \(reply)"
        case .startTLSNotOffered where self.reply != nil:
            return "\(server) does not support EHLO (\(reply)), so it cannot offer STARTTLS or AUTH; "
                + "only an unencrypted session without authentication can work with it"
        case .startTLSNotOffered:
            return "\(server) does not offer STARTTLS, and TLS is required; not continuing without encryption"
        case .startTLSRefused:
            return "the server refused STARTTLS: \(reply); not continuing without encryption"
        case .recipientsRefused:
            let refused = recipients.filter { !$0.isAccepted }
            let list = refused.map { "<\($0.address)>: \($0.reply)" }.joined(separator: "\n  ")
            let what = partialDeliveryRefused
                ? "\(refused.count) of \(recipients.count) recipients refused, so nothing was sent (partial delivery is not allowed)"
                : "every recipient was refused, nothing was sent"
            return "\(what):\n  \(list)"
        case .deliveryStatusUnknown:
            return "delivery status unknown: the message was sent but the server's reply to the final dot did not arrive (\(cause ?? "no reply")); it may or may not have been accepted — check before sending again"
        case .messageTooLarge:
            return "the message (\(size ?? 0) octets) is larger than the server's limit of \(limit ?? 0) octets (SIZE); nothing was sent"
        case .eightBitNotSupported:
            return "the message contains 8-bit data and \(server) does not offer 8BITMIME (RFC 6152), so it cannot be sent as it is; encode its parts as quoted-printable or base64 first (a Message that SMTPKit composes is encoded so); nothing was sent"
        case .smtpUTF8Required:
            return "the address <\(address ?? "")> has a non-ASCII local part and the server does not offer SMTPUTF8 (RFC 6531), so it cannot be sent there; nothing was sent"
        case .extensionNotOffered:
            return "the envelope asks for \(extensionName ?? "an extension") parameters, and \(server) does not offer \(extensionName ?? "it"); nothing was sent"
        case .partiallyDelivered:
            let accepted = recipients.filter(\.isAccepted).count
            var text = "the message went to \(accepted) of \(recipients.count + notSent.count) recipients, in transactions of the server's size"
            let refused = recipients.filter { !$0.isAccepted }
            if !refused.isEmpty { text += "; not delivered:\n  " + refused.map { "<\($0.address)>: \($0.reply)" }.joined(separator: "\n  ") }
            if !notSent.isEmpty { text += "\nnever sent (\(cause ?? "the connection failed")): " + notSent.map { "<\($0)>" }.joined(separator: ", ") }
            return text + "\nsending it again would reach the others twice: send it to these recipients only"
        case .connectionUnusable:
            return "the connection can no longer be used: \(cause ?? "it was closed"); nothing more was sent on it — open a new connection to go on"
        default:
            return "SMTP error (\(kind))"
        }
    }
}
