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
        #if canImport(Glibc)
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
        let type = SOCK_STREAM
        #endif
        let fd: Int32
        do {
            fd = try SystemCall.run("socket") { socket(AF_INET, type, 0) }
        } catch {
            throw ServerError("socket: \(error.reason)")
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        do {
            var one: Int32 = 1
            try SystemCall.run("setsockopt") { setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) }
            try SystemCall.run("bind") {
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
            }
            try SystemCall.run("listen") { listen(fd, 64) }
            try SystemCall.run("getsockname") {
                withUnsafeMutablePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
                }
            }
        } catch {
            SystemCall.close(fd)
            throw ServerError("cannot listen on 127.0.0.1:\(port): \(error.reason)")
        }
        descriptor = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
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
