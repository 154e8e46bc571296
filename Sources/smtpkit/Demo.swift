import ArgumentParser
import Foundation
import SMTPKit
import SMTPKitServer

/// `smtpkit demo`: the whole client path against a built-in server on 127.0.0.1, offline.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send \"I love computer networks!\" through a built-in local server and show the dialogue.",
        discussion: """
            Starts SMTPKit's own server on 127.0.0.1 (a free port) with STARTTLS (a test CA and certificate made \
            now), AUTH PLAIN/LOGIN and PIPELINING; sends one message through the full client path with the \
            transcript on; then prints what the server received. Needs no network.
            """)

    @Option(help: "The body to send.")
    var body = "I love computer networks!"

    @Flag(help: "Hide the transcript; print only what the server received.")
    var quiet = false

    func run() async throws {
        var settings = ServerConfiguration()
        settings.hostname = "demo.smtpkit.test"
        let password = (0..<4).map { _ in String(UInt32.random(in: 0...UInt32.max), radix: 36) }.joined()
        settings.users = ["student@smtpkit.test": password]
        settings.requireAuthentication = true
        let server = try SMTPServer(configuration: settings)
        defer { server.stop() }
        Terminal.out("=== SMTPKit demo: server listening on 127.0.0.1:\(server.port) (STARTTLS, AUTH PLAIN LOGIN, PIPELINING)")

        // The same path as `send --profile`: a profile layer, resolved by the library.
        let profile = Profile(host: "127.0.0.1", port: server.port, tls: .startTLS, user: "student@smtpkit.test", timeout: 20)
        var configuration = try SMTPClientConfiguration(resolving: profile, passwordPrompt: { _ in password })
        configuration.tls.caCertificatesPEM = server.caCertificatePEM
        let transcript = quiet ? nil : Terminal.transcript(toStandardOutput: true)
        let client = SMTPClient(configuration: configuration, transcript: transcript)
        let message = Message(
            from: try Mailbox("Student <student@smtpkit.test>"),
            to: [try Mailbox("Teacher <teacher@smtpkit.test>")],
            subject: "SMTPKit demo", body: body + "\n")
        let report = try await client.send(message)

        Terminal.out("=== sent: \(report.finalReply)")
        guard let received = server.messages.last else {
            throw CLIError(code: ExitStatus.software, description: "the demo server recorded no message")
        }
        Terminal.out("=== the server received, over \(received.overTLS ? "TLS" : "plain TCP") from \(received.authenticatedUser ?? "nobody"):")
        Terminal.out("MAIL FROM:<\(received.mailFrom)> \(received.mailParameters.joined(separator: " "))")
        for recipient in received.recipients { Terminal.out("RCPT TO:<\(recipient)>") }
        Terminal.out(received.text.replacingOccurrences(of: "\r\n", with: "\n"), terminator: "")
    }
}
