import Foundation
import SMTPKit

/// One client connection to an ``SMTPServer``: reads command lines, answers them, records
/// what arrived. Runs on its own thread; every read is bounded by the idle timeout.
final class ServerSession {
    let server: SMTPServer
    let connection: Connection
    var configuration: ServerConfiguration { server.configuration }
    var record = SessionRecord()

    private var buffer = LineBuffer(maxLineLength: 1 << 20)
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    private var readCount = 0
    private var lastGroupRead = -1
    private var occurrences: [ServerEvent: Int] = [:]

    var heloName: String?
    var isTLS = false
    var authenticatedUser: String?
    var transaction: Transaction?

    struct Transaction {
        var from: String
        var parameters: [String]
        var recipients: [String] = []
        /// BDAT chunks so far (RFC 3030).
        var chunks: [UInt8] = []
    }

    /// How a handler wants the session to go on.
    enum Next {
        /// The usual reply went out: the command takes effect.
        case proceed
        /// A scripted reply replaced the usual one: the command takes no effect.
        case faulted
        /// End the session.
        case close(String)
    }

    init(server: SMTPServer, connection: Connection) {
        self.server = server
        self.connection = connection
    }

    /// Serves the connection to its end and returns what happened.
    func run() -> SessionRecord {
        defer { connection.close(deadline: .after(seconds: 1), notifyingPeer: configuration.sendsCloseNotify) }
        do {
            if configuration.tls == .implicit, let context = server.tlsContext {
                try connection.acceptTLS(context: context, deadline: .after(seconds: configuration.idleTimeout))
                isTLS = true
                record.tlsVersion = connection.tlsInfo?.protocolVersion
            }
            if case .close(let why) = try answer(.greeting, "220 \(configuration.hostname) ESMTP SMTPKitServer") {
                record.ending = why
                return record
            }
            while let line = try nextLine() {
                if case .close(let why) = try handle(line) {
                    record.ending = why
                    return record
                }
            }
            record.ending = "closed"
        } catch let error as TransportError where error.kind == .timedOut {
            record.ending = "timeout"
        } catch {
            record.ending = "\(error)"
        }
        return record
    }

    /// The next line from the client, recorded with the read it arrived in; nil at end of stream.
    func nextLine(isData: Bool = false) throws -> [UInt8]? {
        while true {
            if let line = try buffer.nextLine() {
                if !isData { remember(line) }
                return line
            }
            let count = try scratch.withUnsafeMutableBytes { raw in
                Result { () throws(TransportError) in
                    try connection.read(into: raw, deadline: .after(seconds: configuration.idleTimeout))
                }
            }.get()
            if count == 0 || server.isStopped { return nil }
            readCount += 1
            if record.received.count < 64 << 20 { record.received += scratch[0..<count] }
            scratch.withUnsafeBytes { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    /// Exactly `count` octets of BDAT data (RFC 3030 §2), whatever they contain; nil when the
    /// client leaves first.
    func readOctets(_ count: Int) throws -> [UInt8]? {
        var data = buffer.take(upTo: count)
        while data.count < count {
            let got = try scratch.withUnsafeMutableBytes { raw in
                Result { () throws(TransportError) in
                    try connection.read(into: raw, deadline: .after(seconds: configuration.idleTimeout))
                }
            }.get()
            if got == 0 || server.isStopped { return nil }
            if record.received.count < 64 << 20 { record.received += scratch[0..<got] }
            scratch.withUnsafeBytes { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
            data += buffer.take(upTo: count - data.count)
        }
        return data
    }

    /// Whatever bytes arrive next, unparsed (for faults that play at the TLS layer).
    func readRaw() throws -> [UInt8] {
        let count = try scratch.withUnsafeMutableBytes { raw in
            Result { () throws(TransportError) in
                try connection.read(into: raw, deadline: .after(seconds: configuration.idleTimeout))
            }
        }.get()
        return Array(scratch[0..<count])
    }

    private func remember(_ line: [UInt8]) {
        let text = String(decoding: line, as: UTF8.self)
        record.lines.append(text)
        if lastGroupRead == readCount, !record.readGroups.isEmpty {
            record.readGroups[record.readGroups.count - 1].append(text)
        } else {
            record.readGroups.append([text])
            lastGroupRead = readCount
        }
    }

    /// Sends `reply` (lines joined with CRLF) for `event`, unless a fault says otherwise.
    func answer(_ event: ServerEvent, _ reply: String, extra: [UInt8] = []) throws -> Next {
        occurrences[event, default: 0] += 1
        let occurrence = occurrences[event] ?? 1
        let fault = configuration.faults.first { $0.event == event && $0.applies(at: occurrence) }?.base
        switch fault {
        case .reply(_, let lines)?:
            try write(Array(lines.map { $0 + "\r\n" }.joined().utf8))
            return .faulted
        case .silence?:
            holdSilently()
            return .close("silent")
        case .drop?:
            return .close("dropped")
        case .drip(_, let interval)?:
            for byte in Array((reply + "\r\n").utf8) {
                try write([byte])
                Thread.sleep(forTimeInterval: interval)
                if server.isStopped { return .close("stopped") }
            }
        case .closeNotifyInHandshake?, .replyDuringData?, .onOccurrence?:
            try write(Array((reply + "\r\n").utf8) + extra)
        case .injectAfterStartTLS(let bytes)?:
            try write(Array((reply + "\r\n" + bytes).utf8))
        case nil:
            try write(Array((reply + "\r\n").utf8) + extra)
        }
        return .proceed
    }

    func write(_ bytes: [UInt8]) throws {
        try connection.write(bytes, deadline: .after(seconds: configuration.idleTimeout))
    }

    /// Reads and drops whatever comes until the client leaves or the server stops.
    private func holdSilently() {
        while (try? nextLine()) != nil {}
    }

    /// Discards buffered input: after STARTTLS nothing sent in clear may count (RFC 3207 §4.2).
    func discardBufferedInput() { buffer.removeAll() }

    /// `250` text with the enhanced status code in front when the server offers them (RFC 2034 §4).
    func text(_ enhanced: String, _ words: String) -> String {
        configuration.enhancedStatusCodes ? "\(enhanced) \(words)" : words
    }
}
