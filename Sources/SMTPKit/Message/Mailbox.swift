/// One mailbox: an optional display name and an address (RFC 5322 §3.4, RFC 5321 §4.1.2).
///
/// ``localPart`` holds the local part's *value*: `"john doe"@example.org` has the local
/// part `john doe`; ``address`` quotes it again when it is written. UTF-8 local parts and
/// domains are accepted (RFC 6531/6532); ``isASCII`` tells whether sending to or from
/// this address needs `SMTPUTF8`.
public struct Mailbox: Sendable, Hashable, CustomStringConvertible {
    /// `mailboxes` with repeats removed, order kept: two are the same address when their
    /// local parts are equal and their domains equal ignoring case (RFC 5321 §2.4: only the
    /// receiving host may interpret the local part). The rule every envelope list uses.
    public static func uniqued(_ mailboxes: [Mailbox]) -> [Mailbox] {
        var seen = Set<String>()
        return mailboxes.filter { seen.insert($0.localPart + "@" + $0.domain.lowercased()).inserted }
    }

    /// The phrase shown before the address (`Kari Nordmann` in `Kari Nordmann <kari@example.no>`),
    /// already decoded from RFC 2047 and unquoted. Written RFC 2047-encoded when not ASCII.
    public var displayName: String?
    /// The part before `@`, unquoted (RFC 5322 §3.4.1).
    public let localPart: String
    /// The part after `@`: a host name (UTF-8 allowed) or an address literal such as `[192.0.2.1]`
    /// (RFC 5321 §4.1.3).
    public let domain: String

    /// Parses one mailbox (RFC 5322 §3.4 `mailbox`): `kari@example.no`, `<kari@example.no>`,
    /// `Kari Nordmann <kari@example.no>`, `"Nordmann, Kari" <kari@example.no>`,
    /// `kari@example.no (Kari)` (comments are ignored), `"john doe"@example.org`,
    /// `user@[192.0.2.1]`.
    ///
    /// Throws ``MessageError/Kind/invalidAddress`` with the offending text and the reason
    /// for: empty input, no `@`, an empty local part or domain, CR/LF/NUL anywhere,
    /// spaces or specials outside quotes in the addr-spec, bad domain labels, unbalanced
    /// brackets or quotes, a group or more than one address.
    public init(_ text: String) throws {
        var parser = try AddressParser(text)
        self = try parser.parseSingle()
    }

    /// Builds a mailbox from its parts, validated as ``init(_:)`` would.
    ///
    /// The local part may be any text without control characters (it is quoted when
    /// written, RFC 5321 §4.1.2 `Quoted-string`); the domain must be a host name or an
    /// address literal; the display name must not contain CR, LF or NUL.
    public init(displayName: String?, localPart: String, domain: String) throws {
        let shown = Self.addressText(localPart: localPart, domain: domain)
        for part in [displayName ?? "", localPart, domain] {
            if let problem = AddressLexer.controlCharacterProblem(in: part) {
                throw MessageError.invalidAddress(shown, reason: problem)
            }
        }
        do {
            try self.init(validatedDisplayName: displayName, localPart: localPart, domain: domain)
        } catch {
            throw MessageError.invalidAddress(shown, reason: error.reason)
        }
    }

    /// The designated initialiser: checks the local part and domain (RFC 5321 §4.1.2).
    init(validatedDisplayName displayName: String?, localPart: String, domain: String) throws(AddressSyntaxError) {
        guard !localPart.isEmpty else { throw AddressSyntaxError("the local part (before '@') is empty") }
        if localPart.unicodeScalars.contains("\t") {
            throw AddressSyntaxError("the local part contains a tab")
        }
        try AddressSyntax.validateDomain(domain)
        self.displayName = displayName
        self.localPart = localPart
        self.domain = domain
    }

    /// The addr-spec as used in `MAIL FROM:<…>` and `RCPT TO:<…>` (RFC 5321 §4.1.2):
    /// `local@domain`, the local part quoted only when it is not a dot-string.
    public var address: String {
        Self.addressText(localPart: localPart, domain: domain)
    }

    /// The mailbox as written in From, To, Cc and Reply-To (RFC 5322 §3.4): the address
    /// alone, or `Display <address>` with the name quoted when it has specials
    /// (RFC 5322 §3.2.5) or RFC 2047-encoded when it is not printable ASCII
    /// (RFC 2047 §5(3)). The addr-spec itself is never encoded (RFC 2047 §5).
    public var headerValue: String {
        guard let name = displayName, !name.isEmpty else { return address }
        return AddressSyntax.phrase(name) + " <" + address + ">"
    }

    /// True when the address (local part and domain, not the display name) is ASCII, so it can
    /// be sent without `SMTPUTF8` (RFC 6531 §3.2).
    public var isASCII: Bool {
        localPart.unicodeScalars.allSatisfy(\.isASCII) && domain.unicodeScalars.allSatisfy(\.isASCII)
    }

    /// The same as ``headerValue``.
    public var description: String { headerValue }

    /// Parses a comma-separated address list (RFC 5322 §3.4 `address-list`).
    ///
    /// Commas inside quotes, angle brackets or comments do not split; empty items are
    /// skipped (`a@b,,c@d`); groups (`Team: a@b, c@d;`) are flattened to their members.
    /// An invalid item throws ``MessageError/Kind/invalidAddress`` naming that item.
    public static func parseList(_ text: String) throws -> [Mailbox] {
        var parser = try AddressParser(text)
        return try parser.parseList()
    }

    static func addressText(localPart: String, domain: String) -> String {
        let local = AddressSyntax.isDotAtom(localPart) ? localPart : AddressSyntax.quoted(localPart)
        return local + "@" + domain
    }
}
