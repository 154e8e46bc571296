import Testing
import SMTPKit

/// The README's "without a config file" example, as written there up to the send: it must
/// compile against the public API and mean what its comments say.
@Suite struct ReadmeExampleTests {
    @Test func theExplicitEnvelopeExampleBuildsWhatItSays() throws {
        let client = SMTPClient(configuration: SMTPClientConfiguration(
            host: "smtp.office365.com",                                 // port 587, required STARTTLS
            credentials: CredentialProvider(user: "me@example.org", source: .command("pass show office365"))))
        var message = Message(from: try Mailbox("Me <me@example.org>"),
                              to: [try Mailbox("you@example.org")],
                              subject: "Hi", body: "I love computer networks!")
        message.htmlBody = "<p>I <b>love</b> computer networks!</p>"
        message.attachments = [Attachment(path: "report.pdf")]
        var envelope = Envelope(for: message)
        envelope.recipientParameters = [.notify([.failure, .delay])]

        #expect(client.configuration.port == 587)
        #expect(client.configuration.tlsMode == .startTLS)
        #expect(client.configuration.credentials?.hasFetched == false, "the password command has not run")
        #expect(envelope.sender?.address == "me@example.org")
        #expect(envelope.recipients.map(\.address) == ["you@example.org"])
        #expect(envelope.recipientParameters.map(\.text) == ["NOTIFY=FAILURE,DELAY"])
    }
}
