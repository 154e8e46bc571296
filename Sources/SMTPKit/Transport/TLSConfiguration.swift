/// How a client verifies the server's TLS certificate (RFC 8314 §4.1, RFC 9525).
///
/// The default is the secure one: TLS 1.2 or newer, the certificate chain checked against
/// the system trust store, and the host name checked against the certificate's
/// subjectAltName. Turning verification off is possible, and says so in its name.
public struct TLSConfiguration: Sendable, Equatable {
    /// A PEM file of trusted CA certificates to use instead of the system trust store.
    public var caFile: String?
    /// PEM text of trusted CA certificates, used instead of the system trust store
    /// (together with `caFile` when both are set).
    public var caCertificatesPEM: String?
    /// Whether the certificate chain and host name are verified. `false` is insecure:
    /// anyone on the path can read the dialogue, passwords included.
    public var verifiesCertificate: Bool

    /// The secure default: system trust store, verification on.
    public init(caFile: String? = nil, caCertificatesPEM: String? = nil, verifiesCertificate: Bool = true) {
        self.caFile = caFile
        self.caCertificatesPEM = caCertificatesPEM
        self.verifiesCertificate = verifiesCertificate
    }

    /// Verification off; only for servers you control on a network you trust.
    public static let insecureSkipVerify = TLSConfiguration(verifiesCertificate: false)
}
