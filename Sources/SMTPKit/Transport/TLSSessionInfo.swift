import CSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a TLS handshake negotiated, and whom it reached: shown by `smtpkit probe` and `-v`.
public struct TLSSessionInfo: Sendable, Equatable, CustomStringConvertible {
    /// The protocol version, as OpenSSL names it ("TLSv1.3").
    public let protocolVersion: String
    /// The cipher suite ("TLS_AES_256_GCM_SHA384").
    public let cipher: String
    /// Whether the certificate chain and host name were verified.
    public let verified: Bool
    /// The server's certificate, when it sent one.
    public let certificate: CertificateSummary?

    /// One line: version, cipher and whether the certificate was verified.
    public var description: String {
        "\(protocolVersion), \(cipher)" + (verified ? ", certificate verified" : ", certificate NOT verified")
    }

    init(ssl: OpaquePointer, verified: Bool) {
        protocolVersion = String(cString: SSL_get_version(ssl))
        cipher = SSL_get_current_cipher(ssl).map { String(cString: SSL_CIPHER_get_name($0)) } ?? "none"
        self.verified = verified
        if let peer = SSL_get1_peer_certificate(ssl) {
            defer { X509_free(peer) }
            certificate = CertificateSummary(peer)
        } else {
            certificate = nil
        }
    }
}

/// The parts of an X.509 certificate a user checks.
public struct CertificateSummary: Sendable, Equatable {
    /// Subject distinguished name ("CN=smtp.office365.com, O=Microsoft Corporation, …").
    public let subject: String
    /// Issuer distinguished name.
    public let issuer: String
    /// Start of validity, as OpenSSL prints it ("Jan  1 00:00:00 2027 GMT").
    public let notBefore: String
    /// End of validity, in the same form.
    public let notAfter: String
    /// DNS names and IP addresses from subjectAltName (RFC 9525 §6.3).
    public let subjectAltNames: [String]

    init(_ certificate: OpaquePointer) {
        subject = CertificateSummary.name(X509_get_subject_name(certificate))
        issuer = CertificateSummary.name(X509_get_issuer_name(certificate))
        notBefore = CertificateSummary.time(X509_get0_notBefore(certificate))
        notAfter = CertificateSummary.time(X509_get0_notAfter(certificate))
        subjectAltNames = CertificateSummary.alternativeNames(certificate)
    }

    private static func name(_ name: OpaquePointer?) -> String {
        withMemoryBIO { bio in
            _ = X509_NAME_print_ex(bio, name, 0, CSSL_XN_FLAG_RFC2253())
        }
    }

    private static func time(_ time: UnsafePointer<ASN1_TIME>?) -> String {
        withMemoryBIO { bio in _ = ASN1_TIME_print(bio, time) }
    }

    private static func alternativeNames(_ certificate: OpaquePointer) -> [String] {
        guard let raw = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { CSSL_GENERAL_NAMES_free(names) }
        var result: [String] = []
        for index in 0..<CSSL_sk_GENERAL_NAME_num(names) {
            guard let entry = CSSL_sk_GENERAL_NAME_value(names, index)?.pointee else { continue }
            switch entry.type {
            case GEN_DNS:
                if let string = entry.d.dNSName { result.append("DNS:" + asn1Text(string)) }
            case GEN_IPADD:
                if let string = entry.d.iPAddress { result.append("IP:" + ipText(string)) }
            default:
                continue
            }
        }
        return result
    }

    private static func asn1Text(_ string: UnsafeMutablePointer<ASN1_STRING>) -> String {
        let length = Int(ASN1_STRING_length(string))
        guard let data = ASN1_STRING_get0_data(string) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: data, count: length), as: UTF8.self)
    }

    private static func ipText(_ string: UnsafeMutablePointer<ASN1_STRING>) -> String {
        let length = Int(ASN1_STRING_length(string))
        guard let data = ASN1_STRING_get0_data(string), length == 4 || length == 16 else { return "?" }
        var text = [CChar](repeating: 0, count: 64)
        guard inet_ntop(length == 4 ? AF_INET : AF_INET6, data, &text, socklen_t(text.count)) != nil else { return "?" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func withMemoryBIO(_ body: (OpaquePointer) -> Void) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        body(bio)
        var data: UnsafeMutablePointer<CChar>?
        let length = CSSL_BIO_get_mem_data(bio, &data)
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }
}
