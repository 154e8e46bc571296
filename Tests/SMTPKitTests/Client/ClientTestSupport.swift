import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// The common fixture of the ring-2 tests (DESIGN.md, Tests): the real ``SMTPClient`` against an
/// in-process ``SMTPServer`` on `127.0.0.1` (port 0, so parallel tests never clash), with a
/// client configuration that trusts the server's throw-away test CA.
enum ClientFixture {
    /// The one account every server knows.
    static let user = "alice@example.org"
    /// Distinctive enough that finding it (or its base64) anywhere in a transcript is a leak.
    static let password = "Correct-Horse-7-Battery"
    static let credentials = Credentials(user: user, secret: password)
    /// The name the client gives in EHLO, so tests can check what the server recorded.
    static let heloName = "client.example.org"
    /// A fixed instant, so two renderings of a message are byte-identical.
    static let date = Date(timeIntervalSince1970: 1_700_000_000)

    /// Starts a server with the defaults (STARTTLS offered, PIPELINING, 8BITMIME, SIZE, the
    /// user above), adjusted by `configure`. Stop it with `defer { server.stop() }`.
    static func startServer(_ configure: (inout ServerConfiguration) throws -> Void = { _ in }) throws -> SMTPServer {
        var configuration = ServerConfiguration()
        configuration.users = [user: password]
        // Long enough for a held connection whose task waits for a thread of a busy pool between
        // sends (Swift Testing runs many CPU-bound tests at once on a 2-core machine).
        configuration.idleTimeout = 120
        try configure(&configuration)
        return try SMTPServer(configuration: configuration)
    }

    /// A client configuration for `server`: host 127.0.0.1, its port, its CA trusted.
    static func configuration(
        for server: SMTPServer,
        tlsMode: TLSMode,
        credentials: Credentials? = nil,
        auth: AuthChoice = .auto,
        timeouts: SMTPTimeouts = .uniform(10)
    ) -> SMTPClientConfiguration {
        SMTPClientConfiguration(
            host: "127.0.0.1", port: server.port, tlsMode: tlsMode,
            tls: TLSConfiguration(caCertificatesPEM: server.caCertificatePEM),
            credentials: credentials.map(CredentialProvider.init), auth: auth, heloName: heloName, timeouts: timeouts)
    }

    /// A message with a fixed date and Message-ID: `render(allow8Bit:)` gives the exact bytes sent.
    static func message(
        to: [String] = ["bob@example.net"],
        cc: [String] = [],
        bcc: [String] = [],
        subject: String = "Hi",
        body: String = "I love computer networks!\n"
    ) throws -> Message {
        var message = Message(
            from: try Mailbox("Alice <\(user)>"),
            to: try to.map { try Mailbox($0) },
            cc: try cc.map { try Mailbox($0) },
            bcc: try bcc.map { try Mailbox($0) },
            subject: subject, body: body, date: date)
        message.timeZone = TimeZone(identifier: "UTC")!
        message.messageID = "<ring2-test@example.org>"
        return message
    }

    /// Stops the server (waiting for its session threads) and returns every finished session.
    /// After this the records are final, so "the server never saw X" can be asserted.
    static func finishedSessions(_ server: SMTPServer) -> [SessionRecord] {
        server.stop()
        return server.sessions
    }

    /// Every line the server received, over all sessions.
    static func allLines(_ server: SMTPServer) -> [String] {
        finishedSessions(server).flatMap(\.lines)
    }

    /// True when a command line starting with `verb` (case-insensitive) reached the server.
    static func sawCommand(_ verb: String, in lines: [String]) -> Bool {
        lines.contains { $0.uppercased().hasPrefix(verb.uppercased()) }
    }

    /// A port on 127.0.0.1 where nothing listens: a server is started, its port noted, the
    /// server stopped and released (its listening socket closes when it goes away).
    static func deadPort() throws -> Int {
        weak var released: SMTPServer?
        let port: Int = try {
            let server = try startServer { $0.tls = .none }
            released = server
            server.stop()
            return server.port
        }()
        for _ in 0..<500 where released != nil { usleep(10_000) }
        return port
    }
}

/// Collects transcript entries from the session's I/O thread.
final class TranscriptRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [TranscriptEntry] = []

    var handler: TranscriptHandler {
        { [self] entry in lock.withLock { stored.append(entry) } }
    }

    var entries: [TranscriptEntry] { lock.withLock { stored } }
}

/// Byte helpers written for the tests, sharing no code with the DATA encoder.
enum Bytes {
    /// `bytes` as SMTP carries them (RFC 5321 §2.3.8): CRLF stays, a bare CR and a bare LF each
    /// become CRLF, and an unterminated last line gets a CRLF.
    static func crlfNormalised(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 13 {
                out += [13, 10]
                if index + 1 < bytes.count, bytes[index + 1] == 10 { index += 1 }
            } else if byte == 10 {
                out += [13, 10]
            } else {
                out.append(byte)
            }
            index += 1
        }
        if !out.isEmpty, out.suffix(2) != [13, 10] { out += [13, 10] }
        return out
    }

    /// True when `needle` occurs in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<start + needle.count]) == needle { return true }
        }
        return false
    }

    /// The number of times `needle` occurs in `haystack` (overlaps not counted).
    static func count(_ needle: [UInt8], in haystack: [UInt8]) -> Int {
        var found = 0
        var start = 0
        while start + needle.count <= haystack.count {
            if Array(haystack[start..<start + needle.count]) == needle {
                found += 1
                start += needle.count
            } else {
                start += 1
            }
        }
        return found
    }

    static func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }
}
