import ArgumentParser
import Foundation
import SMTPKit

/// `smtpkit`: send mail over SMTP, probe servers, manage profiles.
@main
struct SMTPKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smtpkit",
        abstract: "Send e-mail over SMTP: campus relays, Microsoft 365, Gmail, any submission server.",
        discussion: """
            Exit codes (sysexits): 0 sent; 64 usage; 65 rejected by the server (5xx); 66 input file unreadable; \
            68 host not found; 69 service unavailable (TLS or AUTH not offered, certificate rejected); \
            75 temporary failure (4xx, network, timeout, delivery status unknown); 76 protocol error; \
            77 authentication failed; 78 configuration error.
            """,
        version: "0.1.0",
        subcommands: [Send.self, Probe.self, Profiles.self, Demo.self]
    )
}

extension TLSMode: ExpressibleByArgument {}
extension AuthChoice: ExpressibleByArgument {}
