extension Mailbox {
    /// The addr-spec in ASCII, for a server without `SMTPUTF8`: the local part as in ``address``
    /// and the domain in IDNA form (`kari@xn--bcher-kva.example`, RFC 5891 §4.4); nil when the
    /// local part itself is not ASCII, since only SMTPUTF8 can carry it (RFC 6531 §3.2).
    ///
    /// Throws ``MessageError/Kind/invalidAddress`` when the domain cannot be converted
    /// (``IDNA/toASCII(_:)``).
    public func asciiAddress() throws -> String? {
        guard localPart.unicodeScalars.allSatisfy(\.isASCII) else { return nil }
        do {
            return Self.addressText(localPart: localPart, domain: try IDNA.toASCII(domain))
        } catch let error as MessageError {
            throw MessageError.invalidAddress(address, reason: error.reason ?? error.description)
        }
    }

    /// The address for a session with or without `SMTPUTF8`: ``address`` when `smtpUTF8`, else
    /// ``asciiAddress()``; a non-ASCII local part without SMTPUTF8 throws
    /// ``MessageError/Kind/invalidAddress`` saying a server with SMTPUTF8 is needed.
    public func address(smtpUTF8: Bool) throws -> String {
        if smtpUTF8 { return address }
        guard let ascii = try asciiAddress() else {
            throw MessageError.invalidAddress(
                address,
                reason: "the part before '@' is not ASCII, so it can only be sent through a server that offers SMTPUTF8 (RFC 6531)")
        }
        return ascii
    }

    /// The mailbox as written in a header under `options` (RFC 5322 §3.4): as ``headerValue``
    /// when UTF-8 headers are allowed or the address is ASCII; otherwise with the domain in IDNA
    /// form, the display name RFC 2047-encoded as always.
    func headerValue(options: RenderOptions) throws -> String {
        if options.allowUTF8Headers || isASCII { return headerValue }
        let ascii = try address(smtpUTF8: false)
        guard let name = displayName, !name.isEmpty else { return ascii }
        return AddressSyntax.phrase(name) + " <" + ascii + ">"
    }
}
