#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SMTPKit

/// A listening TCP socket on a loopback address. Accepts with a short poll so that
/// ``close()`` from another thread ends the accept loop promptly.
final class Listener: @unchecked Sendable {
    private let lock = NSLock()
    private var descriptor: Int32
    /// The port the kernel gave (or the one asked for).
    let port: Int

    /// Binds `127.0.0.1:port` (0: any free port) and listens. Every call goes through ``SystemCall``.
    init(port: Int) throws {
        do {
            (descriptor, self.port) = try Socket.listenOnLoopback(port: port)
        } catch {
            throw ServerError("cannot listen on 127.0.0.1:\(port): \(error.reason)")
        }
    }

    deinit { close() }

    /// Stops listening: new connections are refused from now on. Idempotent.
    func close() {
        lock.withLock {
            SystemCall.close(descriptor)
            descriptor = -1
        }
    }

    /// The next client, or nil when `shouldStop` turns true first.
    func accept(until shouldStop: () -> Bool) -> Socket? {
        while !shouldStop() {
            let fd = lock.withLock { descriptor }
            guard fd >= 0 else { return nil }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard let ready = try? SystemCall.run("poll", { poll(&entry, 1, 100) }),
                  ready > 0, entry.revents & Int16(POLLIN) != 0 else { continue }
            // A client that went away between poll and accept is not an error of the listener.
            guard let client = try? SystemCall.run("accept", { Glibc.accept(fd, nil, nil) }) else { continue }
            let socket = Socket(descriptor: client, remoteAddress: "127.0.0.1", remotePort: 0)
            guard (try? Socket.prepareForIO(client)) != nil else { continue }  // `socket` closes it
            return socket
        }
        return nil
    }
}

/// The server could not start.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
