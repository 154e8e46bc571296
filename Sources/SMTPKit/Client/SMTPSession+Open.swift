import Logging

extension SMTPSession {
    /// Connects and runs the session up to the point where mail can be sent:
    /// greeting → EHLO → [STARTTLS → EHLO] → [AUTH] (RFC 5321 §3.1, RFC 3207, RFC 4954).
    /// - Parameter register: receives the connection as soon as it exists, so a caller on
    ///   another thread can cancel it.
    static func open(
        _ configuration: SMTPClientConfiguration,
        tlsContext: TLSContext?,
        transcript: TranscriptHandler?,
        logger: Logger,
        authenticate: Bool = true,
        register: (Connection) -> Void = { _ in }
    ) throws -> SMTPSession {
        // Refuse before a byte is sent: a password must not travel in clear (RFC 4954 §4).
        if configuration.tlsMode == .plaintext && configuration.wantsAuthentication && !configuration.allowPlaintextAuth && authenticate {
            throw AuthenticationError.plaintextRefused
        }
        transcript?(TranscriptEntry(direction: .info, encrypted: false, text: "Trying \(configuration.host):\(configuration.port)..."))
        let connection = try Connection.open(host: configuration.host, port: configuration.port,
                                             deadline: .after(seconds: configuration.timeouts.connect))
        register(connection)
        let session = SMTPSession(configuration: configuration, connection: connection, transcript: transcript, logger: logger)
        session.note(.info, "Connected to \(connection.peerDescription)")
        do {
            if configuration.tlsMode == .implicit {
                try session.startImplicitTLS(context: tlsContext)
            }
            try session.readGreeting()
            try session.hello()
            if configuration.tlsMode == .startTLS {
                try session.upgradeWithStartTLS(context: tlsContext)
            }
            if authenticate && configuration.wantsAuthentication {
                try session.authenticate()
            }
            return session
        } catch {
            session.quit()
            throw error
        }
    }

    func readGreeting() throws {
        let reply = try readReply(to: "the connection (greeting)", timeout: timeouts.greeting)
        greeting = reply
        guard reply.code == 220 else {
            isBroken = true
            if reply.isTransient || reply.isPermanent { throw SMTPError.serviceUnavailable(serverName, reply: reply) }
            throw SMTPError.unexpectedReply("the connection (greeting)", reply: reply)
        }
    }

    /// EHLO, falling back to HELO when the server does not know EHLO (500/502) and nothing
    /// the user asked for needs an extension (RFC 5321 §3.2, §4.1.4).
    func hello() throws {
        let name = configuration.heloName ?? HeloName.default(for: connection)
        let reply = try execute(.ehlo(name), timeout: timeouts.command)
        if reply.code == 250 {
            capabilities = Capabilities(ehlo: reply)
            usedEHLO = true
            return
        }
        guard reply.code == 500 || reply.code == 502 else { throw Self.refusal("EHLO", reply) }
        if configuration.tlsMode == .startTLS || configuration.wantsAuthentication && !connection.isEncrypted {
            throw SMTPError.ehloRefusedWithTLSRequired(serverName, reply: reply)
        }
        if configuration.wantsAuthentication {
            throw AuthenticationError.notOffered(server: serverName)
        }
        let fallback = try execute(.helo(name), timeout: timeouts.command)
        guard fallback.code == 250 else { throw Self.refusal("HELO", fallback) }
        capabilities = .empty
        usedEHLO = false
    }

    /// A negative reply is a rejection; anything else where 250 belongs breaks the protocol
    /// (RFC 5321 §4.3.2).
    static func refusal(_ command: String, _ reply: Reply) -> SMTPError {
        reply.isTransient || reply.isPermanent
            ? SMTPError.rejected(command, reply: reply)
            : SMTPError.unexpectedReply(command, reply: reply)
    }

    /// STARTTLS, sent alone; on 220, TLS; then everything learnt before is forgotten and
    /// EHLO is sent again (RFC 3207 §4.2). Any refusal stops the session: never plaintext.
    func upgradeWithStartTLS(context: TLSContext?) throws {
        guard capabilities.startTLS else { throw SMTPError.startTLSNotOffered(serverName) }
        let reply = try execute(.startTLS, timeout: timeouts.command)
        guard reply.code == 220 else {
            isBroken = true
            throw SMTPError.startTLSRefused(reply: reply)
        }
        do {
            try startTLS(context: context, buffered: bufferedByteCount)
        } catch {
            isBroken = true
            throw error
        }
        resetInput()
        capabilities = .empty
        let again = try execute(.ehlo(configuration.heloName ?? HeloName.default(for: connection)), timeout: timeouts.command)
        guard again.code == 250 else { throw Self.refusal("EHLO", again) }
        capabilities = Capabilities(ehlo: again)
    }

    /// Implicit TLS (RFC 8314 §3.3): the handshake before any SMTP. A failure ends the
    /// session at once — nothing is ever sent in clear on a connection meant to be encrypted.
    func startImplicitTLS(context: TLSContext?) throws {
        do {
            try startTLS(context: context, buffered: nil)
        } catch let error as TransportError where error.kind == .tlsHandshakeFailed {
            isBroken = true
            throw error.adding(advice: "does port \(configuration.port) speak implicit TLS? If the server greets in clear, use --tls starttls (usually port 587) or --tls none")
        } catch {
            isBroken = true
            throw error
        }
    }

    /// The TLS handshake, bounded by the connect timeout, then a transcript note of what it gave.
    /// `buffered` is the count of unread bytes after a STARTTLS reply (nil for implicit TLS).
    func startTLS(context: TLSContext?, buffered: Int?) throws {
        let context = try context ?? TLSContext.client(configuration.tls)
        try connection.startTLS(context: context, serverName: configuration.host, bufferedBytes: buffered,
                                deadline: .after(seconds: timeouts.connect))
        if let info = connection.tlsInfo {
            note(.info, "TLS started: \(info)")
            if let certificate = info.certificate {
                note(.info, "Certificate: \(certificate.subject), issued by \(certificate.issuer), expires \(certificate.notAfter)")
            }
        }
    }
}
