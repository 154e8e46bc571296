extension SMTPSession {
    /// The most commands written at once in a pipeline group.
    static let pipelineGroupLimit = 100

    /// How much message data goes into one write (and one deadline, RFC 5321 §4.5.3.2.5).
    static let dataBlockSize = 64 * 1024

    /// One mail transaction: MAIL FROM, RCPT TO for each recipient, DATA or BDAT, the message
    /// (RFC 5321 §3.3), through the pipeline (``sendAll(from:quitAtEnd:mayAbandonLast:report:)``).
    ///
    /// When some recipients are refused the default is to send nothing; with
    /// `allowPartialDelivery` the accepted ones get the message. A reply to the final dot
    /// that never comes is ``SMTPError/Kind/deliveryStatusUnknown``, never success.
    /// - Parameter isLast: no transaction follows on this connection: QUIT goes with the end of
    ///   the data, and hanging up to abandon a DATA phase costs nothing, so DATA is always pipelined.
    func send(_ content: MessageContent, envelope: Envelope, isLast: Bool = false) throws -> DeliveryReport {
        var outcome: Result<DeliveryReport, any Error>?
        sendAll(from: SingleItemSource(OutgoingItem(content: content, envelope: envelope, tag: 0)),
                quitAtEnd: isLast, mayAbandonLast: isLast) { _, result, _ in outcome = result }
        guard let outcome else { throw SMTPError.connectionUnusable("the session ended before the message was sent") }
        return try outcome.get()
    }

    /// Checks `item` and makes everything its transaction sends — the MAIL and RCPT commands,
    /// encoded and validated, and the message's data source (attachment files are opened
    /// here) — before any byte of it goes out.
    func prepare(_ item: OutgoingItem) throws -> Transaction {
        let envelope = item.envelope, content = item.content
        guard !envelope.recipients.isEmpty else {
            throw SMTPProtocolError.invalidArgument(field: "recipients", reason: "the envelope has no recipient; give at least one")
        }
        try Self.check(envelope)
        if let cap = configuration.limits.recipientsPerMessage, envelope.recipients.count > cap {
            // Only an unsplit message gets here: splitting needs partial delivery allowed and
            // content that can be read again (RecipientSplit).
            let why = configuration.allowPartialDelivery
                ? "its content is a one-time stream, which cannot go in several transactions; pass it as a file, bytes or a Message"
                : "in several transactions some recipients could get it and others not; allow partial delivery (--allow-partial) to send it so"
            throw SMTPProtocolError.invalidArgument(
                field: "recipients", reason: "the envelope has \(envelope.recipients.count), more than the \(cap) the server takes in one transaction (max_recipients_per_message), and \(why)")
        }
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
        let recipients = addresses.recipients.map { ($0, Command.rcpt(to: $0, parameters: envelope.recipientParameters)) }
        for command in [mail] + recipients.map(\.1) { _ = try command.encoded() }  // validate all before sending any
        return Transaction(item: item, mail: mail, recipients: recipients, source: source, chunked: capabilities.chunking)
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
        switch source.bodyType {
        case .sevenBit: break
        case .eightBitMIME:
            // RFC 6152 §3: 8-bit data only to a server that said it takes it.
            guard capabilities.eightBitMIME else { throw SMTPError.eightBitNotSupported(serverName) }
            parameters.append(.body(.eightBitMIME))
        case .binaryMIME:
            // RFC 3030 §3: lines over 998 octets only as BINARYMIME, and that only with BDAT.
            guard capabilities.chunking, capabilities.supports("BINARYMIME") else {
                let line = (source as? OverlongLineReporting)?.firstOverlongLine
                throw MessageError.lineTooLong(line: line?.line ?? 0, length: line?.length ?? 0)
            }
            parameters.append(.body(.binaryMIME))
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

    /// RSET now (RFC 5321 §4.1.1.5), for a caller that wants a clean state at once.
    func resetTransaction() throws {
        guard !isBroken else { return }
        _ = try execute(.rset, timeout: timeouts.command)
        needsReset = false
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
