import ArgumentParser
import SMTPKit

/// `smtpkit probe`: what a server offers, without logging in or sending (msmtp's --serverinfo).
struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Show a server's greeting, EHLO capabilities, and TLS version, cipher and certificate.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let loader = ProfileLoader(options: connection)
        var profile = try loader.profile()
        // Probing never logs in, so the login settings do not apply: a profile whose login
        // could not be used (plaintext, no password source) can still be probed.
        profile.user = nil
        profile.auth = .disabled
        let configuration = try loader.configuration(profile)
        if !configuration.tls.verifiesCertificate {
            Terminal.error("smtpkit: warning: --insecure-skip-verify: the server's certificate is not checked")
        }
        let client = SMTPClient(configuration: configuration, transcript: connection.verbose ? Terminal.transcript() : nil)
        let info = try await client.probe()
        Terminal.out(Self.render(info).joined(separator: "\n"))
        if let failure = info.tlsError, configuration.tlsMode != .plaintext {
            _ = Terminal.fail(failure)  // the error and the CLI's hint; a probe that could not set up TLS is 69
            throw ExitCode(ExitStatus.unavailable)
        }
    }

    static func render(_ info: ServerInfo) -> [String] {
        var lines = ["server:      \(info.server)", "greeting:    \(info.greeting)"]
        if !info.supportsEHLO { lines.append("EHLO:        not supported (HELO only)") }
        lines.append(contentsOf: capabilityLines(info.capabilitiesBeforeTLS, label: info.capabilitiesAfterTLS == nil ? "EHLO:" : "before TLS:"))
        if let tls = info.tls {
            lines.append("TLS:         \(tls)")
            if let certificate = tls.certificate {
                lines.append("certificate: \(certificate.subject)")
                lines.append("  issuer:    \(certificate.issuer)")
                lines.append("  valid:     \(certificate.notBefore) – \(certificate.notAfter)")
                if !certificate.subjectAltNames.isEmpty {
                    lines.append("  names:     \(certificate.subjectAltNames.joined(separator: ", "))")
                }
            }
        }
        if let after = info.capabilitiesAfterTLS {
            lines.append(contentsOf: capabilityLines(after, label: "after TLS:"))
        }
        if let failure = info.tlsFailure { lines.append("TLS failed:  \(failure)") }
        let auth = info.capabilities.authMechanisms
        lines.append("AUTH:        " + (auth.isEmpty ? "not offered" + (info.capabilitiesAfterTLS == nil && info.capabilitiesBeforeTLS.startTLS ? " before TLS" : "") : auth.joined(separator: " ")))
        return lines
    }

    private static func capabilityLines(_ capabilities: Capabilities, label: String) -> [String] {
        let keywords = capabilities.keywords.keys.sorted().map { key in
            ([key] + (capabilities.keywords[key] ?? [])).joined(separator: " ")
        }
        return [label.padding(toLength: 13, withPad: " ", startingAt: 0) + (keywords.isEmpty ? "(no extensions)" : keywords.joined(separator: ", "))]
    }
}
