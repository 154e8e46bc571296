import Logging

extension SMTPSession {
    /// Greeting, EHLO, and TLS when the mode asks for it or STARTTLS is offered; no AUTH.
    ///
    /// A mode of the session (``Purpose/probe``), not another configuration: implicit TLS
    /// starts as configured; with STARTTLS (or no mode) the upgrade is tried after the first
    /// EHLO when offered, and a failure is reported in ``ServerInfo/tlsFailure`` instead of
    /// thrown, so the capabilities seen before it are still shown. `none` never tries TLS.
    static func probe(_ configuration: SMTPClientConfiguration, transcript: TranscriptHandler?, logger: Logger,
                      cancellation: CancellationHook?) throws -> ServerInfo {
        let session = try open(configuration, purpose: .probe, transcript: transcript, logger: logger, cancellation: cancellation)
        defer { session.quit() }
        let before = session.capabilities
        var after: Capabilities?
        var failure: (any Error)?
        if configuration.tlsMode == .startTLS && !session.connection.isEncrypted {
            if before.startTLS {
                do {
                    try session.upgradeWithStartTLS()
                    after = session.capabilities
                } catch {
                    failure = error
                }
            } else {
                failure = SMTPError.startTLSNotOffered(session.serverName)
            }
        }
        return ServerInfo(server: session.connection.peerDescription, greeting: session.greeting!,
                          supportsEHLO: session.usedEHLO, capabilitiesBeforeTLS: before,
                          capabilitiesAfterTLS: after, tls: session.connection.tlsInfo,
                          tlsFailure: failure.map { "\($0)" }, tlsError: failure)
    }
}
