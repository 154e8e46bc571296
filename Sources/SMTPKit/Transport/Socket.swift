#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A connected, non-blocking TCP socket. It owns its file descriptor and closes it in
/// `deinit`; `close()` is idempotent. Every call goes through ``SystemCall``. A read or write
/// is tried first and waits with `poll(2)` only on `EAGAIN`, up to a ``Deadline``, never longer. Used by one thread at a time; only ``shutdown()`` may be
/// called from another thread, to wake a blocked reader (cancellation).
package final class Socket: @unchecked Sendable {
    private let lock = NSLock()
    private var descriptor: Int32
    /// The address this socket is connected to, as text ("127.0.0.1", "::1").
    package let remoteAddress: String
    package let remotePort: Int

    package init(descriptor: Int32, remoteAddress: String, remotePort: Int) {
        self.descriptor = descriptor
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
    }

    deinit { close() }

    /// The descriptor, or -1 once closed.
    package var fileDescriptor: Int32 { lock.withLock { descriptor } }

    /// Closes the descriptor; later calls do nothing.
    package func close() {
        lock.withLock {
            SystemCall.close(descriptor)
            descriptor = -1
        }
    }

    /// Shuts both directions down so a thread blocked in `poll` wakes at once.
    package func shutdown() {
        lock.withLock {
            guard descriptor >= 0 else { return }
            let fd = descriptor
            _ = try? SystemCall.run("shutdown") { Glibc_shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    /// Sends every byte of `bytes` before `deadline`. Each `send` is tried first; only when the
    /// kernel's buffer is full (`EAGAIN`) does it wait with `poll`, up to the deadline, so a peer
    /// that stops reading makes this time out rather than spin.
    /// - Throws: `TransportError` on timeout, a closed connection or an I/O error.
    package func write(_ bytes: UnsafeRawBufferPointer, deadline: Deadline) throws(TransportError) {
        var offset = 0
        while offset < bytes.count {
            let pointer = bytes.baseAddress! + offset
            let remaining = bytes.count - offset
            let fd = fileDescriptor
            guard fd >= 0 else { throw TransportError.cancelled }
            do {
                offset += try SystemCall.run("send") { Glibc_send(fd, pointer, remaining, Socket.sendFlags) }
            } catch let failure where failure.wouldBlock {
                try waitAfterWouldBlock(.writable, deadline: deadline, operation: "while sending")
            } catch {
                throw Socket.ioError(error, operation: "while sending")
            }
        }
    }

    /// Reads what is available (at least one byte) into `buffer`, waiting up to `deadline`.
    /// `recv` is tried first; only when nothing is there (`EAGAIN`) does it wait with `poll`.
    /// - Returns: the number of bytes read; 0 means the peer closed the connection.
    package func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(TransportError) -> Int {
        while true {
            let fd = fileDescriptor
            guard fd >= 0 else { throw TransportError.cancelled }
            do {
                return try SystemCall.run("recv") { Glibc_recv(fd, buffer.baseAddress, buffer.count, 0) }
            } catch let failure where failure.wouldBlock {
                try waitAfterWouldBlock(.readable, deadline: deadline, operation: "waiting for the server")
            } catch {
                throw Socket.ioError(error, operation: "while reading")
            }
        }
    }

    /// After `EAGAIN`: times out at once when the deadline has passed, else waits with `poll`.
    private func waitAfterWouldBlock(_ readiness: Readiness, deadline: Deadline, operation: String) throws(TransportError) {
        if deadline.hasPassed { throw TransportError.timedOut(operation, seconds: deadline.budget) }
        try waitUntil(readiness, deadline: deadline, operation: operation)
    }

    /// True when bytes (or an end of stream) are waiting in the kernel right now.
    package func hasPendingInput() -> Bool {
        var entry = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        let ready = (try? SystemCall.run("poll") { poll(&entry, 1, 0) }) ?? 0
        return ready > 0 && entry.revents & Int16(POLLIN) != 0
    }

    package enum Readiness { case readable, writable }

    /// Waits until the socket is readable or writable, or the deadline passes.
    package func waitUntil(_ readiness: Readiness, deadline: Deadline, operation: String) throws(TransportError) {
        while true {
            let fd = fileDescriptor
            guard fd >= 0 else { throw TransportError.cancelled }
            let events = Int16(readiness == .readable ? POLLIN : POLLOUT)
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready: Int32
            do {
                ready = try SystemCall.run("poll") { poll(&entry, 1, deadline.pollTimeout) }
            } catch {
                throw Socket.ioError(error, operation: operation)
            }
            if ready > 0 { return }  // readable, writable, or an error/hang-up the next call reports
            if deadline.hasPassed { throw TransportError.timedOut(operation, seconds: deadline.budget) }
        }
    }

    static func ioError(_ failure: SystemCall.Failure, operation: String) -> TransportError {
        switch failure.code {
        case ECONNRESET, EPIPE, ENOTCONN, ESHUTDOWN:
            return .connectionClosed("\(operation) (\(failure.reason))")
        default:
            return .ioFailed(operation, reason: failure.reason)
        }
    }

    #if canImport(Darwin)
    static let sendFlags: Int32 = 0
    #else
    /// Never raise SIGPIPE on a closed peer; report EPIPE instead.
    static let sendFlags = Int32(MSG_NOSIGNAL)
    #endif
}

// The C functions under names that do not collide with our methods.
@inline(__always) private func Glibc_shutdown(_ fd: Int32, _ how: Int32) -> Int32 { shutdown(fd, how) }
@inline(__always) private func Glibc_send(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int, _ flags: Int32) -> Int {
    send(fd, buffer, count, flags)
}
@inline(__always) private func Glibc_recv(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int, _ flags: Int32) -> Int {
    recv(fd, buffer, count, flags)
}
