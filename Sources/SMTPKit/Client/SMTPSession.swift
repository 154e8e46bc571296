import Logging

/// The SMTP dialogue over one connection, synchronous and bounded by deadlines
/// (RFC 5321 §4.5.3.2). Blocking; it runs on its connection's I/O thread, never on the
/// cooperative pool (``SMTPConnection`` bridges it to `async`). It is `Sendable` only so
/// that the thread's work items can carry it: it is never used by two threads at once.
package final class SMTPSession: @unchecked Sendable {
    let configuration: SMTPClientConfiguration
    let connection: Connection
    let transcript: TranscriptHandler?
    let logger: Logger

    private var lines: LineBuffer
    private var parser = ReplyParser()
    private var scratch = [UInt8](repeating: 0, count: 16 * 1024)

    /// The TLS settings, made before connecting (a bad CA file fails before any byte is sent).
    var tlsContext: TLSContext?
    /// What the last EHLO said; `.none` after HELO or before any EHLO.
    package internal(set) var capabilities = Capabilities.empty
    /// The greeting's reply.
    package internal(set) var greeting: Reply?
    /// Whether the server took EHLO (false: HELO fallback).
    package internal(set) var usedEHLO = false
    /// What the session was opened for; a probe never needs TLS or AUTH to go on.
    var purpose = Purpose.send
    /// The last reply read.
    package internal(set) var lastReply: Reply?
    /// The user name the session authenticated as.
    package internal(set) var authenticatedUser: String?
    /// Set when the connection can no longer carry commands (aborted DATA, protocol breach,
    /// a 421 from the server, RFC 5321 §3.8).
    package internal(set) var isBroken = false
    /// A refused transaction is still open at the server: the next one starts with RSET,
    /// in the same write as its MAIL (RFC 2920 §3.1), rather than costing a round trip now.
    var needsReset = false
    /// QUIT went out with the last message (RFC 2920 §3.1) and the connection is closed.
    var hasQuit = false

    init(configuration: SMTPClientConfiguration, connection: Connection, transcript: TranscriptHandler?, logger: Logger) {
        self.configuration = configuration
        self.connection = connection
        self.transcript = transcript
        self.lines = LineBuffer(maxLineLength: 16_384)
        var logger = logger
        logger[metadataKey: "smtp.peer"] = "\(connection.peerDescription)"
        self.logger = logger
    }

    var timeouts: SMTPTimeouts { configuration.timeouts }
    var serverName: String { "\(configuration.host):\(configuration.port)" }

    /// Sends `commands` in one write (a pipeline group, RFC 2920 §3.1), each shown in the transcript.
    /// Every command is encoded (and validated) before anything is sent.
    func send(_ commands: [Command], timeout: Double) throws {
        var bytes: [UInt8] = []
        for command in commands { bytes += try command.encoded() }
        for command in commands {
            note(.client, command.transcript)
            logger.debug("send", metadata: ["smtp.command": "\(command.name)"])
        }
        try write(bytes, timeout: timeout, operation: commands.first?.name ?? "")
    }

    /// Sends `command` and reads its reply.
    func execute(_ command: Command, timeout: Double) throws -> Reply {
        try send([command], timeout: timeout)
        return try readReply(to: command.transcript, timeout: timeout)
    }

    /// Writes raw bytes (message data), bounded by `timeout`.
    ///
    /// A server that refuses in the middle (a 552 during DATA, a 421 to a pipelined group)
    /// often replies and closes at once, so the write fails: its reply, if it arrived, is
    /// the real outcome and is reported instead of the broken pipe.
    /// - Parameter salvaging: look for such a reply (off where the caller reads every reply it awaits).
    func write(_ bytes: [UInt8], timeout: Double, operation: String, salvaging: Bool = true) throws {
        do {
            try connection.write(bytes, deadline: .after(seconds: timeout))
        } catch let error where error.kind == .timedOut {
            isBroken = true
            throw TransportError.timedOut("sending \(operation)", seconds: timeout)
        } catch {
            isBroken = true
            if salvaging, let reply = salvageReply(), reply.isTransient || reply.isPermanent {
                throw SMTPError.rejected(operation, reply: reply)
            }
            throw error
        }
    }

    /// A reply the server sent before the connection broke, if one is already here.
    private func salvageReply() -> Reply? {
        try? readReply(to: "the interrupted command", timeout: 1)
    }

    /// Reads one whole reply, multi-line or not (RFC 5321 §4.2.1), within `timeout` seconds
    /// for all of it. `what` names the command for error messages.
    func readReply(to what: String, timeout: Double) throws -> Reply {
        let deadline = Deadline.after(seconds: timeout)
        do {
            while true {
                while let line = try lines.nextLine() {
                    if let reply = try parser.consume(line) {
                        show(reply)
                        lastReply = reply
                        // 421: the server is closing the connection (RFC 5321 §3.8, §4.2.2).
                        if reply.code == 421 { isBroken = true }
                        return reply
                    }
                }
                let count = try scratch.withUnsafeMutableBytes { raw in
                    Result { () throws(TransportError) in try connection.read(into: raw, deadline: deadline) }
                }.get()
                guard count > 0 else {
                    throw TransportError.connectionClosed("before replying to \(what)")
                }
                scratch.withUnsafeBytes { lines.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            }
        } catch let error as TransportError where error.kind == .timedOut {
            isBroken = true
            throw TransportError.timedOut("waiting for the reply to \(what)", seconds: timeout)
        } catch {
            isBroken = true
            throw error
        }
    }

    /// Bytes received but not yet consumed: must be 0 when STARTTLS begins (RFC 3207 §4.2).
    var bufferedByteCount: Int { lines.bufferedByteCount }

    /// Forgets every byte and half-parsed reply from before TLS (RFC 3207 §4.2).
    func resetInput() {
        lines.removeAll()
        parser = ReplyParser()
    }

    func note(_ direction: TranscriptEntry.Direction, _ text: String) {
        transcript?(TranscriptEntry(direction: direction, encrypted: connection.isEncrypted, text: text))
    }

    private func show(_ reply: Reply) {
        logger.trace("reply", metadata: ["smtp.reply.code": "\(reply.code)"])
        guard transcript != nil else { return }
        for (index, text) in reply.lines.enumerated() {
            let separator = index == reply.lines.count - 1 ? (text.isEmpty ? "" : " ") : "-"
            note(.server, "\(reply.code)\(separator)\(text)")
        }
    }

    /// Ends the session: QUIT, a short wait for 221 (whose absence is not an error), close.
    func quit() {
        if !isBroken && !hasQuit {
            _ = try? execute(.quit, timeout: timeouts.quit)
        }
        connection.close()
    }

    /// The next block of a message's data. A source that cannot be read aborts the
    /// connection, so no truncated message can ever be accepted.
    func read(_ source: MessageDataSource) throws -> [UInt8] {
        do {
            return try source.read(maxLength: Self.dataBlockSize)
        } catch {
            abort()
            throw error
        }
    }

    /// Drops the connection without QUIT: the only way to abandon a DATA phase
    /// (RFC 5321 §4.1.1.4: without the final dot nothing is delivered).
    func abort() {
        isBroken = true
        connection.close(deadline: .after(seconds: 0.5))
    }
}
