extension SMTPSession {
    /// How one message of a pipeline ended: delivered, or the error that says why not.
    /// `connectionLost` is true when the connection failed under it (not a refusal of the
    /// message): a retryable outcome may then be tried again on another connection.
    typealias OutgoingReport = (_ item: OutgoingItem, _ outcome: Result<DeliveryReport, any Error>, _ connectionLost: Bool) -> Void

    /// A reply the pipeline waits for, in the order the commands went out (RFC 2920 §3.1).
    private enum Awaited {
        case reset, quit
        case mail(Transaction), rcpt(Transaction), data(Transaction), chunk(Transaction), end(Transaction)
    }

    /// The connection failed while the pipeline had commands in flight.
    private struct ConnectionLost: Error { let error: any Error }

    /// Sends every message `source` gives, one transaction each, back to back on this
    /// connection, and reports each through `report`, in order.
    ///
    /// With PIPELINING (RFC 2920) a message costs one round trip: the end of one message's data
    /// (the final dot) goes in the same write as the next message's MAIL, RCPTs and DATA, and
    /// the replies are matched in order. With CHUNKING (RFC 3030) a message of up to one block
    /// goes as MAIL, RCPTs and `BDAT n LAST` with its data in one write; a larger one in chunks
    /// of ``dataBlockSize`` as it is read, without dot-stuffing. A refused transaction is reset
    /// with an RSET that leads the next group. When `quitAtEnd` is set and the source runs dry,
    /// QUIT goes in the same write as the last end of data.
    ///
    /// A transaction stays all-or-nothing: with several recipients and no partial delivery,
    /// DATA or BDAT waits for the RCPT replies, since after a 354 the only way out is to drop
    /// the connection (RFC 5321 §4.1.1.4) — unless `mayAbandonLast` says that costs nothing.
    ///
    /// When the connection fails, every message in flight is reported (``SMTPError/Kind/deliveryStatusUnknown``
    /// when its end of data went out and no reply came) and the pipeline ends; messages the
    /// source still holds were never taken.
    func sendAll(from base: OutgoingSource, quitAtEnd: Bool, mayAbandonLast: Bool, report: OutgoingReport) {
        // A message with more recipients than the server takes goes as several transactions,
        // reported as one (RecipientSplit).
        let source = SplittingSource(base, cap: configuration.limits.recipientsPerMessage,
                                     allowsSplit: configuration.allowPartialDelivery)
        withoutActuallyEscaping(report) { report in
            let reportPart: OutgoingReport = { item, outcome, lost in
                guard let split = item.group else { return report(item, outcome, lost) }
                if let (combined, lostAll) = split.record(part: item.tag, outcome, lost: lost) { report(split.item, combined, lostAll) }
            }
            sendTransactions(from: source, quitAtEnd: quitAtEnd, mayAbandonLast: mayAbandonLast, report: reportPart)
            for (split, first) in source.cutShort {
                let (outcome, lost) = split.finishUnsent(from: first, cause: "the connection ended before their transaction")
                report(split.item, outcome, lost)
            }
        }
    }

    private func sendTransactions(from source: OutgoingSource, quitAtEnd: Bool, mayAbandonLast: Bool, report: OutgoingReport) {
        var pipeline = Pipeline(session: self, quitAtEnd: quitAtEnd)
        var cause: any Error = SMTPError.connectionUnusable("the server closed it (\(lastReply.map { "\($0)" } ?? "no reply"))")
        do {
            try pipeline.run(source, mayAbandonLast: mayAbandonLast, report: report)
        } catch {
            cause = (error as? ConnectionLost)?.error ?? error
            isBroken = true
        }
        // What is left was caught by a failed connection: what was answered is reported as
        // answered, the rest as lost — "status unknown" once its end of data went out.
        for transaction in pipeline.inFlight {
            if transaction.finalReply != nil {
                pipeline.finish(transaction, report)
            } else {
                pipeline.done(transaction, .failure(pipeline.lostOutcome(of: transaction, cause: cause)), report, connectionLost: true)
            }
        }
    }

    /// The state of one ``sendAll(from:quitAtEnd:mayAbandonLast:report:)``: the bytes not yet
    /// written, the replies not yet read, the messages not yet reported.
    private struct Pipeline {
        let session: SMTPSession
        let quitAtEnd: Bool
        var output: [UInt8] = []
        var awaited: [Awaited] = []
        /// Taken and not yet reported, oldest first.
        var inFlight: [Transaction] = []
        /// The last transaction failed: the next group starts with RSET (RFC 5321 §4.1.1.5).
        var needsReset: Bool {
            get { session.needsReset }
            nonmutating set { session.needsReset = newValue }
        }
        var quitQueued = false

        init(session: SMTPSession, quitAtEnd: Bool) {
            self.session = session
            self.quitAtEnd = quitAtEnd
        }

        var pipelining: Bool { session.capabilities.pipelining }
        var timeouts: SMTPTimeouts { session.timeouts }

        mutating func run(_ source: OutgoingSource, mayAbandonLast: Bool, report: OutgoingReport) throws {
            // The message whose end of data is in `output` or on the wire, its reply unread.
            var ending: Transaction?
            while !session.isBroken && !session.hasQuit {
                guard let item = source.next(wait: ending == nil) else {
                    guard let last = ending else { return }
                    if source.isExhausted { queueQuit() }
                    try settle()
                    finish(last, report)
                    ending = nil
                    continue
                }
                let transaction: Transaction
                var whole: [UInt8]?
                let allOrNothing = item.envelope.recipients.count > 1 && !session.configuration.allowPartialDelivery
                // Hanging up abandons a DATA phase before its dot, but BDAT … LAST carries the whole
                // message: with BDAT an all-or-nothing envelope always waits for its RCPT replies.
                let dataInGroup = pipelining && (!allOrNothing || (mayAbandonLast && source.isExhausted && !session.capabilities.chunking))
                do {
                    transaction = try session.prepare(item)
                    if transaction.chunked && dataInGroup { whole = try session.wholeChunk(of: transaction) }
                } catch {
                    report(item, .failure(error), false)
                    continue
                }
                inFlight.append(transaction)
                if try queueEnvelope(of: transaction) {
                    if let whole {
                        queue(.bdat(size: whole.count, last: true), data: whole, awaiting: .end(transaction))
                        session.note(.client, "<message: \(whole.count) octets>")
                        if source.isExhausted { queueQuit() }
                    } else if !transaction.chunked && dataInGroup {
                        queue(.data, awaiting: .data(transaction))
                    }
                }
                try settle()
                if let last = ending { finish(last, report); ending = nil }
                if transaction.endSent { finish(transaction, report); continue }
                if fail(transaction, report) { continue }
                if try !goAhead(with: transaction, report) { continue }
                if transaction.chunked {
                    try streamChunks(of: transaction)
                    if source.isExhausted { queueQuit() }
                    try settle()  // a failed chunk leaves the server's state unknown: no MAIL may follow unseen
                    finish(transaction, report)
                } else {
                    try streamData(of: transaction)
                    if pipelining {
                        ending = transaction
                    } else {
                        try settle()
                        finish(transaction, report)
                    }
                }
            }
        }

        // MARK: Writing

        /// Queues `command` (and the data that follows it, for BDAT) for the next write; without
        /// PIPELINING it goes out at once and its reply is read before anything else.
        mutating func queue(_ command: Command, data: [UInt8] = [], awaiting: Awaited) {
            // Commands were all encoded once in `prepare`, so this cannot fail for them.
            output += (try? command.encoded()) ?? []
            output += data
            awaited.append(awaiting)
            session.note(.client, command.transcript)
            session.logger.debug("send", metadata: ["smtp.command": "\(command.name)"])
        }

        /// QUIT after the last end of data, in the same write (RFC 2920 §3.1); without
        /// PIPELINING it waits for the connection's close.
        mutating func queueQuit() {
            guard quitAtEnd, pipelining, !quitQueued else { return }
            quitQueued = true
            queue(.quit, awaiting: .quit)
        }

        /// Queues RSET when due, MAIL FROM and every RCPT TO. Groups are capped at
        /// ``pipelineGroupLimit`` so a huge recipient list cannot fill both directions'
        /// buffers while neither side reads (RFC 2920 §3.1). False when, in lock-step, MAIL
        /// was refused and nothing more is sent.
        mutating func queueEnvelope(of transaction: Transaction) throws -> Bool {
            if needsReset {
                needsReset = false
                queue(.rset, awaiting: .reset)
                if !pipelining { try settle() }
            }
            queue(transaction.mail, awaiting: .mail(transaction))
            if !pipelining {
                try settle()
                guard transaction.mailReply?.isPositive == true else { return false }
            }
            for recipient in transaction.recipients {
                if awaited.count >= SMTPSession.pipelineGroupLimit { try settle() }
                queue(recipient.command, awaiting: .rcpt(transaction))
                if !pipelining { try settle() }
            }
            return true
        }

        /// Writes what is queued and reads every reply awaited, in order. A 421 or a lost
        /// connection ends the pipeline (``ConnectionLost``) after recording what did arrive.
        mutating func settle() throws {
            if !output.isEmpty {
                let ends = awaited.compactMap { if case .end(let t) = $0 { t } else { nil } }
                let bytes = output
                output.removeAll(keepingCapacity: true)
                // An end of data counts as sent from the moment its write starts: a write that
                // fails part-way may have carried it (the kernel took the dot, then the peer
                // reset), so a lost reply is "status unknown", never a reason to send it again.
                for transaction in ends { transaction.endSent = true }
                do {
                    try session.write(bytes, timeout: ends.isEmpty ? timeouts.mail : timeouts.dataBlock,
                                      operation: ends.isEmpty ? "the commands" : "the message data", salvaging: false)
                } catch {
                    collectArrivedReplies()
                    throw ConnectionLost(error: error)
                }
            }
            let replies = awaited
            awaited.removeAll()
            for expected in replies {
                let reply: Reply
                do {
                    reply = try session.readReply(to: describe(expected), timeout: timeout(for: expected))
                } catch {
                    if case .quit = expected { session.hasQuit = true; session.connection.close(); return }  // 221 or not, it is over
                    throw ConnectionLost(error: error)
                }
                record(reply, for: expected)
                if case .quit = expected { session.hasQuit = true; session.connection.close(); return }
                // 421: the server is closing (RFC 5321 §3.8); nothing after this reply will be
                // answered, and what it refused may go on another connection.
                if reply.code == 421 {
                    throw ConnectionLost(error: SMTPError.connectionUnusable("the server closed it (\(reply))"))
                }
            }
        }

        /// After a failed write: the replies the server sent before the connection broke (a 250
        /// to an end of data that went out, a refusal), read in order while they are there.
        mutating func collectArrivedReplies() {
            let replies = awaited
            awaited.removeAll()
            for expected in replies {
                guard let reply = try? session.readReply(to: describe(expected), timeout: 1) else { return }
                record(reply, for: expected)
            }
        }

        private func record(_ reply: Reply, for expected: Awaited) {
            switch expected {
            case .reset, .quit: break
            case .mail(let t): t.mailReply = reply
            case .rcpt(let t): t.recipientReplies.append(reply)
            case .data(let t): t.dataReply = reply
            case .chunk(let t): if t.dataReply == nil && !reply.isPositive { t.dataReply = reply }
            case .end(let t): t.finalReply = reply
            }
        }

        private func describe(_ expected: Awaited) -> String {
            switch expected {
            case .reset: Command.rset.transcript
            case .quit: Command.quit.transcript
            case .mail(let t): t.mail.transcript
            case .rcpt(let t): t.recipients[min(t.recipientReplies.count, t.recipients.count - 1)].command.transcript
            case .data: Command.data.transcript
            case .chunk: "BDAT"
            case .end(let t): t.chunked ? "BDAT … LAST" : "the end of the message data"
            }
        }

        private func timeout(for expected: Awaited) -> Double {
            switch expected {
            case .reset: timeouts.command
            case .quit: timeouts.quit
            case .mail: timeouts.mail
            case .rcpt: timeouts.rcpt
            case .data: timeouts.dataInitiation
            case .chunk: timeouts.dataBlock
            case .end: timeouts.dataTermination
            }
        }

        // MARK: Deciding

        /// Reports `transaction` as failed when its envelope was refused, and leaves the
        /// transaction: RSET in the next group, or — after an unwanted 354 — a dropped
        /// connection (nothing is delivered without the final dot). True when it was reported.
        mutating func fail(_ transaction: Transaction, _ report: OutgoingReport) -> Bool {
            guard let failure = envelopeFailure(of: transaction) else { return false }
            if transaction.dataReply?.code == 354 {
                session.note(.info, "aborting the DATA phase by closing the connection; nothing is delivered")
                session.abort()
            } else {
                needsReset = true
            }
            done(transaction, .failure(failure), report)
            return true
        }

        /// What stops an envelope: MAIL refused, no recipient accepted, or some refused
        /// without partial delivery (RFC 5321 §3.3: the server takes the message for the
        /// recipients it accepted, so the client must not send it unless that is wanted).
        func envelopeFailure(of transaction: Transaction) -> (any Error)? {
            guard let mail = transaction.mailReply else { return nil }
            guard mail.isPositive else { return SMTPError.rejected(transaction.mail.transcript, reply: mail) }
            guard transaction.envelopeAnswered else { return nil }
            let results = transaction.recipientResults
            let accepted = results.filter(\.isAccepted).count
            if accepted == 0 || (accepted < results.count && !session.configuration.allowPartialDelivery) {
                return SMTPError.recipientsRefused(results, sentNothing: transaction.finalReply?.isPositive != true)
            }
            return nil
        }

        /// Gets DATA's 354 when it did not come in the group (RFC 5321 §4.1.1.4); a refusal is
        /// reported and the transaction reset. BDAT needs no go-ahead. False when reported.
        mutating func goAhead(with transaction: Transaction, _ report: OutgoingReport) throws -> Bool {
            guard !transaction.chunked else { return true }
            if transaction.dataReply == nil {
                queue(.data, awaiting: .data(transaction))
                try settle()
            }
            guard let go = transaction.dataReply, go.code != 354 else { return true }
            if !go.isTransient && !go.isPermanent {
                session.isBroken = true
                done(transaction, .failure(SMTPError.unexpectedReply("DATA", reply: go)), report)
                throw ConnectionLost(error: SMTPError.unexpectedReply("DATA", reply: go))
            }
            needsReset = true
            done(transaction, .failure(SMTPError.rejected("DATA", reply: go)), report)
            return false
        }

        /// Reports a transaction whose end-of-data reply has been read.
        mutating func finish(_ transaction: Transaction, _ report: OutgoingReport) {
            guard inFlight.contains(where: { $0 === transaction }) else { return }
            if let failure = envelopeFailure(of: transaction) {
                needsReset = true
                done(transaction, .failure(failure), report)
                return
            }
            guard let final = transaction.finalReply else {
                if let refusal = transaction.dataReply {  // a BDAT chunk refused in lock-step
                    needsReset = true
                    done(transaction, .failure(SMTPError.rejected("BDAT", reply: refusal)), report)
                }
                return
            }
            let what = transaction.chunked ? "the message (BDAT … LAST)" : "the message (final dot)"
            if final.isPositive {
                done(transaction, .success(DeliveryReport(
                    recipients: transaction.recipientResults, finalReply: final, server: session.connection.peerDescription,
                    tls: session.connection.tlsInfo, authenticatedUser: session.authenticatedUser)), report)
            } else if final.isTransient || final.isPermanent {
                if transaction.chunked { needsReset = true }  // RFC 3030 §3: the state after a failed BDAT is unknown
                // A 421 refuses the message and closes the connection: another one may take it.
                done(transaction, .failure(SMTPError.rejected(what, reply: final)), report, connectionLost: final.code == 421)
            } else {
                session.isBroken = true  // the server may think the data is still going on
                done(transaction, .failure(SMTPError.unexpectedReply(what, reply: final)), report)
            }
        }

        mutating func done(_ transaction: Transaction, _ outcome: Result<DeliveryReport, any Error>, _ report: OutgoingReport,
                           connectionLost: Bool = false) {
            inFlight.removeAll { $0 === transaction }
            report(transaction.item, outcome, connectionLost)
        }

        /// The outcome of a message caught in flight by a lost connection.
        func lostOutcome(of transaction: Transaction, cause: any Error) -> any Error {
            // A refused envelope delivers nothing, whatever data followed it.
            if let mail = transaction.mailReply, !mail.isPositive { return SMTPError.rejected(transaction.mail.transcript, reply: mail) }
            if transaction.envelopeAnswered, !transaction.recipientReplies.contains(where: \.isPositive) {
                return SMTPError.recipientsRefused(transaction.recipientResults, sentNothing: true)
            }
            if transaction.endSent { return SMTPError.deliveryStatusUnknown("\(cause)", underlying: cause) }
            if let mail = transaction.mailReply, !mail.isPositive { return SMTPError.rejected(transaction.mail.transcript, reply: mail) }
            return cause
        }

        // MARK: Data

        /// Streams the message after DATA's 354 through the DATA encoder (CRLF line ends,
        /// dot-stuffing) in blocks; the last block and the final dot stay queued, so the next
        /// transaction's commands (or QUIT) go in the same write (RFC 2920 §3.1).
        mutating func streamData(of transaction: Transaction) throws {
            var encoder = DataEncoder()
            var block: [UInt8] = []
            block.reserveCapacity(SMTPSession.dataBlockSize + SMTPSession.dataBlockSize / 8)
            var total = 0
            while true {
                let chunk = try session.read(transaction.source)
                if chunk.isEmpty { break }
                total += chunk.count
                encoder.encode(chunk, into: &block)
                if block.count >= SMTPSession.dataBlockSize {
                    try write(block, timeout: timeouts.dataBlock)
                    block.removeAll(keepingCapacity: true)
                }
            }
            encoder.finish(into: &block)
            session.note(.client, "<message: \(total) octets>")
            session.note(.client, ".")
            output += block
            awaited.append(.end(transaction))
        }

        /// Streams the message in BDAT chunks of up to one block each, read as they go; the
        /// last (`BDAT n LAST`) stays queued for the next write (RFC 3030 §2).
        mutating func streamChunks(of transaction: Transaction) throws {
            var encoder = DataEncoder(dotStuffing: false)
            var chunk: [UInt8] = []
            var total = 0
            var pending = transaction.lookahead
            transaction.lookahead = []
            func nextBlock() throws -> [UInt8] {
                pending.isEmpty ? try session.read(transaction.source) : pending.removeFirst()
            }
            var next = try nextBlock()
            while true {
                let current = next
                next = current.isEmpty ? [] : try nextBlock()
                total += current.count
                encoder.encode(current, into: &chunk)
                if next.isEmpty {
                    encoder.finish(into: &chunk)
                    session.note(.client, "<message: \(total) octets>")
                    queue(.bdat(size: chunk.count, last: true), data: chunk, awaiting: .end(transaction))
                    return
                }
                queue(.bdat(size: chunk.count, last: false), data: chunk, awaiting: .chunk(transaction))
                chunk.removeAll(keepingCapacity: true)
                if pipelining {
                    try write(output, timeout: timeouts.dataBlock)
                    output.removeAll(keepingCapacity: true)
                    // Read the chunks' replies now and then, so neither side's buffer fills
                    // (RFC 2920 §3.1); after a refusal no further chunk may go (RFC 3030 §4.2).
                    if awaited.count >= SMTPSession.pipelineGroupLimit {
                        try settle()
                        if transaction.dataReply != nil { return }
                    }
                } else {
                    // RFC 3030 §4.2: without PIPELINING each chunk waits for its reply; after a
                    // refusal no further chunk may be sent.
                    try settle()
                    if transaction.dataReply != nil { return }
                }
            }
        }

        private func write(_ bytes: [UInt8], timeout: Double) throws {
            do {
                try session.write(bytes, timeout: timeout, operation: "the message data")
            } catch {
                throw ConnectionLost(error: error)
            }
        }
    }

    /// The whole message as one BDAT chunk when it fits in one block (RFC 3030 §2: the
    /// size must be known before the data), so MAIL, RCPT and `BDAT n LAST` go in one write;
    /// nil for a larger message, whose chunks are sent as it is read. Reading the first block
    /// before MAIL also means a source that cannot be read fails before anything is sent.
    func wholeChunk(of transaction: Transaction) throws -> [UInt8]? {
        // Nothing of this transaction is on the wire yet: a source that cannot be read fails the
        // message alone and leaves the connection as it is.
        let first = try transaction.source.read(maxLength: Self.dataBlockSize)
        let second = first.isEmpty ? [] : try transaction.source.read(maxLength: Self.dataBlockSize)
        guard second.isEmpty else {
            transaction.lookahead = [first, second]
            return nil
        }
        var encoder = DataEncoder(dotStuffing: false)
        var chunk: [UInt8] = []
        encoder.encode(first, into: &chunk)
        encoder.finish(into: &chunk)
        return chunk
    }
}
