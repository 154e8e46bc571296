import CSSL

/// One TLS connection over a ``Socket``: owns the OpenSSL `SSL` object (freed in `deinit`).
///
/// OpenSSL never touches the socket itself: it reads from and writes to two memory BIOs,
/// and this type moves the bytes between them and the socket. So every network wait goes
/// through `Socket`'s deadline-bounded `poll`, writes use `MSG_NOSIGNAL` (no SIGPIPE in a
/// library), and nothing is read from the network that we did not ask for.
package final class TLSStream {
    private let ssl: OpaquePointer
    private let readBIO: OpaquePointer
    private let writeBIO: OpaquePointer
    private let socket: Socket
    private let context: TLSContext  // keeps the SSL_CTX alive as long as the SSL
    private var scratch = [UInt8](repeating: 0, count: 32 * 1024)
    /// The name the certificate was checked against, for error messages.
    private let peerName: String

    /// Prepares a client (`serverName` set) or server (`serverName` nil) connection; no bytes move yet.
    package init(context: TLSContext, socket: Socket, serverName: String?) throws(TransportError) {
        ERR_clear_error()
        guard let ssl = SSL_new(context.pointer) else {
            throw TransportError.tlsSetupFailed(OpenSSLError.drain(or: "SSL_new failed"))
        }
        guard let readBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TransportError.tlsSetupFailed(OpenSSLError.drain(or: "BIO_new failed"))
        }
        guard let writeBIO = BIO_new(BIO_s_mem()) else {
            BIO_free(readBIO)
            SSL_free(ssl)
            throw TransportError.tlsSetupFailed(OpenSSLError.drain(or: "BIO_new failed"))
        }
        SSL_set_bio(ssl, readBIO, writeBIO)  // the SSL owns both BIOs from here on
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
        self.socket = socket
        self.context = context
        self.peerName = serverName ?? socket.remoteAddress
        if let serverName {
            SSL_set_connect_state(ssl)
            try configurePeerIdentity(serverName)
        } else {
            SSL_set_accept_state(ssl)
        }
    }

    deinit { SSL_free(ssl) }

    /// SNI for DNS names (RFC 6066 §3 forbids it for address literals) and the name or
    /// address the certificate must carry (RFC 9525 §6.3).
    private func configurePeerIdentity(_ serverName: String) throws(TransportError) {
        let isAddress = IPAddress.isLiteral(serverName)
        if !isAddress, CSSL_SSL_set_tlsext_host_name(ssl, serverName) != 1 {
            throw TransportError.tlsSetupFailed(OpenSSLError.drain(or: "cannot set SNI name '\(serverName)'"))
        }
        guard context.verifiesCertificate else { return }
        let ok: Int32 = isAddress
            ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName)
            : SSL_set1_host(ssl, serverName)
        // RFC 9525 §6.3: a wildcard counts only as the whole left-most label ("*.example.org").
        SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        if ok != 1 {
            throw TransportError.tlsSetupFailed(OpenSSLError.drain(or: "cannot check the certificate against '\(serverName)'"))
        }
    }

    /// Runs the handshake to its end or throws; certificate problems are reported with
    /// OpenSSL's verification reason ("self-signed certificate", "hostname mismatch").
    /// - Parameter holdingFinalFlight: keep the last handshake bytes (a client's Finished, which
    ///   the server does not answer) until the next write or read, so they go out in one
    ///   segment with the first command (EHLO after STARTTLS) instead of one of their own.
    package func handshake(deadline: Deadline, holdingFinalFlight: Bool = false) throws(TransportError) {
        do throws(TransportError) {
            // Only 1 is success: a close_notify (0) in the middle of the handshake is a failure.
            let result = try drive("during the TLS handshake", deadline: deadline, failure: TransportError.tlsHandshakeFailed,
                                   holdingOutputOnSuccess: holdingFinalFlight) {
                SSL_do_handshake(ssl)
            }
            guard result == 1 else {
                throw TransportError.tlsHandshakeFailed("the server ended TLS during the handshake")
            }
        } catch let error where error.kind == .tlsHandshakeFailed || error.kind == .connectionClosed {
            let verification = SSL_get_verify_result(ssl)
            if verification != Int(X509_V_OK) {
                let reason = String(cString: X509_verify_cert_error_string(verification))
                throw TransportError.certificateRejected(peerName, reason: reason)
            }
            throw error
        }
    }

    /// True when the peer presented a certificate and it verified (chain and name).
    var peerVerified: Bool {
        context.verifiesCertificate && SSL_get0_peer_certificate(ssl) != nil
            && SSL_get_verify_result(ssl) == Int(X509_V_OK)
    }

    /// Decrypted bytes into `buffer`, waiting up to `deadline`; 0 when the peer closed TLS.
    package func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(TransportError) -> Int {
        let count = Int32(clamping: buffer.count)
        return Int(try drive("while reading", deadline: deadline, failure: Self.ioFailure("while reading")) {
            SSL_read(ssl, buffer.baseAddress, count)
        })
    }

    /// Encrypts and sends all of `bytes` before `deadline`.
    package func write(_ bytes: UnsafeRawBufferPointer, deadline: Deadline) throws(TransportError) {
        var offset = 0
        while offset < bytes.count {
            let count = Int32(clamping: bytes.count - offset)
            let base = bytes.baseAddress! + offset
            let written = try drive("while sending", deadline: deadline, failure: Self.ioFailure("while sending")) {
                SSL_write(ssl, base, count)
            }
            guard written > 0 else { throw TransportError.connectionClosed("while sending") }
            offset += Int(written)
        }
    }

    /// Sends close_notify, best effort, without waiting for the peer's.
    package func close(deadline: Deadline) {
        ERR_clear_error()
        if SSL_shutdown(ssl) >= 0 { try? flushOutput(deadline: deadline) }
        ERR_clear_error()
    }

    /// What was negotiated, and the peer's certificate.
    package var sessionInfo: TLSSessionInfo { TLSSessionInfo(ssl: ssl, verified: peerVerified) }

    /// An OpenSSL failure after the handshake: a broken connection, not a handshake problem.
    private static func ioFailure(_ what: String) -> (String) -> TransportError {
        { reason in TransportError.ioFailed(what, reason: "TLS error: \(reason)") }
    }

    /// Calls `operation` until it makes progress, feeding OpenSSL from the socket and
    /// sending what it produced. Returns the operation's positive result, or 0 on a clean
    /// TLS close (close_notify).
    /// - Parameter failure: makes the error for an OpenSSL failure from its reason text.
    private func drive(_ what: String, deadline: Deadline, failure: (String) -> TransportError,
                       holdingOutputOnSuccess: Bool = false, _ operation: () -> Int32) throws(TransportError) -> Int32 {
        while true {
            ERR_clear_error()
            let result = operation()
            let status = SSL_get_error(ssl, result)
            if result > 0 && holdingOutputOnSuccess { return result }
            try flushOutput(deadline: deadline)
            if result > 0 { return result }
            switch status {
            case SSL_ERROR_WANT_READ:
                try fillInput(what, deadline: deadline)
            case SSL_ERROR_WANT_WRITE:
                // Memory BIOs never refuse a write; should that change, do not spin forever.
                if deadline.hasPassed { throw TransportError.timedOut(what, seconds: deadline.budget) }
            case SSL_ERROR_ZERO_RETURN:
                return 0
            case SSL_ERROR_SYSCALL:
                throw TransportError.connectionClosed(what)
            default:
                throw failure(OpenSSLError.drain(or: "TLS error \(status)"))
            }
        }
    }

    private func fillInput(_ what: String, deadline: Deadline) throws(TransportError) {
        let socket = self.socket
        let count = try scratch.withUnsafeMutableBytes { raw in
            Result { () throws(TransportError) in try socket.read(into: raw, deadline: deadline) }
        }.get()
        guard count > 0 else {
            if SSL_is_init_finished(ssl) == 1 { throw TransportError.connectionClosed(what) }
            throw TransportError.tlsHandshakeFailed("the server closed the connection \(what)")
        }
        _ = scratch.withUnsafeBytes { BIO_write(readBIO, $0.baseAddress, Int32(count)) }
    }

    private func flushOutput(deadline: Deadline) throws(TransportError) {
        while BIO_ctrl_pending(writeBIO) > 0 {
            let count = scratch.withUnsafeMutableBytes { BIO_read(writeBIO, $0.baseAddress, Int32($0.count)) }
            guard count > 0 else { return }
            let socket = self.socket
            try scratch.withUnsafeBytes { raw in
                Result { () throws(TransportError) in
                    try socket.write(UnsafeRawBufferPointer(rebasing: raw[0..<Int(count)]), deadline: deadline)
                }
            }.get()
        }
    }
}
