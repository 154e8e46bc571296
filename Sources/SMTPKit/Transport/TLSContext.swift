import CSSL

/// Owns an OpenSSL `SSL_CTX`: the settings every TLS connection made from it shares.
/// Freed in `deinit`. Immutable once made, so it may be shared between threads.
package final class TLSContext: @unchecked Sendable {
    let pointer: OpaquePointer
    /// Whether connections made from this context verify the peer (client side).
    package let verifiesCertificate: Bool

    private init(pointer: OpaquePointer, verifiesCertificate: Bool) {
        self.pointer = pointer
        self.verifiesCertificate = verifiesCertificate
    }

    deinit { SSL_CTX_free(pointer) }

    /// A client context: TLS 1.2 minimum (RFC 8314 §4.1), peer verification against the
    /// system trust store or `configuration.caFile`, unless verification is switched off.
    package static func client(_ configuration: TLSConfiguration) throws(TransportError) -> TLSContext {
        ERR_clear_error()
        guard let method = TLS_client_method(), let pointer = SSL_CTX_new(method) else {
            throw TransportError.tlsSetupFailed(OpenSSLError.drain(or: "SSL_CTX_new failed"))
        }
        let context = TLSContext(pointer: pointer, verifiesCertificate: configuration.verifiesCertificate)
        guard CSSL_SSL_CTX_set_min_proto_version(pointer, TLS1_2_VERSION) == 1 else {
            throw TransportError.tlsSetupFailed(OpenSSLError.drain(or: "cannot require TLS 1.2"))
        }
        if configuration.verifiesCertificate {
            SSL_CTX_set_verify(pointer, SSL_VERIFY_PEER, nil)
            if let pem = configuration.caCertificatesPEM {
                try context.trust(pem)
            }
            if let caFile = configuration.caFile {
                guard SSL_CTX_load_verify_locations(pointer, caFile, nil) == 1 else {
                    let reason = OpenSSLError.drain(or: "no certificates found")
                    throw TransportError.tlsSetupFailed("cannot read the CA file '\(caFile)' (\(reason)); check the path and that it holds PEM certificates")
                }
            } else if configuration.caCertificatesPEM == nil, SSL_CTX_set_default_verify_paths(pointer) != 1 {
                throw TransportError.tlsSetupFailed(OpenSSLError.drain(or: "cannot load the system trust store"))
            }
        } else {
            SSL_CTX_set_verify(pointer, SSL_VERIFY_NONE, nil)
        }
        return context
    }

    /// Adds the certificates in `pem` to the context's trust store.
    private func trust(_ pem: String) throws(TransportError) {
        let certificates = PEM.certificates(pem)
        defer { certificates.forEach { X509_free($0) } }
        guard !certificates.isEmpty, let store = SSL_CTX_get_cert_store(pointer) else {
            throw TransportError.tlsSetupFailed("the trusted CA certificates given are not PEM certificates")
        }
        for certificate in certificates where X509_STORE_add_cert(store, certificate) != 1 {
            throw TransportError.tlsSetupFailed(OpenSSLError.drain(or: "cannot add a trusted certificate"))
        }
    }

    /// A server context presenting `certificatePEM` (leaf first, then any intermediates)
    /// with `privateKeyPEM`. Used by SMTPKitServer.
    package static func server(certificatePEM: String, privateKeyPEM: String) throws(TransportError) -> TLSContext {
        ERR_clear_error()
        guard let method = TLS_server_method(), let pointer = SSL_CTX_new(method) else {
            throw TransportError.tlsSetupFailed(OpenSSLError.drain(or: "SSL_CTX_new failed"))
        }
        let context = TLSContext(pointer: pointer, verifiesCertificate: false)
        _ = CSSL_SSL_CTX_set_min_proto_version(pointer, TLS1_2_VERSION)
        let certificates = PEM.certificates(certificatePEM)
        guard let leaf = certificates.first, let key = PEM.privateKey(privateKeyPEM) else {
            throw TransportError.tlsSetupFailed(OpenSSLError.drain(or: "unreadable certificate or key PEM"))
        }
        defer {
            certificates.forEach { X509_free($0) }
            EVP_PKEY_free(key)
        }
        guard SSL_CTX_use_certificate(pointer, leaf) == 1, SSL_CTX_use_PrivateKey(pointer, key) == 1,
              SSL_CTX_check_private_key(pointer) == 1 else {
            throw TransportError.tlsSetupFailed(OpenSSLError.drain(or: "certificate and key do not match"))
        }
        for intermediate in certificates.dropFirst() where X509_up_ref(intermediate) == 1 {
            if SSL_CTX_ctrl(pointer, SSL_CTRL_EXTRA_CHAIN_CERT, 0, UnsafeMutableRawPointer(intermediate)) != 1 {
                X509_free(intermediate)
            }
        }
        return context
    }
}

/// PEM text to OpenSSL objects (the caller frees them).
package enum PEM {
    package static func certificates(_ text: String) -> [OpaquePointer] {
        withMemoryBIO(text) { bio in
            var result: [OpaquePointer] = []
            while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) { result.append(certificate) }
            ERR_clear_error()  // the read past the last certificate leaves a "no start line" entry
            return result
        }
    }

    package static func privateKey(_ text: String) -> OpaquePointer? {
        withMemoryBIO(text) { bio in PEM_read_bio_PrivateKey(bio, nil, nil, nil) }
    }

    private static func withMemoryBIO<T>(_ text: String, _ body: (OpaquePointer) -> T) -> T {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { raw in
            let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count))!
            defer { BIO_free(bio) }
            return body(bio)
        }
    }
}
