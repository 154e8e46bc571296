import ArgumentParser
import Foundation
import SMTPKit
import SMTPKitServer

/// `smtpkit demo`: the whole client path against a built-in server on 127.0.0.1, offline.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
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

    @Flag(help: "Log in with OAuth2 first (device code, approved by a built-in identity provider) and send with OAUTHBEARER.")
    var oauth = false

    func run() async throws {
        if oauth { return try await runOAuth() }
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

    /// The OAuth2 path, offline: a mock identity provider and the SMTP server trust one test CA;
    /// `auth login`'s device flow (the provider approves the code itself), the tokens stored in a
    /// temporary directory, then a send that authenticates with OAUTHBEARER.
    private func runOAuth() async throws {
        let authority = try TestCertificateAuthority()
        let identity = try MockIdentityProvider(authority: authority)
        defer { identity.stop() }
        identity.approveDevicesAs = "student@smtpkit.test"
        var settings = ServerConfiguration()
        settings.hostname = "demo.smtpkit.test"
        settings.identity = try authority.issue()
        settings.authMechanisms = ["OAUTHBEARER", "XOAUTH2"]
        settings.bearerTokenValidator = { [identity] in identity.user(forAccessToken: $0) }
        settings.requireAuthentication = true
        let server = try SMTPServer(configuration: settings)
        defer { server.stop() }
        let state = NSTemporaryDirectory() + "/smtpkit-demo-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        Terminal.out("=== SMTPKit OAuth2 demo: identity provider at \(identity.tokenURL.deletingLastPathComponent()), SMTP server on 127.0.0.1:\(server.port)")

        let profile = Profile(host: "127.0.0.1", port: server.port, tls: .startTLS, auth: .oauth2, user: "student@smtpkit.test",
                              timeout: 20, oauthProvider: .custom, oauthClientID: "smtpkit-demo",
                              oauthTokenURL: identity.tokenURL.absoluteString, oauthDeviceURL: identity.deviceURL.absoluteString,
                              name: "demo")
        let trust = TLSConfiguration(caCertificatesPEM: authority.certificatePEM)
        let login = try OAuthLogin(resolving: profile, environment: ["XDG_STATE_HOME": state], tls: trust)
        let tokens = try await BlockingIO.runOnce("smtpkit demo login") { _ in
            try login.loginWithDeviceCode(show: { Terminal.out("=== " + ($0.message ?? "enter \($0.userCode) at \($0.verificationURI)")) },
                                          sleep: { Thread.sleep(forTimeInterval: min($0, 0.2)) })
        }
        Terminal.out("=== logged in as \(tokens.user); tokens stored in \(login.store.path(for: login.storeKey)) (mode 0600)")

        var configuration = try SMTPClientConfiguration(resolving: profile, environment: ["XDG_STATE_HOME": state])
        configuration.tls = trust
        configuration.credentials = login.credentials  // the same login, trusting the demo CA for the token endpoint
        let client = SMTPClient(configuration: configuration, transcript: quiet ? nil : Terminal.transcript(toStandardOutput: true))
        let message = Message(from: try Mailbox("Student <student@smtpkit.test>"), to: [try Mailbox("Teacher <teacher@smtpkit.test>")],
                              subject: "SMTPKit OAuth2 demo", body: body + "\n")
        let report = try await client.send(message)
        Terminal.out("=== sent: \(report.finalReply)")
        Terminal.out("=== the server received it over TLS from \(server.messages.last?.authenticatedUser ?? "nobody") (OAUTHBEARER)")
    }
}
