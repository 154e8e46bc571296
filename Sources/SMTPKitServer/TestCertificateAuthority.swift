import CSSL
import SMTPKit

/// A throw-away certificate authority for tests and `smtpkit demo`: an EC P-256 key and a
/// self-signed CA certificate made with OpenSSL at start, which issues server certificates
/// for any names. Nothing touches the disk unless the caller writes the PEM out.
public struct TestCertificateAuthority: Sendable {
    /// The CA certificate, PEM: what a client passes as its CA file.
    public let certificatePEM: String
    private let privateKeyPEM: String

    /// A certificate and its private key, both PEM.
    public struct Identity: Sendable {
        public let certificatePEM: String
        public let privateKeyPEM: String
    }

    /// Makes a new CA named `commonName`, valid from an hour ago for ten years.
    public init(commonName: String = "SMTPKit Test CA") throws {
        let key = try Self.generateKey()
        defer { EVP_PKEY_free(key) }
        let certificate = try Self.makeCertificate(
            commonName: commonName, publicKey: key, issuer: nil, signingKey: key,
            extensions: [
                (NID_basic_constraints, "critical,CA:TRUE"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
            ])
        defer { X509_free(certificate) }
        certificatePEM = try Self.pem { PEM_write_bio_X509($0, certificate) }
        privateKeyPEM = try Self.pem { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
    }

    /// A server certificate for `names` (DNS names and IP addresses, put in subjectAltName),
    /// signed by this CA.
    public func issue(names: [String] = ["localhost", "127.0.0.1", "::1"]) throws -> Identity {
        let caCertificates = PEM.certificates(certificatePEM)
        guard let caCertificate = caCertificates.first, let caKey = PEM.privateKey(privateKeyPEM) else {
            throw CertificateError("cannot read back the test CA")
        }
        defer {
            caCertificates.forEach { X509_free($0) }
            EVP_PKEY_free(caKey)
        }
        return try Self.leaf(names: names, issuer: caCertificate, signingKey: caKey)
    }

    /// A self-signed server certificate no trust store holds: what a client must reject.
    public static func selfSigned(names: [String] = ["localhost", "127.0.0.1"]) throws -> Identity {
        try leaf(names: names, issuer: nil, signingKey: nil)
    }

    private static func leaf(names: [String], issuer: OpaquePointer?, signingKey: OpaquePointer?) throws -> Identity {
        let key = try generateKey()
        defer { EVP_PKEY_free(key) }
        let alternativeNames = names.map { IPAddress.isLiteral($0) ? "IP:\($0)" : "DNS:\($0)" }.joined(separator: ",")
        let certificate = try makeCertificate(
            commonName: names.first ?? "localhost", publicKey: key, issuer: issuer, signingKey: signingKey ?? key,
            extensions: [
                (NID_basic_constraints, "critical,CA:FALSE"),
                (NID_key_usage, "critical,digitalSignature,keyEncipherment"),
                (NID_ext_key_usage, "serverAuth"),
                (NID_subject_alt_name, alternativeNames),
            ])
        defer { X509_free(certificate) }
        return Identity(
            certificatePEM: try pem { PEM_write_bio_X509($0, certificate) },
            privateKeyPEM: try pem { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) })
    }

    private static func generateKey() throws -> OpaquePointer {
        guard let key = CSSL_EVP_EC_gen("P-256") else { throw CertificateError("cannot generate an EC key") }
        return key
    }

    private static func makeCertificate(
        commonName: String, publicKey: OpaquePointer, issuer: OpaquePointer?, signingKey: OpaquePointer,
        extensions: [(Int32, String)]
    ) throws -> OpaquePointer {
        guard let certificate = X509_new() else { throw CertificateError("X509_new failed") }
        var serial = UInt64.random(in: 1...UInt64(Int64.max))
        let serialNumber = withUnsafeBytes(of: &serial) { BN_bin2bn($0.baseAddress?.assumingMemoryBound(to: UInt8.self), 8, nil) }
        defer { BN_free(serialNumber) }
        guard X509_set_version(certificate, 2) == 1,
              BN_to_ASN1_INTEGER(serialNumber, X509_get_serialNumber(certificate)) != nil,
              X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) != nil,
              X509_gmtime_adj(X509_getm_notAfter(certificate), 3650 * 86_400) != nil,
              X509_set_pubkey(certificate, publicKey) == 1,
              let subject = X509_get_subject_name(certificate),
              X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, commonName, -1, -1, 0) == 1,
              X509_set_issuer_name(certificate, issuer.map { X509_get_subject_name($0) } ?? subject) == 1
        else {
            X509_free(certificate)
            throw CertificateError("cannot fill in the certificate")
        }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer ?? certificate, certificate, nil, nil, 0)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                X509_free(certificate)
                throw CertificateError("cannot make extension \(value)")
            }
            X509_add_ext(certificate, ext, -1)
            X509_EXTENSION_free(ext)
        }
        guard X509_sign(certificate, signingKey, EVP_sha256()) > 0 else {
            X509_free(certificate)
            throw CertificateError("cannot sign the certificate")
        }
        return certificate
    }

    private static func pem(_ write: (OpaquePointer) -> Int32) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw CertificateError("BIO_new failed") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw CertificateError("cannot write PEM") }
        var data: UnsafeMutablePointer<CChar>?
        let length = CSSL_BIO_get_mem_data(bio, &data)
        guard let data, length > 0 else { throw CertificateError("empty PEM") }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }
}

/// Making a test certificate failed.
public struct CertificateError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
