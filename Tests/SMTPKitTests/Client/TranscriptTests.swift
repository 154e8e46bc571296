import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// The transcript `-v` shows (swaks' `->` `<-` `~>` `<~`), already redacted: a password, its
/// base64 and the PLAIN blob's base64 never appear in it (DESIGN.md, security defaults).
struct TranscriptTests {
    /// Every form of the secret that must never be shown.
    static func secrets(user: String = ClientFixture.user, password: String = ClientFixture.password) -> [String] {
        [
            password,
            Data(password.utf8).base64EncodedString(),
            Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString(),
        ]
    }

    @Test func startTLSAndAuthPlainTranscript() async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let recorder = TranscriptRecorder()
        let client = SMTPClient(
            configuration: ClientFixture.configuration(for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials),
            transcript: recorder.handler)

        _ = try await client.send(try ClientFixture.message())

        let entries = recorder.entries
        let client_ = entries.filter { $0.direction == .client }
        let server_ = entries.filter { $0.direction == .server }
        #expect(entries.first?.direction == .info)
        #expect(entries.first?.text == "Trying 127.0.0.1:\(server.port)...")
        #expect(entries.contains(TranscriptEntry(direction: .client, encrypted: false, text: "EHLO \(ClientFixture.heloName)")))
        #expect(entries.contains(TranscriptEntry(direction: .client, encrypted: false, text: "STARTTLS")))
        #expect(entries.contains(TranscriptEntry(direction: .client, encrypted: true, text: "EHLO \(ClientFixture.heloName)")))
        #expect(entries.contains(TranscriptEntry(direction: .client, encrypted: true, text: "AUTH PLAIN ****")))
        #expect(server_.contains { $0.encrypted && $0.text.hasPrefix("235 ") })
        #expect(server_.contains { !$0.encrypted && $0.text.hasPrefix("220 ") && $0.text.contains("Ready to start TLS") })
        #expect(server_.first?.text == "220 smtpkit.test ESMTP SMTPKitServer")
        #expect(server_.contains { $0.text == "250-PIPELINING" })
        #expect(client_.contains { $0.text.hasPrefix("<message: ") && $0.text.hasSuffix(" octets>") })
        #expect(client_.contains { $0.text == "." })
        #expect(client_.last?.text == "QUIT")
        #expect(entries.contains { $0.direction == .info && $0.text.hasPrefix("TLS started: TLSv1.") })
        // Once encrypted, every line says so.
        let firstEncrypted = try #require(entries.firstIndex { $0.encrypted })
        #expect(entries[firstEncrypted...].allSatisfy { $0.encrypted })
        // swaks' format.
        #expect(TranscriptEntry(direction: .client, encrypted: true, text: "EHLO x").description == " ~> EHLO x")
        #expect(TranscriptEntry(direction: .client, encrypted: false, text: "EHLO x").description == " -> EHLO x")
        #expect(TranscriptEntry(direction: .server, encrypted: true, text: "250 ok").description == "<~  250 ok")
        #expect(TranscriptEntry(direction: .server, encrypted: false, text: "250 ok").description == "<-  250 ok")
        #expect(TranscriptEntry(direction: .info, encrypted: false, text: "note").description == "=== note")
        for secret in Self.secrets() {
            #expect(!entries.contains { $0.text.contains(secret) || $0.description.contains(secret) }, "leaked \(secret)")
        }
    }

    @Test func authLoginTranscriptMasksBothAnswers() async throws {
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let recorder = TranscriptRecorder()
        let client = SMTPClient(
            configuration: ClientFixture.configuration(
                for: server, tlsMode: .startTLS, credentials: ClientFixture.credentials, auth: .login),
            transcript: recorder.handler)

        _ = try await client.send(try ClientFixture.message())

        let entries = recorder.entries
        let authIndex = try #require(entries.firstIndex { $0.direction == .client && $0.text == "AUTH LOGIN" })
        let afterAuth = entries[authIndex...].filter { $0.direction == .client }.prefix(3).map(\.text)
        #expect(afterAuth == ["AUTH LOGIN", "****", "****"])
        #expect(entries.contains { $0.direction == .server && $0.text == "334 VXNlcm5hbWU6" })
        for secret in Self.secrets() {
            #expect(!entries.contains { $0.text.contains(secret) }, "leaked \(secret)")
        }
    }

    @Test func rejectedPasswordIsNotInTheTranscriptOrTheError() async throws {
        let wrong = "Wrong-Secret-99"
        let server = try ClientFixture.startServer()
        defer { server.stop() }
        let recorder = TranscriptRecorder()
        let client = SMTPClient(
            configuration: ClientFixture.configuration(
                for: server, tlsMode: .startTLS, credentials: Credentials(user: ClientFixture.user, secret: wrong)),
            transcript: recorder.handler)

        let error = try await #require(throws: AuthenticationError.self) {
            try await client.send(try ClientFixture.message())
        }

        #expect(recorder.entries.contains { $0.direction == .server && $0.text.hasPrefix("535 ") })
        for secret in Self.secrets(password: wrong) {
            #expect(!recorder.entries.contains { $0.text.contains(secret) }, "leaked \(secret)")
            #expect(!error.description.contains(secret))
        }
        #expect(!ClientFixture.credentials.description.contains(ClientFixture.password))
    }

    @Test func plainSessionTranscriptIsUnencrypted() async throws {
        let server = try ClientFixture.startServer { $0.tls = .none }
        defer { server.stop() }
        let recorder = TranscriptRecorder()
        let client = SMTPClient(
            configuration: ClientFixture.configuration(for: server, tlsMode: .plaintext), transcript: recorder.handler)

        _ = try await client.send(try ClientFixture.message(to: ["bob@example.net", "carol@example.net"]))

        let entries = recorder.entries
        #expect(entries.allSatisfy { !$0.encrypted })
        let clientLines = entries.filter { $0.direction == .client }.map(\.text)
        let mailIndex = try #require(clientLines.firstIndex { $0.hasPrefix("MAIL FROM:<\(ClientFixture.user)>") })
        #expect(Array(clientLines[(mailIndex + 1)...].prefix(3)) == [
            "RCPT TO:<bob@example.net>", "RCPT TO:<carol@example.net>", "DATA",
        ])
        #expect(entries.contains { $0.direction == .server && $0.text.hasPrefix("354 ") })
        #expect(entries.contains { $0.direction == .server && $0.text.hasPrefix("221 ") })
    }

    @Test func implicitTLSTranscriptIsEncryptedFromTheGreeting() async throws {
        let server = try ClientFixture.startServer { $0.tls = .implicit }
        defer { server.stop() }
        let recorder = TranscriptRecorder()
        let client = SMTPClient(
            configuration: ClientFixture.configuration(for: server, tlsMode: .implicit, credentials: ClientFixture.credentials),
            transcript: recorder.handler)

        _ = try await client.send(try ClientFixture.message())

        let dialogue = recorder.entries.filter { $0.direction != .info }
        #expect(!dialogue.isEmpty)
        #expect(dialogue.allSatisfy { $0.encrypted })
        #expect(recorder.entries.contains { $0.direction == .info && $0.text.hasPrefix("Certificate: ") })
    }
}
