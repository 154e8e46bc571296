/// A byte stream to a mail server: plain TCP, or TLS over it (implicit or after STARTTLS).
///
/// Knows nothing of SMTP but the one STARTTLS rule (RFC 3207 §4.2, CVE-2011-0411): when the
/// upgrade starts, no byte may be waiting from the peer, since anything sent before the
/// handshake could not have been protected and would be taken as a reply after it.
package final class Connection: @unchecked Sendable {
    package let socket: Socket
    private var tls: TLSStream?
    /// The negotiated TLS parameters once the connection is encrypted.
    package private(set) var tlsInfo: TLSSessionInfo?

    package init(socket: Socket) { self.socket = socket }

    /// Connects to `host:port` (every address, up to `deadline`).
    /// `watch` and `isCancelled` let another thread cancel the attempt (see `Socket.connect`).
    package static func open(host: String, port: Int, deadline: Deadline, watch: (Socket) -> Void = { _ in },
                             isCancelled: () -> Bool = { false }) throws(TransportError) -> Connection {
        Connection(socket: try Socket.connect(host: host, port: port, deadline: deadline, watch: watch, isCancelled: isCancelled))
    }

    /// True once TLS is on.
    package var isEncrypted: Bool { tls != nil }

    /// "127.0.0.1:587"-style text for the peer.
    package var peerDescription: String {
        socket.remoteAddress.contains(":") ? "[\(socket.remoteAddress)]:\(socket.remotePort)" : "\(socket.remoteAddress):\(socket.remotePort)"
    }

    /// Starts TLS as a client, checking the certificate against `serverName`.
    /// - Parameter bufferedBytes: bytes the caller has read but not consumed; anything
    ///   but 0 aborts the upgrade (STARTTLS injection). Bytes still in the kernel abort it too.
    ///   Implicit TLS (RFC 8314 §3.3) passes `nil`: there is no STARTTLS reply to check against.
    package func startTLS(context: TLSContext, serverName: String, bufferedBytes: Int?, deadline: Deadline) throws(TransportError) {
        guard tls == nil else { throw TransportError.tlsSetupFailed("TLS is already on; it is started once per connection (RFC 3207 §4.2)") }
        if let bufferedBytes {
            if bufferedBytes > 0 { throw TransportError.startTLSInjection(bytes: bufferedBytes) }
            if socket.hasPendingInput() { throw TransportError.startTLSInjection(bytes: nil) }
        }
        let stream = try TLSStream(context: context, socket: socket, serverName: serverName)
        try stream.handshake(deadline: deadline, holdingFinalFlight: true)
        tls = stream
        tlsInfo = stream.sessionInfo
    }

    /// Starts TLS as a server (SMTPKitServer).
    package func acceptTLS(context: TLSContext, deadline: Deadline) throws(TransportError) {
        let stream = try TLSStream(context: context, socket: socket, serverName: nil)
        try stream.handshake(deadline: deadline)
        tls = stream
        tlsInfo = stream.sessionInfo
    }

    /// Reads what is available into `buffer`; 0 means the peer closed the connection.
    package func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(TransportError) -> Int {
        if let tls { return try tls.read(into: buffer, deadline: deadline) }
        return try socket.read(into: buffer, deadline: deadline)
    }

    /// Sends all of `bytes` in as few system calls as the kernel allows.
    package func write(_ bytes: [UInt8], deadline: Deadline) throws(TransportError) {
        let tls = self.tls
        let socket = self.socket
        try bytes.withUnsafeBytes { raw in
            Result { () throws(TransportError) in
                if let tls { try tls.write(raw, deadline: deadline) } else { try socket.write(raw, deadline: deadline) }
            }
        }.get()
    }

    /// Ends TLS politely (close_notify, best effort, unless `notifyingPeer` is false) and closes the socket.
    package func close(deadline: Deadline = .after(seconds: 2), notifyingPeer: Bool = true) {
        if notifyingPeer { tls?.close(deadline: deadline) }
        socket.close()
    }

    /// Wakes any thread blocked on this connection; used for task cancellation.
    package func cancel() { socket.shutdown() }
}
