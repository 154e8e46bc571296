import Foundation
import SMTPKit

/// A TCP relay on `127.0.0.1` between a client and a server on `127.0.0.1:targetPort` that
/// counts the client's round trips: each time the client sends after the server has spoken
/// and the server answers, the client had waited for a reply. Pipelined commands (RFC 2920)
/// written together are one round trip; a client that waits for each reply takes one per
/// command. A last send that gets no answer (a TLS close_notify) is no round trip. With `delay`, each
/// chunk is held that long in each direction (a slow link for latency benchmarks).
///
/// It relays bytes as they are, TLS included, so it counts what a network would see.
public final class RoundTripProxy: @unchecked Sendable {
    /// The port clients connect to.
    public let port: Int

    private let targetPort: Int
    private let delay: Double
    private let listener: Listener
    private let lock = NSLock()
    private var stopped = false
    private var turns = 0
    private var lastFromClient: [ObjectIdentifier: Bool] = [:]
    private var awaitingAnswer: Set<ObjectIdentifier> = []

    /// Starts relaying to `127.0.0.1:targetPort`; `delay` seconds each way per chunk.
    public init(targetPort: Int, delay: Double = 0) throws {
        self.targetPort = targetPort
        self.delay = delay
        listener = try Listener(port: 0)
        port = listener.port
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "RoundTripProxy \(port)"
        thread.start()
    }

    deinit { stop() }

    /// The client's turns so far, over every connection.
    public var roundTrips: Int { lock.withLock { turns } }

    /// Stops accepting; relays in progress end when either side closes.
    public func stop() {
        lock.withLock { stopped = true }
        listener.close()
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        while let client = listener.accept(until: { isStopped }) {
            guard let server = try? Connection.open(host: "127.0.0.1", port: targetPort, deadline: .after(seconds: 5)) else {
                client.close()
                continue
            }
            let downstream = Connection(socket: client)
            let key = ObjectIdentifier(downstream)
            for (from, to, fromClient) in [(downstream, server, true), (server, downstream, false)] {
                let thread = Thread { [self] in pump(from: from, to: to, fromClient: fromClient, key: key) }
                thread.name = "RoundTripProxy pump"
                thread.start()
            }
        }
    }

    private func pump(from source: Connection, to sink: Connection, fromClient: Bool, key: ObjectIdentifier) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = (try? buffer.withUnsafeMutableBytes { raw in
                try source.read(into: raw, deadline: .after(seconds: 600))
            }) ?? 0
            guard count > 0 else { break }
            lock.withLock {
                if fromClient && lastFromClient[key] != true { awaitingAnswer.insert(key) }
                if !fromClient && awaitingAnswer.remove(key) != nil { turns += 1 }
                lastFromClient[key] = fromClient
            }
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
            guard (try? sink.write(Array(buffer[0..<count]), deadline: .after(seconds: 60))) != nil else { break }
        }
        sink.socket.shutdown()
        source.socket.shutdown()
    }
}
