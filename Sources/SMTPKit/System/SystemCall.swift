#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// The one funnel every system call of the package goes through — sockets, files, the
/// raw-message spool, password files, terminal writes (the model is swift-nio's
/// `NIOPosix/System.swift`): it retries on `EINTR`, reads `errno` at once, before anything else
/// can overwrite it, and throws one typed error, ``Failure``. Callers map that to their own
/// error (``TransportError``, ``MessageError``, ``ConfigError``) at the call site.
///
/// Two doors lead in, and both go through the same retry loop:
/// - ``run(_:_:)`` for a C call that returns -1 and sets `errno` (`send`, `poll`, `mkstemp`, …);
/// - ``run(_:system:)`` for a swift-system call (`FileDescriptor.read`, `Stat`, …), made with
///   `retryOnInterrupt: false` so that this loop, not swift-system's, is the one that retries.
///
/// `close` is the exception that is never retried: ``close(_:)``.
package enum SystemCall {
    /// A failed system call: its name and the `errno` it left.
    package struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The call that failed ("open", "send").
        package let call: String
        /// The error it reported.
        package let errno: Errno

        package init(call: String, errno: Errno) {
            self.call = call
            self.errno = errno
        }

        /// The raw `errno` value.
        package var code: Int32 { errno.rawValue }
        /// The operating system's text for the error ("No such file or directory").
        package var reason: String { errno.description }
        /// The call would block on a non-blocking descriptor; wait and try again.
        package var wouldBlock: Bool { errno == .wouldBlock || errno == .resourceTemporarilyUnavailable }
        /// "open: No such file or directory".
        package var description: String { "\(call): \(reason)" }
    }

    /// Runs the C call `body` until it returns something other than -1 with `EINTR`.
    /// - Throws: ``Failure`` with the `errno` it left when it returns -1 for any other reason.
    @discardableResult
    package static func run<T: FixedWidthInteger>(_ call: String, _ body: () -> T) throws(Failure) -> T {
        try retrying(call) { () throws(Errno) -> T in
            let result = body()
            if result == -1 { throw Errno(rawValue: errno) }  // read now: the next call may change it
            return result
        }
    }

    /// Runs the swift-system call `body` (made with `retryOnInterrupt: false`) until it does not
    /// throw ``Errno/interrupted``.
    /// - Throws: ``Failure`` with the `Errno` it threw.
    @discardableResult
    package static func run<T>(_ call: String, system body: () throws -> T) throws(Failure) -> T {
        try retrying(call) { () throws(Errno) -> T in
            do {
                return try body()
            } catch let error as Errno {
                throw error
            } catch {
                preconditionFailure("swift-system threw \(error), not an Errno, from \(call)")
            }
        }
    }

    /// Closes `descriptor` once. Never retried: on Linux the descriptor is released even when
    /// `close` reports `EINTR`, and by the time it is retried the number may belong to a file
    /// another thread just opened. An error is dropped: nothing can be done about it.
    package static func close(_ descriptor: Int32) {
        guard descriptor >= 0 else { return }
        _ = closeDescriptor(descriptor)
    }

    /// The retry loop itself, the only one in the package.
    private static func retrying<T>(_ call: String, _ body: () throws(Errno) -> T) throws(Failure) -> T {
        while true {
            do {
                return try body()
            } catch where error == .interrupted {
                continue
            } catch {
                throw Failure(call: call, errno: error)
            }
        }
    }
}

/// The POSIX `close(2)`, named so it does not clash with ``SystemCall/close(_:)``.
private func closeDescriptor(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}
