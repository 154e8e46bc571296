import Logging

extension SMTPSession {
    /// What a session is opened for.
    enum Purpose {
        /// Sending mail: TLS as configured, then AUTH when there is a login.
        case send
        /// Looking at what the server offers: never AUTH, and STARTTLS is tried (not required)
        /// after the first EHLO, by ``probe(_:transcript:logger:cancellation:)``.
        case probe
    }

    /// Connects and runs the session up to the point where mail can be sent:
    /// greeting → EHLO → [STARTTLS → EHLO] → [AUTH] (RFC 5321 §3.1, RFC 3207, RFC 4954).
    /// Everything that can be checked locally (credentials policy, the TLS settings and CA
    /// file) is checked before connecting.
    /// - Parameter cancellation: receives each socket as soon as it exists, so a cancelled
    ///   task can shut it down from another thread.
    static func open(
        _ configuration: SMTPClientConfiguration,
        purpose: Purpose = .send,
        transcript: TranscriptHandler?,
        logger: Logger,
        cancellation: CancellationHook? = nil
    ) throws -> SMTPSession {
        let authenticate = purpose == .send && configuration.wantsAuthentication
        if authenticate {
            // Refuse before a byte is sent: a password must not travel in clear (RFC 4954 §4).
            try configuration.checkCredentialPolicy(encrypted: configuration.tlsMode != .plaintext)
            if let user = configuration.credentials?.user { try Self.validate(user: user) }
        }
        let tlsContext = configuration.tlsMode == .plaintext ? nil : try TLSContext.client(configuration.tls)
        transcript?(TranscriptEntry(direction: .info, encrypted: false, text: "Trying \(configuration.host):\(configuration.port)..."))
        let connection = try Connection.open(host: configuration.host, port: configuration.port,
                                             deadline: .after(seconds: configuration.timeouts.connect),
                                             watch: { cancellation?.watch($0) },
                                             isCancelled: { cancellation?.isCancelled ?? false })
        let session = SMTPSession(configuration: configuration, connection: connection, transcript: transcript, logger: logger)
        session.tlsContext = tlsContext
        session.purpose = purpose
        session.note(.info, "Connected to \(connection.peerDescription)")
        do {
            if configuration.tlsMode == .implicit {
                try session.startImplicitTLS()
            }
            try session.readGreeting()
            try session.hello()
            if configuration.tlsMode == .startTLS && purpose == .send {
                try session.upgradeWithStartTLS()
            }
            if authenticate {
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
        if purpose == .send {  // a probe reports a HELO-only server instead of refusing it
            if configuration.tlsMode == .startTLS || configuration.wantsAuthentication && !connection.isEncrypted {
                throw SMTPError.ehloRefusedWithTLSRequired(serverName, reply: reply)
            }
            if configuration.wantsAuthentication {
                throw AuthenticationError.notOffered(server: serverName)
            }
        }
        let fallback = try execute(.helo(name), timeout: timeouts.command)
        guard fallback.code == 250 else { throw Self.refusal("HELO", fallback) }
        capabilities = .empty
        usedEHLO = false
    }

    /// User names and secrets go inside SASL messages: NUL separates PLAIN's fields
    /// (RFC 4616 §2) and ^A XOAUTH2's, so neither may appear in them.
    static func validate(user: String, secret: String = "") throws {
        for (field, value) in [("user name", user), ("password", secret)] {
            if value.utf8.contains(where: { $0 == 0 || $0 == 1 || $0 == 10 || $0 == 13 }) {
                throw SMTPProtocolError.invalidArgument(field: field, reason: "contains a control character (NUL, ^A, CR or LF)")
            }
        }
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
    func upgradeWithStartTLS() throws {
        guard capabilities.startTLS else { throw SMTPError.startTLSNotOffered(serverName) }
        let reply = try execute(.startTLS, timeout: timeouts.command)
        guard reply.code == 220 else {
            isBroken = true
            throw SMTPError.startTLSRefused(reply: reply)
        }
        do {
            try startTLS(buffered: bufferedByteCount)
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
    func startImplicitTLS() throws {
        do {
            try startTLS(buffered: nil)
        } catch let error as TransportError where error.kind == .tlsHandshakeFailed {
            isBroken = true
            throw error.duringImplicitTLS(port: configuration.port)
        } catch {
            isBroken = true
            throw error
        }
    }

    /// The TLS handshake, bounded by the connect timeout, then a transcript note of what it gave.
    /// `buffered` is the count of unread bytes after a STARTTLS reply (nil for implicit TLS).
    func startTLS(buffered: Int?) throws {
        guard let context = tlsContext else { throw TransportError.tlsSetupFailed("TLS is off for this session") }
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
