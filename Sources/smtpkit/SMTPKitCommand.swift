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
        subcommands: [Send.self, Merge.self, Probe.self, Profiles.self, Auth.self, Demo.self, TestIdentityProvider.self]
    )

    /// A reader that goes away (`smtpkit … | head`) must not kill us with SIGPIPE, least of
    /// all after a message was delivered: writes report EPIPE instead, and are dropped.
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        TLSLibrary.keepAliveUntilExit()
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)  // usage errors, --help, --version: ArgumentParser's own output
        }
        // Every error a subcommand throws is reported once, here, with its exit code.
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // ArgumentParser's own (help for a command group, ExitCode) it reports itself.
            let known = error is ExitCode || ExitStatus.code(for: error) != nil
            exit(withError: known ? Terminal.fail(error) : error)
        }
    }
}

extension TLSMode: ExpressibleByArgument {}
extension AuthChoice: ExpressibleByArgument {}
