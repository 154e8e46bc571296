import Foundation
import SMTPKit

/// A small SMTP server on `127.0.0.1` for tests and `smtpkit demo`.
///
/// It speaks enough RFC 5321 to receive mail from a real client: EHLO/HELO, STARTTLS
/// (RFC 3207) or implicit TLS with a certificate made at start, AUTH PLAIN and LOGIN against
/// a user table (RFC 4954), PIPELINING (RFC 2920), SIZE, and it records every message and
/// every line it received. ``ServerConfiguration/faults`` script it to misbehave.
/// Each connection is served on a thread of its own; the server is safe to query from any thread.
public final class SMTPServer: @unchecked Sendable {
    /// The configuration it was started with.
    public let configuration: ServerConfiguration
    /// The CA that signed the server's certificate, PEM: give it to the client as its CA file.
    public let caCertificatePEM: String?
    /// The port it listens on.
    public let port: Int

    let tlsContext: TLSContext?
    private let listener: Listener
    private let lock = NSLock()
    private var stopped = false
    private var receivedMessages: [ReceivedMessage] = []
    private var sessionRecords: [SessionRecord] = []
    private var liveConnections: [ObjectIdentifier: Connection] = [:]
    private let finished = DispatchGroup()

    /// Makes the certificate if TLS is offered, binds `127.0.0.1:port` (0 = a free port)
    /// and starts accepting.
    public init(configuration: ServerConfiguration = ServerConfiguration(), port: Int = 0) throws {
        self.configuration = configuration
        if configuration.tls == .none && configuration.identity == nil {
            tlsContext = nil
            caCertificatePEM = nil
        } else if let identity = configuration.identity {
            tlsContext = try TLSContext.server(certificatePEM: identity.certificatePEM, privateKeyPEM: identity.privateKeyPEM)
            caCertificatePEM = nil
        } else {
            let authority = try TestCertificateAuthority()
            let identity = try authority.issue()
            tlsContext = try TLSContext.server(certificatePEM: identity.certificatePEM, privateKeyPEM: identity.privateKeyPEM)
            caCertificatePEM = authority.certificatePEM
        }
        listener = try Listener(port: port)
        self.port = listener.port
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "SMTPServer accept \(self.port)"
        finished.enter()
        thread.start()
    }

    deinit { stop() }

    /// Messages accepted so far, in order.
    public var messages: [ReceivedMessage] { lock.withLock { receivedMessages } }
    /// Finished sessions so far, in the order they ended.
    public var sessions: [SessionRecord] { lock.withLock { sessionRecords } }

    /// Stops accepting, closes every open connection, and waits (briefly) for the threads to end.
    public func stop() {
        let connections: [Connection] = lock.withLock {
            stopped = true
            return Array(liveConnections.values)
        }
        listener.close()
        connections.forEach { $0.cancel() }
        _ = finished.wait(timeout: .now() + 5)
    }

    /// Waits until `count` sessions have ended (or `timeout` seconds pass); returns the records.
    @discardableResult
    public func waitForSessions(_ count: Int, timeout: Double = 10) -> [SessionRecord] {
        let deadline = Deadline.after(seconds: timeout)
        while sessions.count < count && !deadline.hasPassed { usleep(5_000) }
        return sessions
    }

    var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        defer { finished.leave() }
        while let socket = listener.accept(until: { isStopped }) {
            let connection = Connection(socket: socket)
            let key = ObjectIdentifier(connection)
            lock.withLock { liveConnections[key] = connection }
            finished.enter()
            let thread = Thread { [self] in
                defer { finished.leave() }
                let record = ServerSession(server: self, connection: connection).run()
                TLSLibrary.finishThread()
                lock.withLock {
                    liveConnections[key] = nil
                    sessionRecords.append(record)
                }
            }
            thread.name = "SMTPServer session"
            thread.start()
        }
    }

    func record(_ message: ReceivedMessage) {
        lock.withLock { receivedMessages.append(message) }
    }
}
