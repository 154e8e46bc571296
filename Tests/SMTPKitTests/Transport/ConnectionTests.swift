import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// ``Connection`` and ``Socket`` against SMTPKitServer, below SMTP: connect, read within a
/// deadline, the STARTTLS injection rule (RFC 3207 §4.2), TLS handshakes, errors.
struct ConnectionTests {
    /// Reads until a CRLF arrives or the deadline passes.
    static func readLine(_ connection: Connection, deadline: Deadline = .after(seconds: 5)) throws -> String {
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !collected.suffix(2).elementsEqual([13, 10]) {
            let count = try buffer.withUnsafeMutableBytes { raw in
                try connection.read(into: raw, deadline: deadline)
            }
            if count == 0 { break }
            collected += buffer[0..<count]
        }
        return String(decoding: collected, as: UTF8.self)
    }

    @Test func plainConnectionReadsTheGreeting() throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }

        let connection = try Connection.open(host: "127.0.0.1", port: server.port, deadline: .after(seconds: 5))
        defer { connection.close() }

        #expect(!connection.isEncrypted)
        #expect(connection.peerDescription == "127.0.0.1:\(server.port)")
        #expect(connection.socket.localAddress == "127.0.0.1")
        #expect(try Self.readLine(connection) == "220 smtpkit.test ESMTP SMTPKitServer\r\n")
        try connection.write(Array("QUIT\r\n".utf8), deadline: .after(seconds: 5))
        #expect(try Self.readLine(connection) == "221 2.0.0 Bye\r\n")
    }

    @Test func readOnASilentServerTimesOut() throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.silence(at: .greeting)]
        }
        defer { server.stop() }
        let connection = try Connection.open(host: "127.0.0.1", port: server.port, deadline: .after(seconds: 5))
        defer { connection.close() }

        let error = try #require(throws: TransportError.self) {
            try Self.readLine(connection, deadline: .after(seconds: 0.3))
        }

        #expect(error.kind == .timedOut)
        #expect(error.isTransient)
    }

    @Test func closedPeerReadsAsEndOfStream() throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.drop(at: .greeting)]
        }
        defer { server.stop() }
        let connection = try Connection.open(host: "127.0.0.1", port: server.port, deadline: .after(seconds: 5))
        defer { connection.close() }

        #expect(try Self.readLine(connection) == "")
    }

    @Test func bytesWaitingBeforeTheHandshakeAbortIt() throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let connection = try Connection.open(host: "127.0.0.1", port: server.port, deadline: .after(seconds: 5))
        defer { connection.close() }
        let context = try TLSContext.client(TLSConfiguration(caCertificatesPEM: server.caCertificatePEM))

        let buffered = try #require(throws: TransportError.self) {
            try connection.startTLS(context: context, serverName: "127.0.0.1", bufferedBytes: 12, deadline: .after(seconds: 5))
        }
        #expect(buffered.kind == .startTLSInjection)
        #expect(buffered.description.contains("12 unexpected byte(s)"))

        // The greeting is still unread in the kernel: that counts as injected bytes too.
        let pending = Deadline.after(seconds: 60)  // generous: a loaded machine may be slow to greet
        while !connection.socket.hasPendingInput() && !pending.hasPassed { usleep(1000) }
        try #require(connection.socket.hasPendingInput(), "the server's greeting never arrived")
        let kernel = try #require(throws: TransportError.self) {
            try connection.startTLS(context: context, serverName: "127.0.0.1", bufferedBytes: 0, deadline: .after(seconds: 5))
        }
        #expect(kernel.kind == .startTLSInjection)
        #expect(!connection.isEncrypted)
    }

    @Test func implicitTLSHandshakeReportsTheSession() throws {
        let server = try ClientFixture.startServer { $0.tls = .implicit }
        defer { server.stop() }
        let connection = try Connection.open(host: "127.0.0.1", port: server.port, deadline: .after(seconds: 5))
        defer { connection.close() }
        let context = try TLSContext.client(TLSConfiguration(caCertificatesPEM: server.caCertificatePEM))

        try connection.startTLS(context: context, serverName: "127.0.0.1", bufferedBytes: nil, deadline: .after(seconds: 5))

        #expect(connection.isEncrypted)
        let info = try #require(connection.tlsInfo)
        #expect(info.protocolVersion.hasPrefix("TLSv1."))
        #expect(info.verified)
        #expect(info.description.contains("certificate verified"))
        #expect(info.certificate?.subjectAltNames.contains("IP:127.0.0.1") == true)
        #expect(info.certificate?.subjectAltNames.contains("IP:::1") == true)
        #expect(try Self.readLine(connection) == "220 smtpkit.test ESMTP SMTPKitServer\r\n")
    }

    @Test func tlsToAPlainServerNeverSucceeds() throws {
        // The server sends its plaintext greeting where a ServerHello should be. For implicit
        // TLS (bufferedBytes nil) there is no STARTTLS rule to apply: it is a handshake failure.
        // (What the *client* should report for implicit TLS is in TLSTests.)
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let connection = try Connection.open(host: "127.0.0.1", port: server.port, deadline: .after(seconds: 5))
        defer { connection.close() }
        let context = try TLSContext.client(.insecureSkipVerify)

        let error = try #require(throws: TransportError.self) {
            try connection.startTLS(context: context, serverName: "127.0.0.1", bufferedBytes: nil, deadline: .after(seconds: 3))
        }

        #expect(error.kind == .tlsHandshakeFailed)
        #expect(!connection.isEncrypted)
        #expect(connection.tlsInfo == nil)
    }

    @Test func connectToANameThatDoesNotResolve() throws {
        let error = try #require(throws: TransportError.self) {
            try Connection.open(host: "nonexistent.invalid", port: 25, deadline: .after(seconds: 5))
        }
        #expect(error.kind == .hostNotFound)
        #expect(error.description.contains("'nonexistent.invalid'"))
    }

    @Test func connectToAPortWithNothingListening() throws {
        let port = try ClientFixture.deadPort()
        let error = try #require(throws: TransportError.self) {
            try Connection.open(host: "127.0.0.1", port: port, deadline: .after(seconds: 5))
        }
        #expect(error.kind == .connectFailed)
        #expect(error.description.contains("127.0.0.1: Connection refused"))
        #expect(error.description.contains("is the server up"))
    }

    @Test func connectsByHostName() throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }

        let connection = try Connection.open(host: "localhost", port: server.port, deadline: .after(seconds: 5))
        defer { connection.close() }

        #expect(connection.socket.remoteAddress == "127.0.0.1")
        #expect(try Self.readLine(connection).hasPrefix("220 "))
    }

    @Test func cancelWakesABlockedReader() async throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.silence(at: .greeting)]
        }
        defer { server.stop() }
        let connection = try Connection.open(host: "127.0.0.1", port: server.port, deadline: .after(seconds: 5))
        defer { connection.close() }

        let reader = Task.detached { () -> Result<String, TransportError> in
            do { return .success(try Self.readLine(connection, deadline: .after(seconds: 30))) } catch let error as TransportError {
                return .failure(error)
            } catch {
                return .failure(.cancelled)
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        connection.cancel()
        let result = await reader.value

        // Either the shut-down socket reads as end of stream, or the read fails — never a timeout.
        switch result {
        case .success(let text): #expect(text == "")
        case .failure(let error): #expect(error.kind != .timedOut)
        }
    }

    @Test func transientKinds() {
        #expect(TransportError.timedOut("x", seconds: 1).isTransient)
        #expect(TransportError.connectionClosed("x").isTransient)
        #expect(!TransportError.certificateRejected("h", reason: "r").isTransient)
        #expect(!TransportError.startTLSInjection(bytes: 1).isTransient)
        #expect(!TransportError.hostNotFound("h", reason: "r").isTransient)
        #expect(TransportError.timedOut("waiting", seconds: 1.5).description.hasPrefix("timed out after 1.5 s waiting"))
        #expect(TransportError.timedOut("waiting", seconds: 2).description.hasPrefix("timed out after 2 s waiting"))
    }
}
