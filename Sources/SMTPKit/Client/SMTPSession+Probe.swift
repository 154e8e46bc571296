import Logging

extension SMTPSession {
    /// Greeting, EHLO, and TLS when the mode asks for it or STARTTLS is offered; no AUTH.
    static func probe(_ configuration: SMTPClientConfiguration, transcript: TranscriptHandler?, logger: Logger,
                      cancellation: CancellationHook?) throws -> ServerInfo {
        var plain = configuration
        if plain.tlsMode == .startTLS {
            plain.tlsMode = .plaintext  // decide on STARTTLS below, after EHLO
            plain.probesTLS = true
        }
        plain.credentials = nil
        let session = try open(plain, transcript: transcript, logger: logger, authenticate: false, cancellation: cancellation)
        defer { session.quit() }
        let before = session.capabilities
        var after: Capabilities?
        var failure: String?
        if configuration.tlsMode != .plaintext && before.startTLS && !session.connection.isEncrypted {
            do {
                try session.upgradeWithStartTLS()
                after = session.capabilities
            } catch {
                failure = "\(error)"
            }
        } else if configuration.tlsMode == .startTLS {
            failure = SMTPError.startTLSNotOffered(session.serverName).description
        }
        return ServerInfo(server: session.connection.peerDescription, greeting: session.greeting!,
                          supportsEHLO: session.usedEHLO, capabilitiesBeforeTLS: before,
                          capabilitiesAfterTLS: after, tls: session.connection.tlsInfo, tlsFailure: failure)
    }
}
