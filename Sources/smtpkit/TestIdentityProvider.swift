import ArgumentParser
import Foundation
import SMTPKit
import SMTPKitServer

/// `smtpkit test-identity-provider` (hidden): SMTPKitServer's mock identity provider as a
/// process, for the interop stack, where a real mail server (Dovecot's `passdb oauth2`) checks
/// the tokens it issues. Prints its endpoints and the CA file, then serves until stopped.
struct TestIdentityProvider: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-identity-provider", abstract: "A mock OAuth2 identity provider on 127.0.0.1, for tests.",
        shouldDisplay: false)

    @Option(help: "Approve every login as this user.")
    var approve: String
    @Option(help: "Write the CA certificate of its HTTPS endpoints to this file.")
    var caFile: String

    func run() async throws {
        let provider = try MockIdentityProvider()
        provider.approveDevicesAs = approve
        try provider.caCertificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        Terminal.out("token_url=\(provider.tokenURL.absoluteString)")
        Terminal.out("device_url=\(provider.deviceURL.absoluteString)")
        Terminal.out("authorize_url=\(provider.authorizeURL.absoluteString)")
        Terminal.out("introspection_url=\(provider.introspectionURL.absoluteString)")
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}
