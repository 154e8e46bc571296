import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// The test CA and the OpenSSL contexts built from its output (RFC 5280 certificates in PEM).
struct TestCertificateTests {
    @Test func issuedIdentityIsAcceptedByTheServerContext() throws {
        let authority = try TestCertificateAuthority()
        let identity = try authority.issue()

        #expect(authority.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(identity.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(identity.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(identity.certificatePEM != authority.certificatePEM)
        _ = try TLSContext.server(certificatePEM: identity.certificatePEM, privateKeyPEM: identity.privateKeyPEM)
        // The leaf followed by the CA (a chain) is accepted too.
        _ = try TLSContext.server(certificatePEM: identity.certificatePEM + authority.certificatePEM,
                                  privateKeyPEM: identity.privateKeyPEM)
    }

    @Test func selfSignedIdentityIsAcceptedByTheServerContext() throws {
        let identity = try TestCertificateAuthority.selfSigned()
        _ = try TLSContext.server(certificatePEM: identity.certificatePEM, privateKeyPEM: identity.privateKeyPEM)
    }

    @Test func mismatchedKeyIsRefused() throws {
        let authority = try TestCertificateAuthority()
        let first = try authority.issue()
        let second = try authority.issue()

        let error = try #require(throws: TransportError.self) {
            try TLSContext.server(certificatePEM: first.certificatePEM, privateKeyPEM: second.privateKeyPEM)
        }

        #expect(error.kind == .tlsSetupFailed)
        #expect(error.description.hasPrefix("cannot set up TLS: "))
    }

    @Test func garbageIsRefused() throws {
        let error = try #require(throws: TransportError.self) {
            try TLSContext.server(certificatePEM: "garbage", privateKeyPEM: "garbage")
        }
        #expect(error.kind == .tlsSetupFailed)
    }

    @Test func eachAuthorityIsNew() throws {
        #expect(try TestCertificateAuthority().certificatePEM != (try TestCertificateAuthority().certificatePEM))
    }

    @Test func clientContextTrustsGivenPEM() throws {
        let authority = try TestCertificateAuthority()
        let context = try TLSContext.client(TLSConfiguration(caCertificatesPEM: authority.certificatePEM))
        #expect(context.verifiesCertificate)
        #expect(!(try TLSContext.client(.insecureSkipVerify)).verifiesCertificate)
    }

    @Test func clientContextRefusesPEMWithoutCertificates() throws {
        let error = try #require(throws: TransportError.self) {
            try TLSContext.client(TLSConfiguration(caCertificatesPEM: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"))
        }
        #expect(error.kind == .tlsSetupFailed)
        #expect(error.description.contains("not PEM certificates"))
    }

    @Test func clientContextNamesAnUnreadableCAFile() throws {
        let path = "/nonexistent-\(UUID().uuidString).pem"
        let error = try #require(throws: TransportError.self) {
            try TLSContext.client(TLSConfiguration(caFile: path))
        }
        #expect(error.kind == .tlsSetupFailed)
        #expect(error.description.contains("'\(path)'"))
        #expect(error.description.contains("check the path"))
    }

    @Test func caFileThatIsNotPEMIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("smtpkit-bad-\(UUID().uuidString).pem").path
        try "this is not a certificate\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let error = try #require(throws: TransportError.self) {
            try TLSContext.client(TLSConfiguration(caFile: path))
        }

        #expect(error.kind == .tlsSetupFailed)
        #expect(error.description.contains(path))
    }

    @Test func insecureSkipVerifySaysSo() {
        #expect(TLSConfiguration.insecureSkipVerify.verifiesCertificate == false)
        #expect(TLSConfiguration().verifiesCertificate)
        #expect(TLSConfiguration().caFile == nil)
        #expect(TLSConfiguration().caCertificatesPEM == nil)
    }
}
