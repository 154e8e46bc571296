extension SMTPSession {
    /// The most commands written at once in a pipeline group.
    static let pipelineGroupLimit = 100

    /// How much message data goes into one write (and one deadline, RFC 5321 §4.5.3.2.5).
    static let dataBlockSize = 64 * 1024

    /// One mail transaction: MAIL FROM, RCPT TO for each recipient, DATA, the message, the
    /// final dot (RFC 5321 §3.3). With PIPELINING (RFC 2920) MAIL, every RCPT and DATA go in
    /// one write and the replies are read in order.
    ///
    /// When some recipients are refused the default is to send nothing; with
    /// `allowPartialDelivery` the accepted ones get the message. A reply to the final dot
    /// that never comes is ``SMTPError/Kind/deliveryStatusUnknown``, never success.
    /// - Parameter isLast: no transaction follows on this connection, so hanging up to abandon
    ///   a DATA phase costs nothing and DATA may always be pipelined.
    func send(_ content: MessageContent, envelope: Envelope, isLast: Bool = false) throws -> DeliveryReport {
        guard !envelope.recipients.isEmpty else {
            throw SMTPProtocolError.invalidArgument(field: "recipients", reason: "the envelope has no recipient; give at least one")
        }
        try Self.check(envelope)
        // RFC 3461 §4 and RFC 5321 §4.1.2: a caller's parameters only with the extension offered.
        let wanted = envelope.mailParameters.compactMap(\.requiredExtension) + envelope.recipientParameters.compactMap(\.requiredExtension)
        if let missing = wanted.first(where: { !capabilities.supports($0) }) {
            throw SMTPError.extensionNotOffered(missing, server: serverName)
        }
        let needsSMTPUTF8 = capabilities.smtpUTF8 && (!envelope.isASCII || content.needsUTF8Headers)
        let addresses = try envelope.wireAddresses(smtpUTF8: needsSMTPUTF8)
        let source = try makeSource(content, smtpUTF8: needsSMTPUTF8)
        let parameters = try mailParameters(for: source, smtpUTF8: needsSMTPUTF8) + envelope.mailParameters
        let mail = Command.mail(from: addresses.sender, parameters: parameters)
        let rcpts = addresses.recipients.map { Command.rcpt(to: $0, parameters: envelope.recipientParameters) }
        for command in [mail] + rcpts { _ = try command.encoded() }  // validate all before sending any

        let mailReply: Reply
        var results: [RecipientResult] = []
        var dataReply: Reply?
        if capabilities.pipelining {
            // One write per group; groups are capped so that a huge recipient list cannot fill
            // both directions' buffers while neither side reads (RFC 2920 §3.1).
            // DATA joins the group unless a refusal could make it unwanted on a connection that
            // goes on: with several recipients and no partial delivery, one refused RCPT means
            // nothing may be sent, and after a 354 the only way out is to drop the connection
            // (RFC 5321 §4.1.1.4). There DATA waits for the RCPT replies — one round trip — and
            // the connection survives; for the last transaction, hanging up costs nothing.
            let pipelinesData = rcpts.count == 1 || configuration.allowPartialDelivery || isLast
            let commands = [mail] + rcpts + (pipelinesData ? [.data] : [])
            var replies: [Reply] = []
            for start in stride(from: 0, to: commands.count, by: Self.pipelineGroupLimit) {
                let group = Array(commands[start..<min(start + Self.pipelineGroupLimit, commands.count)])
                try send(group, timeout: timeouts.mail)
                for command in group {
                    let timeout = command == .data ? timeouts.dataInitiation : command == mail ? timeouts.mail : timeouts.rcpt
                    replies.append(try readReply(to: command.transcript, timeout: timeout))
                }
            }
            mailReply = replies[0]
            results = zip(addresses.recipients, replies[1...]).map { RecipientResult(address: $0, reply: $1) }
            dataReply = pipelinesData ? replies.last : nil
        } else {
            mailReply = try execute(mail, timeout: timeouts.mail)
            if mailReply.isPositive {
                for (address, command) in zip(addresses.recipients, rcpts) {
                    results.append(RecipientResult(address: address, reply: try execute(command, timeout: timeouts.rcpt)))
                }
            }
        }

        guard mailReply.isPositive else {
            try abandon(dataReply)
            throw SMTPError.rejected(mail.transcript, reply: mailReply)
        }
        let accepted = results.filter(\.isAccepted)
        if accepted.isEmpty || (accepted.count < results.count && !configuration.allowPartialDelivery) {
            try abandon(dataReply)
            throw SMTPError.recipientsRefused(results, sentNothing: true)
        }
        let go = try dataReply ?? execute(.data, timeout: timeouts.dataInitiation)
        guard go.code == 354 else {
            if !go.isTransient && !go.isPermanent { isBroken = true; throw SMTPError.unexpectedReply("DATA", reply: go) }
            try? resetTransaction()
            throw SMTPError.rejected("DATA", reply: go)
        }
        try stream(source)
        let final: Reply
        do {
            final = try readReply(to: "the end of the message data", timeout: timeouts.dataTermination)
        } catch {
            isBroken = true
            throw SMTPError.deliveryStatusUnknown("\(error)", underlying: error)
        }
        guard final.isPositive else {
            guard final.isTransient || final.isPermanent else {
                isBroken = true  // the server may think DATA is still going on
                throw SMTPError.unexpectedReply("the end of the message data", reply: final)
            }
            throw SMTPError.rejected("the message (final dot)", reply: final)
        }
        return DeliveryReport(recipients: results, finalReply: final, server: connection.peerDescription,
                              tls: connection.tlsInfo, authenticatedUser: authenticatedUser)
    }

    /// A caller's parameters that the session cannot send as given: SIZE, BODY and SMTPUTF8 are
    /// the session's own (it adds them from the content and the server's offer, RFC 1870, 6152,
    /// 6531), and ORCPT names one recipient (RFC 3461 §4.2), so it cannot go on every RCPT.
    static func check(_ envelope: Envelope) throws {
        for parameter in envelope.mailParameters {
            switch parameter {
            case .size, .body, .smtpUTF8:
                throw SMTPProtocolError.invalidArgument(
                    field: "MAIL parameter", reason: "is \(parameter.text), which the session adds itself from the message and the server's offer")
            default: continue
            }
        }
        let orcpt = envelope.recipientParameters.contains { if case .originalRecipient = $0 { true } else { false } }
        if orcpt && envelope.recipients.count > 1 {
            throw SMTPProtocolError.invalidArgument(
                field: "RCPT parameter", reason: "is ORCPT, which names one recipient, and the envelope has \(envelope.recipients.count)")
        }
    }

    /// MAIL FROM parameters: SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8 (RFC 6531) — each
    /// only when the server offers it; a message over the SIZE limit is refused here.
    private func mailParameters(for source: MessageDataSource, smtpUTF8: Bool) throws -> [MailParameter] {
        var parameters: [MailParameter] = []
        if let size = source.estimatedSize {
            if let limit = capabilities.sizeLimit, size > limit { throw SMTPError.messageTooLarge(size: size, limit: limit) }
            if capabilities.supportsSize { parameters.append(.size(size)) }
        }
        if source.bodyType == .eightBitMIME {
            // RFC 6152 §3: 8-bit data only to a server that said it takes it.
            guard capabilities.eightBitMIME else { throw SMTPError.eightBitNotSupported(serverName) }
            parameters.append(.body(.eightBitMIME))
        }
        if smtpUTF8 { parameters.append(.smtpUTF8) }
        return parameters
    }

    /// The bytes to send. A composed message is rendered for this server: 8-bit parts only
    /// with 8BITMIME (RFC 6152), UTF-8 headers only with SMTPUTF8 (RFC 6532), IDNA domains
    /// otherwise. Attachment files are opened here, before any MAIL is sent.
    private func makeSource(_ content: MessageContent, smtpUTF8: Bool) throws -> MessageDataSource {
        switch content {
        case .message(let message):
            do {
                return try message.makeDataSource(options: RenderOptions(allow8Bit: capabilities.eightBitMIME,
                                                                        allowUTF8Headers: smtpUTF8))
            } catch let error as MessageError where error.kind == .invalidAddress && !capabilities.smtpUTF8 {
                throw SMTPError.smtpUTF8Required(error.address ?? "?")
            }
        case .bytes(let bytes): return BytesDataSource(bytes)
        case .file(let path): return try RawMessageFile(path: path)
        case .source(let source): return source
        }
    }

    /// Leaves a transaction that will not be sent: after a 354 the only way out is to drop
    /// the connection (nothing is delivered without the final dot); otherwise RSET.
    private func abandon(_ dataReply: Reply?) throws {
        if dataReply?.code == 354 {
            note(.info, "aborting the DATA phase by closing the connection; nothing is delivered")
            abort()
        } else {
            try? resetTransaction()
        }
    }

    func resetTransaction() throws {
        guard !isBroken else { return }
        _ = try execute(.rset, timeout: timeouts.command)
    }

    /// Streams the message through the DATA encoder (CRLF line ends, dot-stuffing, final dot)
    /// in blocks; a failure to read the source aborts the connection so no truncated message
    /// can ever be accepted.
    private func stream(_ source: MessageDataSource) throws {
        var encoder = DataEncoder()
        var output: [UInt8] = []
        output.reserveCapacity(Self.dataBlockSize + Self.dataBlockSize / 8)
        var total = 0
        while true {
            let chunk: [UInt8]
            do {
                chunk = try source.read(maxLength: Self.dataBlockSize)
            } catch {
                abort()
                throw error
            }
            if chunk.isEmpty { break }
            total += chunk.count
            encoder.encode(chunk, into: &output)
            if output.count >= Self.dataBlockSize {
                try write(output, timeout: timeouts.dataBlock, operation: "the message data")
                output.removeAll(keepingCapacity: true)
            }
        }
        encoder.finish(into: &output)
        note(.client, "<message: \(total) octets>")
        note(.client, ".")
        try write(output, timeout: timeouts.dataBlock, operation: "the message data")
    }
}

extension MessageContent {
    /// Whether composing this content for a server with SMTPUTF8 puts UTF-8 in its headers
    /// (RFC 6532), so MAIL FROM must say `SMTPUTF8` even for an ASCII envelope.
    var needsUTF8Headers: Bool {
        if case .message(let message) = self { return message.requiresSMTPUTF8 }
        return false
    }
}
