/// What the server accepts, and so how a ``Message`` is written for it.
///
/// Pass what the server's EHLO reply offers: `allow8Bit` for `8BITMIME` (RFC 6152) and
/// `allowUTF8Headers` for `SMTPUTF8` (RFC 6531). Without them the output is 7-bit ASCII.
public struct RenderOptions: Sendable, Hashable {
    /// Text parts may be sent as `8bit` UTF-8 when their lines fit (RFC 6152, RFC 2045 §2.8);
    /// otherwise they are quoted-printable or base64.
    public var allow8Bit: Bool
    /// Addresses in From, To, Cc, Reply-To and other address fields may be written in UTF-8
    /// (RFC 6532 §3.2); otherwise a non-ASCII domain is written in its IDNA form (RFC 5891) and a
    /// non-ASCII local part is an error. Display names and the subject are RFC 2047-encoded
    /// either way, which every reader understands.
    public var allowUTF8Headers: Bool

    /// Options for a server that offers the given extensions; the defaults are 7-bit ASCII.
    public init(allow8Bit: Bool = false, allowUTF8Headers: Bool = false) {
        self.allow8Bit = allow8Bit
        self.allowUTF8Headers = allowUTF8Headers
    }
}
