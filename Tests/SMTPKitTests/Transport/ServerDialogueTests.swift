import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// SMTPKitServer itself, spoken to line by line over a raw ``Connection``: the ring-2 tests
/// trust what it records and how its scripted faults behave, so those are checked here.
struct ServerDialogueTests {
    /// A line-at-a-time SMTP dialogue without the client's logic.
    final class Dialogue {
        let connection: Connection
        private var buffer = LineBuffer()
        private var scratch = [UInt8](repeating: 0, count: 4096)

        init(port: Int) throws {
            connection = try Connection.open(host: "127.0.0.1", port: port, deadline: .after(seconds: 2))
        }

        deinit { connection.close() }

        /// The reply lines up to and including the last (`NNN text`).
        func reply() throws -> [String] {
            var lines: [String] = []
            let deadline = Deadline.after(seconds: 2)
            while true {
                while let line = try buffer.nextLine() {
                    let text = String(decoding: line, as: UTF8.self)
                    lines.append(text)
                    if text.count < 4 || text[text.index(text.startIndex, offsetBy: 3)] != "-" { return lines }
                }
                let count = try scratch.withUnsafeMutableBytes { try connection.read(into: $0, deadline: deadline) }
                if count == 0 { return lines }
                buffer.append(Array(scratch[0..<count]))
            }
        }

        /// Sends `line` and returns the last line of the reply.
        @discardableResult
        func command(_ line: String) throws -> String {
            try connection.write(Array((line + "\r\n").utf8), deadline: .after(seconds: 2))
            return try reply().last ?? ""
        }
    }

    @Test func refusingMAILByFaultOpensNoTransaction() throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.reply(to: .mail, lines: ["553 5.7.1 Sender rejected"])]
        }
        defer { server.stop() }
        let dialogue = try Dialogue(port: server.port)
        _ = try dialogue.reply()
        try dialogue.command("EHLO test.example")

        #expect(try dialogue.command("MAIL FROM:<a@x.test>") == "553 5.7.1 Sender rejected")
        // A server that refused MAIL has no transaction: RCPT must get 503 (RFC 5321 §4.1.4).
        #expect(try dialogue.command("RCPT TO:<b@x.test>").hasPrefix("503"))
    }

    @Test func refusingRCPTByFaultAddsNoRecipient() throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.reply(to: .rcpt, lines: ["550 5.1.1 User unknown"])]
        }
        defer { server.stop() }
        let dialogue = try Dialogue(port: server.port)
        _ = try dialogue.reply()
        try dialogue.command("EHLO test.example")
        try dialogue.command("MAIL FROM:<a@x.test>")

        #expect(try dialogue.command("RCPT TO:<b@x.test>") == "550 5.1.1 User unknown")
        #expect(try dialogue.command("DATA").hasPrefix("554"))  // no valid recipients
    }

    @Test func refusingDATAByFaultDoesNotEnterTheDataPhase() throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.faults = [.reply(to: .data, lines: ["451 4.3.0 Queue full"])]
        }
        defer { server.stop() }
        let dialogue = try Dialogue(port: server.port)
        _ = try dialogue.reply()
        try dialogue.command("EHLO test.example")
        try dialogue.command("MAIL FROM:<a@x.test>")
        try dialogue.command("RCPT TO:<b@x.test>")

        #expect(try dialogue.command("DATA") == "451 4.3.0 Queue full")
        #expect(try dialogue.command("RSET").hasPrefix("250"))
    }

    @Test func refusingAUTHByFaultLeavesTheClientUnauthenticated() throws {
        let server = try ClientFixture.startServer {
            $0.tls = .none
            $0.authRequiresTLS = false
            $0.requireAuthentication = true
            $0.faults = [.reply(to: .auth, lines: ["454 4.7.0 Temporary authentication failure"])]
        }
        defer { server.stop() }
        let dialogue = try Dialogue(port: server.port)
        _ = try dialogue.reply()
        try dialogue.command("EHLO test.example")
        let blob = Data(([0] + Array(ClientFixture.user.utf8) + [0] + Array(ClientFixture.password.utf8))).base64EncodedString()

        #expect(try dialogue.command("AUTH PLAIN \(blob)").hasPrefix("454"))
        #expect(try dialogue.command("MAIL FROM:<a@x.test>").hasPrefix("530"))
    }

    @Test func stopClosesTheListeningPort() throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        server.stop()

        // The server object is still alive; stop() alone must free the port.
        let error = #expect(throws: TransportError.self) {
            try Connection.open(host: "127.0.0.1", port: server.port, deadline: .after(seconds: 2))
        }
        #expect(error?.kind == .connectFailed)
        withExtendedLifetime(server) {}
    }

    @Test func commandsOutOfOrderAreRefused() throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let dialogue = try Dialogue(port: server.port)

        #expect(try dialogue.reply() == ["220 smtpkit.test ESMTP SMTPKitServer"])
        #expect(try dialogue.command("MAIL FROM:<a@x.test>").hasPrefix("503"))
        let ehlo = try dialogue.command("EHLO test.example")
        #expect(ehlo == "250 8BITMIME")
        #expect(try dialogue.command("RCPT TO:<b@x.test>").hasPrefix("503"))
        #expect(try dialogue.command("DATA").hasPrefix("503"))
        #expect(try dialogue.command("MAIL FROM:<a@x.test>").hasPrefix("250"))
        #expect(try dialogue.command("MAIL FROM:<a@x.test>").hasPrefix("503"))  // nested
        #expect(try dialogue.command("NOOP") == "250 2.0.0 Ok")
        #expect(try dialogue.command("FOO") == "500 5.5.2 Error: command not recognized")
        #expect(try dialogue.command("QUIT") == "221 2.0.0 Bye")
    }
}
