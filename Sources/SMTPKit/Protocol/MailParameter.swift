/// A parameter of `MAIL FROM` (RFC 5321 §4.1.2 `Mail-parameters`), one case per extension.
///
/// The session adds ``size(_:)``, ``body(_:)`` and ``smtpUTF8`` itself, each only when the
/// server offers the extension; the DSN cases (RFC 3461) are for callers that ask for
/// delivery status notifications from a server that offers `DSN`.
public enum MailParameter: Sendable, Hashable {
    /// `SIZE=n`: the message size in octets (RFC 1870 §3).
    case size(Int)
    /// `BODY=7BIT` or `BODY=8BITMIME` (RFC 6152 §2).
    case body(MessageBodyType)
    /// `SMTPUTF8`: addresses or headers in UTF-8 (RFC 6531 §3.4).
    case smtpUTF8
    /// `RET=FULL` or `RET=HDRS`: how much of the message a DSN returns (RFC 3461 §4.3).
    case returnContent(DSNReturn)
    /// `ENVID=xtext`: an identifier DSNs carry back (RFC 3461 §4.4), xtext-encoded here.
    case envelopeID(String)
    /// Any other `keyword[=value]` (RFC 5321 §4.1.2 `esmtp-param`), sent as given.
    case other(keyword: String, value: String?)

    /// The EHLO keyword a server must list before the parameter may be sent (RFC 5321 §4.1.2:
    /// parameters only with an extension the server offers); nil for ``other(keyword:value:)``.
    public var requiredExtension: String? {
        switch self {
        case .size: "SIZE"
        case .body(.binaryMIME): "BINARYMIME"  // RFC 3030 §3
        case .body: "8BITMIME"  // BODY= itself is RFC 6152's
        case .smtpUTF8: "SMTPUTF8"
        case .returnContent, .envelopeID: "DSN"
        case .other: nil
        }
    }

    /// The parameter as it goes on the command line: `SIZE=1024`.
    public var text: String {
        switch self {
        case .size(let octets): "SIZE=\(octets)"
        case .body(let type): "BODY=\(type.rawValue)"
        case .smtpUTF8: "SMTPUTF8"
        case .returnContent(let ret): "RET=\(ret.rawValue)"
        case .envelopeID(let id): "ENVID=" + XText.encode(id)
        case .other(let keyword, let value): value.map { "\(keyword)=\($0)" } ?? keyword
        }
    }
}

/// A parameter of `RCPT TO` (RFC 5321 §4.1.2 `Rcpt-parameters`).
public enum RecipientParameter: Sendable, Hashable {
    /// `NOTIFY=NEVER` or `NOTIFY=SUCCESS,FAILURE,DELAY` (RFC 3461 §4.1); an empty set is NEVER.
    case notify(DSNNotify)
    /// `ORCPT=rfc822;xtext`: the recipient as originally given (RFC 3461 §4.2), xtext-encoded here.
    case originalRecipient(String)
    /// Any other `keyword[=value]` (RFC 5321 §4.1.2 `esmtp-param`), sent as given.
    case other(keyword: String, value: String?)

    /// The EHLO keyword a server must list before the parameter may be sent; nil for ``other(keyword:value:)``.
    public var requiredExtension: String? {
        switch self {
        case .notify, .originalRecipient: "DSN"
        case .other: nil
        }
    }

    /// The parameter as it goes on the command line: `NOTIFY=SUCCESS,FAILURE`.
    public var text: String {
        switch self {
        case .notify(let notify): "NOTIFY=" + notify.text
        case .originalRecipient(let address): "ORCPT=rfc822;" + XText.encode(address)
        case .other(let keyword, let value): value.map { "\(keyword)=\($0)" } ?? keyword
        }
    }
}

/// What a DSN returns of the message (RFC 3461 §4.3).
public enum DSNReturn: String, Sendable, Hashable {
    /// The whole message.
    case full = "FULL"
    /// Only its headers.
    case headers = "HDRS"
}

/// When the server should send a DSN for a recipient (RFC 3461 §4.1).
public struct DSNNotify: OptionSet, Sendable, Hashable {
    /// The set as bits: 1 success, 2 failure, 4 delay.
    public let rawValue: Int
    /// The set whose bits are `rawValue`.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// On successful delivery.
    public static let success = DSNNotify(rawValue: 1)
    /// On failure.
    public static let failure = DSNNotify(rawValue: 2)
    /// When delivery is delayed.
    public static let delay = DSNNotify(rawValue: 4)
    /// Never: the empty set.
    public static let never: DSNNotify = []

    /// `NEVER`, or the chosen conditions in RFC order: `SUCCESS,FAILURE,DELAY`.
    var text: String {
        guard !isEmpty else { return "NEVER" }
        return [(DSNNotify.success, "SUCCESS"), (.failure, "FAILURE"), (.delay, "DELAY")]
            .filter { contains($0.0) }.map(\.1).joined(separator: ",")
    }
}

/// xtext (RFC 3461 §4): printable ASCII but `+` and `=` as is, every other octet as `+XX`.
enum XText {
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if (33...126).contains(byte) && byte != UInt8(ascii: "+") && byte != UInt8(ascii: "=") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "+" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
